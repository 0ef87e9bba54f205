package dev.essay.fleet;

import dev.essay.core.pkg.Trees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Builds the wheel and sdist of the sample service ({@code sample/} at the repository root) in a given
 * version: copies it (without build leftovers), stamps the version into the copy's {@code pyproject.toml}
 * (which holds the placeholder {@code version = "0.0.0"}), and runs
 * {@code /usr/bin/python3 -m build --no-isolation --outdir <dir> <copy>}. Debian's {@code python3-build},
 * {@code python3-setuptools} and {@code python3-wheel} must be installed ({@code scripts/install-deps}).
 *
 * <p>{@link #build(String)} builds each version once per JVM (tests: cached in a temporary directory removed
 * when the JVM exits); {@link #build(Path, String, Path, Path)} builds into a given directory (the demo).
 */
public final class SampleBuild {
    /** Debian's interpreter; the {@code python3} on a developer's PATH may be another one (pyenv). */
    public static final String PYTHON = "/usr/bin/python3";
    private static final Pattern PLACEHOLDER = Pattern.compile("(?m)^version = \"0\\.0\\.0\"$");
    private static final Pattern VERSION = Pattern.compile("[0-9]+(\\.[0-9]+)*((a|b|rc)[0-9]+)?(\\.post[0-9]+)?(\\.dev[0-9]+)?");
    private static final Map<String, List<Path>> BUILT = new HashMap<>();
    private static Path cacheDir;

    private SampleBuild() {
    }

    /**
     * The sample project: the system property {@code essay.sample.dir} when set (scripts/demo and the demo's
     * integration tests set it), else the first {@code sample/} directory holding a {@code pyproject.toml}
     * found from the working directory upwards (so it works from any module and the repository root).
     */
    public static Path sampleDir() {
        String configured = System.getProperty("essay.sample.dir");
        if (configured != null && !configured.isBlank()) {
            Path dir = Path.of(configured).toAbsolutePath().normalize();
            if (!Files.isRegularFile(dir.resolve("pyproject.toml"))) {
                throw new IllegalStateException("essay.sample.dir=" + dir + " holds no pyproject.toml");
            }
            return dir;
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("sample/pyproject.toml"))) {
                return dir.resolve("sample");
            }
        }
        throw new IllegalStateException("cannot find the sample service (sample/pyproject.toml) above "
                + Path.of("").toAbsolutePath() + "; run from the essay repository or set -Dessay.sample.dir=/path/to/sample");
    }

    /** The supervisord template of the sample ({@code sample/conf/supervisord.conf}). */
    public static Path supervisorTemplate() {
        return sampleDir().resolve("conf/supervisord.conf");
    }

    /** The wheel and sdist of {@code version} (built on first use in this JVM), sorted by file name. */
    public static synchronized List<Path> build(String version) {
        if (!VERSION.matcher(version).matches()) {
            throw new IllegalArgumentException("'" + version + "' is not a plain PEP 440 version such as 1.0.0");
        }
        List<Path> cached = BUILT.get(version);
        if (cached != null && cached.stream().allMatch(Files::isRegularFile)) {
            return cached;
        }
        try {
            Path work = cacheDir().resolve(version);
            Trees.delete(work);
            List<Path> files = buildIn(sampleDir(), version, work);
            BUILT.put(version, files);
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build essay-sample " + version, e);
        }
    }

    /**
     * Puts the wheel and sdist of {@code version} ({@link #build(String)}) into the index directory {@code indexDir}
     * (each file appears whole, by a rename); returns the files there. Idempotent.
     */
    public static List<Path> publish(String version, Path indexDir) {
        List<Path> published = new ArrayList<>();
        try {
            for (Path file : build(version)) {
                Path target = indexDir.resolve(file.getFileName().toString());
                if (!Files.exists(target)) {
                    Path partial = indexDir.resolve("." + file.getFileName() + ".partial");
                    Files.copy(file, partial, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
                }
                published.add(target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot publish essay-sample " + version, e);
        }
        return published;
    }

    /**
     * Builds {@code version} of {@code sample} in {@code work} (with a clean environment) and moves the wheel
     * and sdist into {@code outDir}; returns them.
     */
    public static List<Path> build(Path sample, String version, Path work, Path outDir) {
        try {
            List<Path> files = new ArrayList<>();
            for (Path file : buildIn(sample, version, work)) {
                Path target = outDir.resolve(file.getFileName().toString());
                Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
                files.add(target);
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build essay-sample " + version, e);
        }
    }

    /** Copies, stamps and builds {@code sample} in {@code work}; the files in {@code work/dist}, sorted. */
    private static List<Path> buildIn(Path sample, String version, Path work) throws IOException {
        Path source = work.resolve("src");
        Path dist = work.resolve("dist");
        Files.createDirectories(work);
        Trees.copy(sample, source, Trees::isLeftover);
        Path pyproject = source.resolve("pyproject.toml");
        Matcher m = PLACEHOLDER.matcher(Files.readString(pyproject, StandardCharsets.UTF_8));
        if (!m.find()) {
            throw new IllegalStateException(sample.resolve("pyproject.toml")
                    + " must contain the line: version = \"0.0.0\" (the placeholder the build replaces)");
        }
        Files.writeString(pyproject, m.replaceFirst("version = \"" + version + "\""), StandardCharsets.UTF_8);
        Map<String, String> env = Map.of("HOME", work.toString(), "PYTHONDONTWRITEBYTECODE", "1", "SOURCE_DATE_EPOCH", "1700000000");
        LocalCommand.Result result = LocalCommand.runClean(
                List.of(PYTHON, "-m", "build", "--no-isolation", "--outdir", dist.toString(), source.toString()),
                Duration.ofMinutes(5), work, env);
        if (!result.ok()) {
            throw new IllegalStateException("building essay-sample " + version + " with `" + PYTHON
                    + " -m build --no-isolation` failed (exit " + result.exitCode() + "); are python3-build, "
                    + "python3-setuptools and python3-wheel installed (scripts/install-deps)?\n"
                    + LocalCommand.tail(result.output(), 20));
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(dist)) {
            files = list.sorted().toList();
        }
        boolean wheel = files.stream().anyMatch(f -> f.getFileName().toString().endsWith(".whl"));
        boolean sdist = files.stream().anyMatch(f -> f.getFileName().toString().endsWith(".tar.gz"));
        if (!wheel || !sdist) {
            throw new IllegalStateException("building essay-sample " + version + " produced " + files
                    + "; expected a wheel and an sdist");
        }
        return files;
    }

    private static Path cacheDir() throws IOException {
        if (cacheDir == null) {
            Path dir = Files.createTempDirectory("essay-sample-dists-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> Trees.delete(dir), "essay-sample-dists-cleanup"));
            cacheDir = dir;
        }
        return cacheDir;
    }
}
