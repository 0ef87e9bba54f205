package dev.essay.core.pkg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.essay.core.TestProjects;
import dev.essay.core.config.ProjectLoader;
import dev.essay.core.event.EngineListener;
import dev.essay.core.event.TextRenderer;
import dev.essay.core.model.HostAddress;
import dev.essay.index.PackageIndexServer;
import dev.essay.core.model.Project;
import dev.essay.core.model.Secret;
import dev.essay.fleet.LocalCommand;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * essay package end to end: a real git repository made from the sample, real {@code python3 -m build}
 * (offline: the backend is installed, so --no-isolation), real uploads to {@link PackageIndexServer} with
 * its 409 on an existing file, and real pip installing what was uploaded.
 */
class PackagerIT {
    private static final String PYTHON = "/usr/bin/python3";
    private static final String PASSWORD = "Pkg-Index-s3cret";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T10:15:30Z"), ZoneOffset.UTC);
    private static final ZoneId ZONE = ZoneOffset.UTC;
    private static final String BUILD_PY = """
            BRANCH = "%s"
            VERSION = "{{ version }}"
            GIT_VERSION = "{{ git_version }}"
            RELEASE_TIME = "{{ release_time }}"
            """;

    @TempDir
    Path tmp;

    Path repo;
    Path indexDir;
    PackageIndexServer index;
    Project project;
    final List<String> events = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void setUp() throws IOException {
        repo = tmp.resolve("repo");
        Path passwordFile = Files.writeString(tmp.resolve("index-password"), PASSWORD + "\n");
        indexDir = Files.createDirectories(tmp.resolve("index"));
        index = PackageIndexServer.start(indexDir, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new PackageIndexServer.Credentials("deploy", Secret.of(PASSWORD)));
        TestProjects.packagingProject(repo, index.simpleUrl(), passwordFile, PYTHON,
                "stamp_files: [src/essay_sample/_build.py]");
        Files.writeString(repo.resolve("src/essay_sample/_build.py"), BUILD_PY.formatted("main"));
        git("init", "-q", "-b", "main");
        git("add", "-A");
        git("commit", "-q", "-m", "sample");
        git("checkout", "-q", "-b", "feature");
        Files.writeString(repo.resolve("src/essay_sample/_build.py"), BUILD_PY.formatted("feature"));
        git("commit", "-q", "-am", "feature");
        git("checkout", "-q", "main");
        project = ProjectLoader.load(repo.resolve("essay.yaml"));
    }

    @AfterEach
    void tearDown() {
        if (index != null) {
            index.close();
        }
    }

    private Packager packager(Consumer<String> onInfo) {
        EngineListener listener = event -> {
            TextRenderer.Text t = TextRenderer.render(event);
            if (t == null) {
                return;
            }
            if (t.host() != null) {
                events.add(t.host() + " " + t.text());
            } else if (t.warning()) {
                events.add("warning: " + t.text());
            } else {
                events.add(t.text());
                onInfo.accept(t.text());
            }
        };
        return new Packager(project, IndexClient.of(project), CLOCK, ZONE, listener, tmp.resolve("work"));
    }

    private static PackageRequest request(String branch, String commit, String version) {
        return new PackageRequest(branch, commit, false, version, null, false);
    }

    @Test
    void datedVersionsRaceAndInstall() throws Exception {
        String head = git("rev-parse", "HEAD").strip();
        Packager packager = packager(line -> { });
        assertThat(packager.nextVersion(null)).isEqualTo("6.11.28.1");

        PackageResult first = packager.pack(PackageRequest.defaults());
        assertThat(first.version()).isEqualTo("6.11.28.1");
        assertThat(first.commit()).isEqualTo(head);
        assertThat(first.attempts()).isEqualTo(1);
        assertThat(first.files()).hasSize(2);
        for (PackageResult.File f : first.files()) {
            assertThat(f.sha256()).isEqualTo(IndexClient.sha256(f.path()));
            assertThat(Files.exists(indexDir.resolve(f.name()))).as(f.name() + " on the index").isTrue();
            assertThat(f.url()).startsWith("http://127.0.0.1:" + index.port() + "/");
            assertThat(IndexClient.sha256(indexDir.resolve(f.name()))).isEqualTo(f.sha256());
        }
        assertThat(stamped(first)).contains("BRANCH = \"main\"", "VERSION = \"6.11.28.1\"",
                "GIT_VERSION = \"" + head + "\"", "RELEASE_TIME = \"2026-11-28T10:15:30Z\"");

        PackageResult second = packager.pack(PackageRequest.defaults());
        assertThat(second.version()).isEqualTo("6.11.28.2");
        assertThat(packager.nextVersion(null)).isEqualTo("6.11.28.3");

        // a racing packager uploads 6.11.28.3 after this one computed it and before it uploads
        List<Path> racer = new ArrayList<>();
        for (PackageResult.File f : second.files()) {
            Path copy = tmp.resolve("racer").resolve(f.name().replace("6.11.28.2", "6.11.28.3"));
            Files.createDirectories(copy.getParent());
            Files.copy(f.path(), copy);
            racer.add(copy);
        }
        IndexClient racerClient = IndexClient.of(project);
        Packager racing = packager(line -> {
            if (line.startsWith("version 6.11.28.3")) {
                for (Path f : racer) {
                    racerClient.upload("essay-sample", "6.11.28.3", f, IndexClient.sha256(f));
                }
            }
        });
        events.clear();
        PackageResult third = racing.pack(PackageRequest.defaults());
        assertThat(third.version()).isEqualTo("6.11.28.4");
        assertThat(third.attempts()).isEqualTo(2);
        assertThat(events).anySatisfy(e -> assertThat(e).startsWith("warning: the index already has")
                .contains("6.11.28.3", "retrying with the next number"));
        assertThat(stamped(third)).contains("VERSION = \"6.11.28.4\"");
        assertThat(index.simpleUrl()).isNotNull();
        assertThat(IndexClient.of(project).versions("essay-sample"))
                .containsExactlyInAnyOrder("6.11.28.1", "6.11.28.2", "6.11.28.3", "6.11.28.4");

        // an explicit version that is taken is reported, never retried
        assertThatThrownBy(() -> packager.pack(request(null, null, "6.11.28.1")))
                .isInstanceOf(VersionTakenException.class).hasMessageContaining("6.11.28.1 is taken");

        // the repository is untouched: clean tree, same history, placeholder version
        assertThat(git("status", "--porcelain")).isEmpty();
        assertThat(git("rev-parse", "HEAD").strip()).isEqualTo(head);
        assertThat(git("rev-list", "--count", "--all").strip()).isEqualTo("2");
        assertThat(Files.readString(repo.resolve("pyproject.toml"))).contains("version = \"0.0.0\"");
        assertThat(String.join("\n", events)).doesNotContain(PASSWORD);

        // real pip installs an uploaded version from the index
        Path venv = tmp.resolve("venv");
        run(PYTHON, "-m", "venv", venv.toString());
        run(venv.resolve("bin/pip").toString(), "install", "--no-cache-dir", "--disable-pip-version-check",
                "--no-input", "--index-url", index.simpleUrl().toString(), "essay-sample==6.11.28.2");
        assertThat(run(venv.resolve("bin/python").toString(), "-c",
                "import importlib.metadata as m, essay_sample._build as b; print(m.version('essay-sample'), b.VERSION)")
                .output().strip()).isEqualTo("6.11.28.2 6.11.28.2");
    }

    @Test
    void branchOrCommitPicksTheSourceAndTheCommitWins() throws Exception {
        String mainHead = git("rev-parse", "main").strip();
        String featureHead = git("rev-parse", "feature").strip();
        Packager packager = packager(line -> { });

        PackageResult feature = packager.pack(request("feature", null, "1.0.0"));
        assertThat(feature.commit()).isEqualTo(featureHead);
        assertThat(feature.source()).isEqualTo("branch feature");
        assertThat(stamped(feature)).contains("BRANCH = \"feature\"", "VERSION = \"1.0.0\"");

        PackageResult commitWins = packager.pack(new PackageRequest("feature", mainHead.substring(0, 12), false,
                "1.0.1", "hotfix", false));
        assertThat(commitWins.version()).isEqualTo("1.0.1+hotfix");
        assertThat(commitWins.commit()).isEqualTo(mainHead);
        assertThat(stamped(commitWins)).contains("BRANCH = \"main\"", "GIT_VERSION = \"" + mainHead + "\"");

        assertThatThrownBy(() -> packager.pack(request("no-such-branch", null, "1.0.2")))
                .isInstanceOf(PackageException.class).hasMessageContaining("no branch 'no-such-branch'");
        assertThatThrownBy(() -> packager.pack(request(null, "--upload-pack=evil", "1.0.2")))
                .hasMessageContaining("is not a git revision");
        assertThat(git("status", "--porcelain")).isEmpty();
        assertThat(git("rev-parse", "HEAD").strip()).isEqualTo(mainHead);
    }

    @Test
    void submodulesAreCheckedOutIntoTheBuild() throws Exception {
        Path lib = Files.createDirectories(tmp.resolve("lib"));
        Files.writeString(lib.resolve("__init__.py"), "LIB = \"from the submodule\"\n");
        gitIn(lib, "init", "-q", "-b", "main");
        gitIn(lib, "add", "-A");
        gitIn(lib, "commit", "-q", "-m", "lib");
        git("-c", "protocol.file.allow=always", "submodule", "--quiet", "add", lib.toString(), "src/essay_sample/vendor");
        git("commit", "-q", "-m", "vendor lib");
        PackageResult result = packager(line -> { }).pack(request(null, null, "3.0.0"));
        Path wheel = result.files().stream().map(PackageResult.File::path)
                .filter(p -> p.toString().endsWith(".whl")).findFirst().orElseThrow();
        try (ZipFile zip = new ZipFile(wheel.toFile())) {
            assertThat(zip.getEntry("essay_sample/vendor/__init__.py")).as("the submodule's file in the wheel").isNotNull();
        }
        assertThat(git("status", "--porcelain")).isEmpty();
    }

    @Test
    void hereBuildsTheWorkingTreeAsItIs() throws Exception {
        Files.writeString(repo.resolve("src/essay_sample/_build.py"), BUILD_PY.formatted("uncommitted"));
        Path junk = Files.createDirectories(repo.resolve("dist"));
        Files.writeString(junk.resolve("old.tar.gz"), "stale");
        String head = git("rev-parse", "HEAD").strip();
        PackageResult here = packager(line -> { }).pack(new PackageRequest(null, null, true, null, "Local_Test", false));
        assertThat(here.version()).isEqualTo("6.11.28.1+local.test");
        assertThat(here.commit()).isEqualTo(head + "-dirty");
        assertThat(stamped(here)).contains("BRANCH = \"uncommitted\"", "VERSION = \"6.11.28.1+local.test\"");
        assertThat(Files.readString(repo.resolve("src/essay_sample/_build.py"))).contains("{{ version }}");
    }

    @Test
    void buildFailureShowsTheOutputTail() throws Exception {
        Files.writeString(repo.resolve("pyproject.toml"), Files.readString(repo.resolve("pyproject.toml"))
                .replace("requires-python = \">=3.8\"", "requires-python = [broken"));
        git("commit", "-q", "-am", "broken");
        assertThatThrownBy(() -> packager(line -> { }).pack(request(null, null, "2.0.0")))
                .isInstanceOf(PackageException.class)
                .hasMessageContaining("-m build failed")
                .satisfies(e -> assertThat(((PackageException) e).detail()).isNotBlank());
        assertThat(Files.list(indexDir).toList()).isEmpty();
    }

    // ---------------------------------------------------------------- helpers

    /** The stamped {@code essay_sample/_build.py} inside the uploaded wheel. */
    private static String stamped(PackageResult result) throws IOException {
        Path wheel = result.files().stream().map(PackageResult.File::path)
                .filter(p -> p.toString().endsWith(".whl")).findFirst().orElseThrow();
        try (ZipFile zip = new ZipFile(wheel.toFile())) {
            return new String(zip.getInputStream(zip.getEntry("essay_sample/_build.py")).readAllBytes(),
                    StandardCharsets.UTF_8);
        }
    }

    private String git(String... args) {
        return gitIn(repo, args);
    }

    private static String gitIn(Path dir, String... args) {
        List<String> argv = new ArrayList<>(List.of("git", "-c", "user.name=Essay Test", "-c",
                "user.email=test@essay.invalid", "-c", "commit.gpgsign=false"));
        argv.addAll(List.of(args));
        return LocalCommand.run(argv, Duration.ofMinutes(1), dir, Map.of()).orThrow().output();
    }

    private static LocalCommand.Result run(String... command) {
        return LocalCommand.run(List.of(command), Duration.ofMinutes(5), null,
                Map.of("PIP_CONFIG_FILE", "/dev/null", "PYTHONNOUSERSITE", "1")).orThrow();
    }
}
