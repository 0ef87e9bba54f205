package dev.essay.core.pkg;

import dev.essay.core.event.EssayEvent;
import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.event.EngineListener;
import dev.essay.core.model.Pep440;
import dev.essay.core.model.Project;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code essay package}: checks out the source into a clean build directory (or copies the working tree),
 * stamps the version into the copy, builds a wheel and an sdist with {@code python -m build}, and uploads both
 * to the index. When a racing packager takes the date version first, the upload fails and the next number is
 * tried (the package is rebuilt with it). The project's working tree and history are never changed.
 */
public final class Packager {
    /** Date versions tried before giving up when racing packagers keep taking the number. */
    public static final int MAX_ATTEMPTS = 5;
    private static final Duration GIT_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(20);
    private static final Pattern BUILD_BACKEND = Pattern.compile("(?m)^[ \\t]*build-backend[ \\t]*=[ \\t]*[\"']([A-Za-z0-9_.:]+)[\"']");
    private static final Pattern REVISION = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._/@{}^~-]*");

    private final Project project;
    private final IndexClient index;
    private final Clock clock;
    private final ZoneId zone;
    private final EngineListener listener;
    private final Path workRoot;

    /**
     * @param clock    for the date version and the release time
     * @param zone     the packager's zone: the day of a date version is the calendar day here
     * @param workRoot where build directories are made (null: the system temp directory)
     */
    public Packager(Project project, IndexClient index, Clock clock, ZoneId zone, EngineListener listener, Path workRoot) {
        this.project = project;
        this.index = index;
        this.clock = clock;
        this.zone = zone;
        this.listener = listener == null ? EngineListener.SILENT : listener;
        this.workRoot = workRoot;
    }

    /** The next date version on the index (what a package built now would get). */
    public String nextVersion(String suffix) {
        return DateVersion.next(DateVersion.today(clock, zone), index.versions(project.name()), suffix);
    }

    /** Builds and uploads; see the class comment. */
    public PackageResult pack(PackageRequest request) {
        String explicit = explicitVersion(request);
        if (request.suffix() != null && explicit == null) {
            DateVersion.label(request.suffix()); // reject a bad suffix before any work
        }
        if (request.here() && (request.branch() != null || request.commit() != null)) {
            throw new EssayException(ExitCode.USAGE, "--here packages the working tree; it cannot be combined with"
                    + " --branch or --commit", "drop --here, or drop --branch/--commit");
        }
        Path work = createWorkDir();
        try {
            Source source = request.here() ? copyWorkingTree(work.resolve("src")) : checkout(request, work.resolve("src"));
            listener.on(new EssayEvent.Info("source: " + source.description() + (source.commit() == null ? "" : " (" + source.commit() + ")")));
            Stamping stamping = stamping(source.projectDir());
            Set<String> tried = new LinkedHashSet<>();
            for (int attempt = 1; ; attempt++) {
                String version = explicit != null ? explicit : nextVersion(request.suffix(), tried);
                listener.on(new EssayEvent.Info("version " + version + (explicit != null ? "" : attempt == 1 ? " (next date version on the index)"
                        : " (attempt " + attempt + " of " + MAX_ATTEMPTS + ")")));
                stamp(source, stamping, version);
                Path dist = work.resolve("dist-" + version);
                List<Path> files = build(source.projectDir(), dist);
                List<PackageResult.File> uploaded = new ArrayList<>();
                try {
                    for (Path file : files) {
                        String sha = IndexClient.sha256(file);
                        listener.on(new EssayEvent.Info("uploading " + file.getFileName() + " (sha256 " + sha + ") to " + index.uploadUrl()));
                        index.upload(project.name(), version, file, sha);
                        uploaded.add(new PackageResult.File(file, file.getFileName().toString(), sha, null));
                    }
                } catch (VersionTakenException e) {
                    if (explicit != null) {
                        throw e;
                    }
                    tried.add(version);
                    if (attempt >= MAX_ATTEMPTS) {
                        throw new EssayException(ExitCode.REFUSED, "gave up after " + attempt + " attempts: every date"
                                + " version tried was taken by another packager (" + String.join(", ", tried) + ")",
                                e.detail(), "run essay package again, or give an explicit --version", e);
                    }
                    listener.on(new EssayEvent.Warning(e.getMessage() + ": another packager took it; retrying with the next number"));
                    continue;
                }
                cleanSource(work.resolve("src"));
                return new PackageResult(project.name(), version, source.commit(), source.description(),
                        index.projectPage(project.name()).toString(), attempt, withUrls(uploaded));
            }
        } catch (UncheckedIOException e) {
            throw new EssayException(ExitCode.ERROR, "packaging failed: " + e.getCause().getMessage(), null, null, e);
        }
    }

    private String explicitVersion(PackageRequest request) {
        if (request.version() == null) {
            return null;
        }
        try {
            Pep440.require(request.version());
        } catch (IllegalArgumentException e) {
            throw new EssayException(ExitCode.USAGE, "--version " + e.getMessage(),
                    Pep440.suggestion(request.version()));
        }
        return DateVersion.withSuffix(request.version(), request.suffix());
    }

    private String nextVersion(String suffix, Set<String> tried) {
        Set<String> known = new LinkedHashSet<>(index.versions(project.name()));
        known.addAll(tried);
        return DateVersion.next(DateVersion.today(clock, zone), known, suffix);
    }

    // ---------------------------------------------------------------- source

    /** What was checked out: the project directory inside the build copy and the commit. */
    private record Source(Path projectDir, String commit, String description) {
    }

    private Source checkout(PackageRequest request, Path clone) {
        Path dir = project.directory();
        Processes.Result top = git(dir, "rev-parse", "--show-toplevel");
        if (!top.ok()) {
            throw new PackageException(ExitCode.USAGE, dir + " is not in a git repository", top.tail(),
                    "run essay package in a git checkout, or use --here to package the working tree as it is");
        }
        Path repo = Path.of(top.output().strip()).toAbsolutePath().normalize();
        Path relative = realPath(repo).relativize(realPath(dir));
        String revision;
        String description;
        if (request.commit() != null) {
            requireRevision(request.commit(), "--commit");
            revision = request.commit();
            description = "commit " + request.commit();
        } else {
            String branch = request.branch() != null ? request.branch() : project.build().branch();
            requireRevision(branch, "--branch");
            revision = "origin/" + branch;
            description = "branch " + branch;
        }
        listener.on(new EssayEvent.Info("cloning " + repo + " into " + clone));
        gitOrFail(repo, "clone", List.of("-c", "protocol.file.allow=always", "clone", "--quiet", "--no-local",
                "--recurse-submodules", "--", repo.toString(), clone.toString()), "cloning " + repo);
        Processes.Result verify = git(clone, "rev-parse", "--verify", "--quiet", revision + "^{commit}");
        if (!verify.ok()) {
            throw new PackageException(ExitCode.USAGE, (request.commit() != null ? "no commit '" + request.commit()
                    : "no branch '" + revision.substring("origin/".length())) + "' in " + repo, null,
                    request.commit() != null ? "give a commit id, tag or branch of that repository"
                            : "give an existing branch (--branch, or build.branch in essay.yaml)");
        }
        gitOrFail(clone, "checkout", List.of("checkout", "--quiet", "--detach", verify.output().strip()),
                "checking out " + revision);
        gitOrFail(clone, "submodule", List.of("-c", "protocol.file.allow=always", "submodule", "--quiet", "update",
                "--init", "--recursive"), "updating submodules");
        String commit = git(clone, "rev-parse", "HEAD").output().strip();
        return new Source(clone.resolve(relative.toString()), commit, description);
    }

    private static void requireRevision(String revision, String option) {
        if (!REVISION.matcher(revision).matches() || revision.contains("..")) {
            throw new EssayException(ExitCode.USAGE, option + " '" + revision + "' is not a git revision",
                    "give a branch name or commit id (it must not start with '-')");
        }
    }

    private Source copyWorkingTree(Path copy) {
        Path dir = project.directory();
        listener.on(new EssayEvent.Info("copying the working tree " + dir + " into " + copy));
        Trees.copy(dir, copy, Trees::isLeftover);
        String commit = null;
        Processes.Result head = git(dir, "rev-parse", "HEAD");
        if (head.ok()) {
            commit = head.output().strip();
            Processes.Result status = git(dir, "status", "--porcelain");
            if (status.ok() && !status.output().isBlank()) {
                commit += "-dirty";
            }
        }
        return new Source(copy, commit, "working tree");
    }

    private static Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    private Processes.Result git(Path dir, String... args) {
        List<String> argv = new ArrayList<>(List.of("git"));
        argv.addAll(List.of(args));
        return Processes.run(argv, dir, GIT_TIMEOUT, Map.of());
    }

    private void gitOrFail(Path dir, String what, List<String> args, String doing) {
        List<String> argv = new ArrayList<>(List.of("git"));
        argv.addAll(args);
        Processes.Result r = Processes.run(argv, dir, GIT_TIMEOUT, Map.of());
        if (!r.ok()) {
            throw new PackageException(ExitCode.ERROR, "git " + what + " failed (exit " + r.exit() + ") " + doing,
                    r.tail(), null);
        }
    }

    // ---------------------------------------------------------------- stamping

    /**
     * What stamping writes into: the original text of each file (so every attempt stamps from the pristine source),
     * whether pyproject.toml's {@code [project]} version is set, and which files have their placeholders filled.
     */
    private record Stamping(Map<Path, String> originals, Path pyproject, Set<Path> stampFiles) {
    }

    /**
     * The files stamped: pyproject.toml, the files of {@code build.stamp_files}, and, as the fabfile tool did,
     * setup.py and the settings file ({@code build.settings_base_file}, else {@code <package>/settings.py} and
     * {@code <package>/settings/__init__.py}) when they hold a placeholder.
     */
    private Stamping stamping(Path projectDir) {
        Map<Path, String> originals = new LinkedHashMap<>();
        Set<Path> declared = new LinkedHashSet<>();
        for (String name : project.build().stampFiles()) {
            Path file = projectDir.resolve(name).normalize();
            if (!file.startsWith(projectDir) || !Files.isRegularFile(file)) {
                throw new PackageException(ExitCode.USAGE, "build.stamp_files: " + name + " does not exist in the"
                        + " source being packaged", null, "commit it, or fix build.stamp_files in " + project.fileName());
            }
            originals.put(file, read(file));
            declared.add(file);
        }
        Set<Path> stampFiles = new LinkedHashSet<>(declared);
        for (Path file : fabfileStampFiles(projectDir)) {
            if (!stampFiles.contains(file)) {
                String text = read(file);
                if (Stamper.hasPlaceholders(text)) {
                    originals.put(file, text);
                    stampFiles.add(file);
                }
            }
        }
        boolean versionPlaceholder = stampFiles.stream().anyMatch(f -> Stamper.hasVersionPlaceholder(originals.get(f)));
        Path pyproject = projectDir.resolve("pyproject.toml");
        if (Files.isRegularFile(pyproject)) {
            String toml = read(pyproject);
            if (Stamper.hasProjectTable(toml) || !versionPlaceholder) {
                // no [project] table and no version placeholder: Stamper.pyproject says what to do
                if (Stamper.pyproject(toml, "0").dynamicVersion() && !versionPlaceholder && declared.isEmpty()) {
                    throw new PackageException(ExitCode.USAGE, "pyproject.toml declares dynamic = [\"version\"] and"
                            + " no file holds a version placeholder: essay has nowhere to write the version", null,
                            "put ${version} (or {{ version }}) where the build backend reads the version (setup.py, or"
                                    + " a file listed in build.stamp_files), or set a static [project] version");
                }
                originals.put(pyproject, toml);
            } else {
                pyproject = null; // a setup.py project whose pyproject.toml only names the build system
            }
        } else {
            pyproject = null;
        }
        if (pyproject == null && stampFiles.isEmpty()) {
            throw new PackageException(ExitCode.USAGE, "nothing to write the version into: the project has no"
                    + " pyproject.toml, no setup.py with a ${version} placeholder, and build.stamp_files is empty", null,
                    "add a pyproject.toml with a [project] version, or write version='${version}' in setup.py");
        }
        return new Stamping(originals, pyproject, stampFiles);
    }

    /** setup.py and the settings files the fabfile tool stamped, those that exist. */
    private List<Path> fabfileStampFiles(Path projectDir) {
        List<Path> files = new ArrayList<>();
        files.add(projectDir.resolve("setup.py"));
        String settings = project.build().settingsBaseFile();
        if (settings != null) {
            Path file = projectDir.resolve(settings).normalize();
            if (!file.startsWith(projectDir) || !Files.isRegularFile(file)) {
                throw new PackageException(ExitCode.USAGE, "build.settings_base_file: " + settings + " does not exist"
                        + " in the source being packaged", null, "commit it, or fix build.settings_base_file in "
                        + project.fileName());
            }
            files.add(file);
        } else {
            for (String pkg : new LinkedHashSet<>(List.of(project.name().replace('-', '_').replace('.', '_'),
                    Scaffold.packageName(project.name())))) {
                files.add(projectDir.resolve(pkg).resolve("settings.py"));
                files.add(projectDir.resolve(pkg).resolve("settings").resolve("__init__.py"));
            }
        }
        return files.stream().filter(Files::isRegularFile).toList();
    }

    private void stamp(Source source, Stamping stamping, String version) {
        Stamper.Values values = new Stamper.Values(version, source.commit() == null ? "" : source.commit(),
                ZonedDateTime.now(clock.withZone(zone)));
        for (Map.Entry<Path, String> e : stamping.originals().entrySet()) {
            Path file = e.getKey();
            String stamped = e.getValue();
            if (file.equals(stamping.pyproject())) {
                stamped = Stamper.pyproject(stamped, version).text();
            }
            if (stamping.stampFiles().contains(file)) {
                if (!Stamper.hasPlaceholders(stamped)) {
                    listener.on(new EssayEvent.Warning("build.stamp_files: " + source.projectDir().relativize(file)
                            + " has no ${version}, ${git_version} or ${release_time} placeholder (nor {{ version }} ...)"));
                }
                stamped = Stamper.placeholders(stamped, values);
            }
            write(file, stamped);
        }
        listener.on(new EssayEvent.Info("stamped " + version + " into the build copy (" + String.join(", ",
                stamping.originals().keySet().stream().map(p -> source.projectDir().relativize(p).toString()).toList()) + ")"));
    }

    // ---------------------------------------------------------------- build

    private List<Path> build(Path projectDir, Path dist) {
        Trees.delete(projectDir.resolve("build"));
        try (Stream<Path> s = Files.list(projectDir)) {
            s.filter(p -> p.getFileName().toString().endsWith(".egg-info")).forEach(Trees::delete);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String python = project.build().python();
        List<String> argv = new ArrayList<>(List.of(python, "-m", "build"));
        String backend = backend(projectDir);
        if (backendPresent(python, backend, projectDir)) {
            argv.add("--no-isolation");
        } else {
            listener.on(new EssayEvent.Warning("the build backend " + backend + " is not installed for " + python + "; building in an"
                    + " isolated environment (needs the index to install it)"));
        }
        argv.addAll(List.of("--sdist", "--wheel", "--outdir", dist.toString(), projectDir.toString()));
        listener.on(new EssayEvent.Info("building: " + String.join(" ", argv)));
        Processes.Result r = Processes.run(argv, projectDir, BUILD_TIMEOUT, Map.of());
        if (!r.ok()) {
            boolean noBuild = r.output().contains("No module named build");
            throw new PackageException(ExitCode.ERROR, python + " -m build failed (exit " + r.exit() + ")", r.tail(),
                    noBuild ? "install the build package for " + python + " (Debian: apt install python3-build)"
                            : "fix the build error above; the build copy is in " + projectDir.getParent());
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dist)) {
            files = s.filter(p -> p.toString().endsWith(".whl") || p.toString().endsWith(".tar.gz"))
                    .sorted(Comparator.comparing(p -> p.toString().endsWith(".whl") ? 1 : 0)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (files.size() != 2) {
            throw new PackageException(ExitCode.ERROR, python + " -m build made " + files.size() + " files, expected"
                    + " a wheel and an sdist", r.tail(), null);
        }
        for (Path f : files) {
            listener.on(new EssayEvent.Info("built " + f.getFileName()));
        }
        return files;
    }

    private static String backend(Path projectDir) {
        Path pyproject = projectDir.resolve("pyproject.toml");
        if (Files.isRegularFile(pyproject)) {
            Matcher m = BUILD_BACKEND.matcher(read(pyproject));
            if (m.find()) {
                return m.group(1);
            }
        }
        return "setuptools.build_meta";
    }

    /** Whether the backend's top-level module imports with {@code python}: then the build runs offline. */
    private static boolean backendPresent(String python, String backend, Path dir) {
        String module = backend.split("[.:]")[0];
        Processes.Result r = Processes.run(List.of(python, "-c",
                "import importlib.util, sys; sys.exit(0 if importlib.util.find_spec(sys.argv[1]) else 1)", module),
                dir, Duration.ofMinutes(1), Map.of());
        return r.ok();
    }

    private List<PackageResult.File> withUrls(List<PackageResult.File> uploaded) {
        Map<String, String> urls = new HashMap<>();
        try {
            for (IndexClient.IndexFile f : index.files(project.name())) {
                urls.put(f.name(), f.url().toString());
            }
        } catch (EssayException e) {
            listener.on(new EssayEvent.Warning("uploaded, but cannot read the index page back: " + e.getMessage()));
        }
        String page = index.projectPage(project.name()).toString();
        return uploaded.stream().map(f -> new PackageResult.File(f.path(), f.name(), f.sha256(),
                urls.getOrDefault(f.name(), page + f.name()))).toList();
    }

    // ---------------------------------------------------------------- files

    private Path createWorkDir() {
        try {
            return workRoot == null ? Files.createTempDirectory("essay-package-")
                    : Files.createTempDirectory(Files.createDirectories(workRoot), "essay-package-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes the build copy (the dist directory with the uploaded files stays). */
    private static void cleanSource(Path src) {
        Trees.delete(src);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
