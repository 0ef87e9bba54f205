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
        Cli.Run latestNone = essay("versions", "--latest");
        assertThat(latestNone.exit()).isEqualTo(1);
        assertThat(latestNone.err()).contains("error: no version of today (" + prefix + ".n)");

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
        assertThat(essay("versions", "--latest").out().strip()).isEqualTo(prefix + ".1");
        assertThat(essay("versions", "--latest", "--suffix", "fixbug").out().strip()).isEqualTo(prefix + ".2+fixbug");
        assertThat(essay("versions", "--next", "--suffix", "x").out().strip()).isEqualTo(prefix + ".3+x");

        Cli.Run taken = essay("package", "--version", version);
        assertThat(taken.exit()).isEqualTo(5);
        assertThat(taken.err()).contains("error: the index already has", version + " is taken", "hint:");
        assertThat(taken.all()).doesNotContain(PASSWORD);
        assertThat(git("status", "--porcelain")).isEmpty();
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
        assertThat(essay("versions", "--suffix", "x").exit()).isEqualTo(2);
        assertThat(Cli.run("--dry-run", "--config", repo.resolve("essay.yaml").toString(), "package").exit()).isEqualTo(2);
        assertThat(indexDir.toFile().list()).isEmpty();
    }

    @Test
    void helpListsTheNewVerbs() {
        assertThat(Cli.run("--help").out()).contains("package", "versions");
        assertThat(Cli.run("package", "--help").out()).contains("--branch", "--commit", "--here", "--version",
                "--suffix", "--json");
        assertThat(Cli.run("versions", "--help").out()).contains("--latest", "--next", "--suffix");
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
