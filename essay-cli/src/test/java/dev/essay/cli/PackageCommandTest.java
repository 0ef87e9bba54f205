package dev.essay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.essay.core.TestProjects;
import dev.essay.index.PackageIndexServer;
import dev.essay.core.model.Secret;
import dev.essay.core.pkg.DateVersion;
import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code essay package} and {@code essay versions} against a real git repository, python -m build and index. */
class PackageCommandTest {
    static final String PASSWORD = "Cli-Pkg-s3cret";

    @TempDir
    Path tmp;

    Path repo;
    Path indexDir;
    PackageIndexServer index;

    @BeforeEach
    void setUp() throws Exception {
        repo = tmp.resolve("repo");
        indexDir = Files.createDirectories(tmp.resolve("index"));
        index = PackageIndexServer.start(indexDir, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new PackageIndexServer.Credentials("deploy", Secret.of(PASSWORD)));
        Path passwordFile = Files.writeString(tmp.resolve("index-password"), PASSWORD + "\n");
        TestProjects.packagingProject(repo, index.simpleUrl(), passwordFile, "/usr/bin/python3");
        git("init", "-q", "-b", "main");
        git("add", "-A");
        git("commit", "-q", "-m", "sample");
    }

    @AfterEach
    void tearDown() {
        index.close();
    }

    Cli.Run essay(String... args) {
        List<String> all = new ArrayList<>(List.of("--config", repo.resolve("essay.yaml").toString()));
        all.addAll(List.of(args));
        return Cli.run(all.toArray(String[]::new));
    }

    static String today() {
        return DateVersion.prefix(DateVersion.today(Clock.systemUTC(), ZoneId.systemDefault()));
    }

    @Test
    void packagesUploadsAndPrintsJsonThenAnExplicitTakenVersionIsRefused() throws Exception {
        String prefix = today();
        assertThat(essay("versions", "--next").out().strip()).isEqualTo(prefix + ".1");
        Cli.Run todayNone = essay("versions", "--today");
        assertThat(todayNone.exit()).isEqualTo(1);
        assertThat(todayNone.err()).contains("error: no version of today (" + prefix + ".n)");
        Cli.Run latestNone = essay("versions", "--latest");
        assertThat(latestNone.exit()).isEqualTo(1);
        assertThat(latestNone.err()).contains("error: no version of essay-sample on the index " + index.simpleUrl());

        Cli.Run r = essay("package", "--json");
        assertThat(r.exit()).as(r.all()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        String version = json.get("version").asText();
        assertThat(version).isEqualTo(prefix + ".1");
        assertThat(json.get("commit").asText()).isEqualTo(git("rev-parse", "HEAD").strip());
        assertThat(json.get("index_url").asText()).isEqualTo(index.simpleUrl() + "essay-sample/");
        assertThat(json.get("files")).hasSize(2);
        for (JsonNode f : json.get("files")) {
            assertThat(Files.exists(indexDir.resolve(f.get("name").asText()))).isTrue();
            assertThat(f.get("sha256").asText()).hasSize(64);
            assertThat(f.get("url").asText()).startsWith("http://127.0.0.1:");
        }
        assertThat(r.err()).contains("version " + version, "uploading");
        assertThat(r.all()).doesNotContain(PASSWORD);

        Cli.Run text = essay("package", "--suffix", "FixBug");
        assertThat(text.exit()).as(text.all()).isZero();
        assertThat(text.out()).contains("packaged essay-sample " + prefix + ".2+fixbug from branch main",
                "FILE", "SHA256", "URL", "index: " + index.simpleUrl() + "essay-sample/");

        assertThat(essay("versions").out()).contains(prefix + ".1", prefix + ".2+fixbug");
        assertThat(essay("versions", "--today").out().strip()).isEqualTo(prefix + ".1");
        assertThat(essay("versions", "--today", "--suffix", "fixbug").out().strip()).isEqualTo(prefix + ".2+fixbug");
        Cli.Run older = essay("package", "--version", "1.10.0");
        assertThat(older.exit()).as(older.all()).isZero();
        // the newest on the index by PEP 440, whatever day it was built: the labelled build of today, not 1.10.0
        assertThat(essay("versions", "--latest").out().strip()).isEqualTo(prefix + ".2+fixbug");
        assertThat(essay("versions", "--latest", "--suffix", "fixbug").out().strip()).isEqualTo(prefix + ".2+fixbug");
        assertThat(essay("versions", "--latest", "--suffix", "other").exit()).isEqualTo(1);
        assertThat(essay("versions", "--next", "--suffix", "x").out().strip()).isEqualTo(prefix + ".3+x");

        Cli.Run taken = essay("package", "--version", version);
        assertThat(taken.exit()).isEqualTo(5);
        assertThat(taken.err()).contains("error: the index already has", version + " is taken", "hint:");
        assertThat(taken.all()).doesNotContain(PASSWORD);
        assertThat(git("status", "--porcelain")).isEmpty();
    }

    /**
     * A fabfile-era project packages unchanged: setup.py's {@code version='${version}'} and the settings file's
     * {@code ${git_version}} and {@code ${release_time}} are filled in the build copy as the fabfile tool filled them,
     * with no build.stamp_files, and python3 -m build --no-isolation builds it.
     */
    @Test
    void fabfileEraProjectPackagesUnchanged() throws Exception {
        repo = tmp.resolve("fab");
        Path config = TestProjects.fabfileProject(repo, index.simpleUrl(), tmp.resolve("index-password"), "/usr/bin/python3");
        initRepo();
        String commit = git("rev-parse", "HEAD").strip();

        Cli.Run r = Cli.run("--config", config.toString(), "package", "--json");
        assertThat(r.exit()).as(r.all()).isZero();
        String version = new ObjectMapper().readTree(r.out()).get("version").asText();
        assertThat(version).isEqualTo(today() + ".1");
        assertThat(r.err()).contains("stamped " + version + " into the build copy (setup.py, essay_demo/settings.py)");

        String settings = entry(indexDir.resolve("essay_demo-" + version + "-py3-none-any.whl"), "essay_demo/settings.py");
        assertThat(settings).contains("VERSION = '" + version + "'", "GIT_VERSION = '" + commit + "'")
                .containsPattern("RELEASE_TIME = '\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}'")
                .doesNotContain("${");
        String setup = tarEntry(indexDir.resolve("essay_demo-" + version + ".tar.gz"), "essay_demo-" + version + "/setup.py");
        assertThat(setup).contains("version='" + version + "'").doesNotContain("${version}");
        assertThat(Files.readString(repo.resolve("setup.py"))).contains("version='${version}'");
        assertThat(git("status", "--porcelain")).isEmpty();
    }

    /** The fabfile tool's SETTINGS_BASE_FILE is build.settings_base_file: that file is stamped. */
    @Test
    void settingsBaseFileIsStamped() throws Exception {
        repo = tmp.resolve("fab");
        Path config = TestProjects.fabfileProject(repo, index.simpleUrl(), tmp.resolve("index-password"), "/usr/bin/python3",
                "settings_base_file: essay_demo/settings/base.py");
        initRepo();

        Cli.Run r = Cli.run("--config", config.toString(), "package", "--version", "1.0.1");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(entry(indexDir.resolve("essay_demo-1.0.1-py3-none-any.whl"), "essay_demo/settings/base.py"))
                .contains("VERSION = '1.0.1'", "GIT_VERSION = '" + git("rev-parse", "HEAD").strip() + "'");

        Files.delete(repo.resolve("essay_demo/settings/base.py"));
        git("commit", "-q", "-a", "-m", "no settings");
        Cli.Run missing = Cli.run("--config", config.toString(), "package", "--version", "1.0.2");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("build.settings_base_file: essay_demo/settings/base.py does not exist in the"
                + " source being packaged");
    }

    private void initRepo() throws Exception {
        git("init", "-q", "-b", "main");
        git("add", "-A");
        git("commit", "-q", "-m", "fabfile-era project");
    }

    private static String entry(Path zip, String name) throws Exception {
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(zip.toFile())) {
            java.util.zip.ZipEntry e = z.getEntry(name);
            assertThat(e).as(name + " in " + zip).isNotNull();
            return new String(z.getInputStream(e).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private String tarEntry(Path tarGz, String name) throws Exception {
        Process p = new ProcessBuilder("tar", "-xOzf", tarGz.toString(), name).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void usageErrors() {
        assertThat(essay("package", "--here", "--branch", "main").exit()).isEqualTo(2);
        Cli.Run suffix = essay("package", "--suffix", "no good");
        assertThat(suffix.exit()).isEqualTo(2);
        assertThat(suffix.err()).contains("--suffix 'no good' is not a valid version label");
        Cli.Run version = essay("package", "--version", "1.0-fixbug");
        assertThat(version.exit()).isEqualTo(2);
        assertThat(version.err()).contains("is not a PEP 440 version");
        Cli.Run spelling = essay("package", "--version", "06.1.1.1");
        assertThat(spelling.exit()).isEqualTo(2);
        assertThat(spelling.err()).contains("'06.1.1.1' is not the canonical spelling").contains("hint: use 6.1.1.1");
        assertThat(essay("package", "--commit", "no-such-commit", "--version", "1.0").exit()).isEqualTo(2);
        assertThat(essay("versions", "--latest", "--next").exit()).isEqualTo(2);
        assertThat(essay("versions", "--latest", "--today").exit()).isEqualTo(2);
        assertThat(essay("versions", "--suffix", "x").exit()).isEqualTo(2);
        assertThat(Cli.run("--dry-run", "--config", repo.resolve("essay.yaml").toString(), "package").exit()).isEqualTo(2);
        assertThat(indexDir.toFile().list()).isEmpty();
    }

    @Test
    void helpListsTheNewVerbs() {
        assertThat(Cli.run("--help").out()).contains("package", "versions");
        assertThat(Cli.run("package", "--help").out()).contains("--branch", "--commit", "--here", "--version",
                "--suffix", "--json");
        assertThat(Cli.run("versions", "--help").out()).contains("--latest", "--today", "--next", "--suffix");
    }

    private String git(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("git", "-c", "user.name=Essay Test", "-c",
                "user.email=test@essay.invalid", "-c", "commit.gpgsign=false"));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).directory(repo.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
