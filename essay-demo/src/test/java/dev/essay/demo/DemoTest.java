package dev.essay.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.essay.fleet.EmbeddedLayout;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's options and refusals: nothing here starts a sandbox. */
class DemoTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final Demo demo = new Demo(new PrintWriter(out, true), new PrintWriter(err, true));

    @Test
    void helpNamesEveryOption() {
        assertThat(demo.run("--help")).isZero();
        assertThat(out.toString()).contains("--hosts", "--keep", "--stop", "--dir", "docs/demo.md").doesNotContain("--serve");
    }

    @Test
    void stopAndKeepTogetherAreAUsageError() {
        assertThat(demo.run("--stop", "--keep")).isEqualTo(2);
        assertThat(err.toString()).contains("--stop cannot be combined with --keep");
    }

    @Test
    void hostCountOutsideItsRangeIsAUsageError() {
        assertThat(demo.run("--hosts", "0")).isEqualTo(2);
        assertThat(demo.run("--hosts", Integer.toString(Sandbox.MAX_HOSTS + 1))).isEqualTo(2);
        assertThat(err.toString()).contains("--hosts must be 1 to " + Sandbox.MAX_HOSTS);
    }

    @Test
    void unknownOptionIsAUsageError() {
        assertThat(demo.run("--host", "3")).isEqualTo(2);
    }

    @Test
    void sandboxDirectoryWithWhitespaceOrTooLongIsRefused(@TempDir Path tmp) {
        assertThat(demo.run("--stop", "--dir", tmp.resolve("with space").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("may contain only");
        assertThat(demo.run("--stop", "--dir", "/tmp/" + "x".repeat(Sandbox.MAX_DIR_LENGTH))).isEqualTo(2);
        assertThat(err.toString()).contains("108-byte limit");
    }

    @Test
    void stopWithoutASandboxHasNothingToDo() {
        Path dir = Path.of("/tmp/essay-demo-test-none-" + ProcessHandle.current().pid());
        assertThat(demo.run("--stop", "--dir", dir.toString())).isZero();
        assertThat(out.toString()).contains("no sandbox in " + dir + "; nothing to stop");
    }

    @Test
    void stopRefusesADirectoryThatIsNotASandbox() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "essay-demo-test-");
        try {
            Files.writeString(dir.resolve("precious.txt"), "keep me");
            assertThat(demo.run("--stop", "--dir", dir.toString())).isEqualTo(1);
            assertThat(err.toString()).contains("is not an essay demo sandbox");
            assertThat(dir.resolve("precious.txt")).exists();
        } finally {
            Files.deleteIfExists(dir.resolve("precious.txt"));
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void demoRefusesToStartInADirectoryThatIsNotASandboxAndLeavesItAlone() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "essay-demo-test-");
        try {
            Files.writeString(dir.resolve("precious.txt"), "keep me");
            assertThat(demo.run("--dir", dir.toString())).isEqualTo(1);
            assertThat(err.toString()).contains("exists and is not an essay demo sandbox; choose another --dir");
            assertThat(dir.resolve("precious.txt")).hasContent("keep me");
        } finally {
            Files.deleteIfExists(dir.resolve("precious.txt"));
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void demoRefusesToStartOverASandboxWhoseDemoStillRuns() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "essay-demo-test-");
        // a process that looks like a running demo JVM (its command line names the demo's main class)
        Process running = new ProcessBuilder("/bin/sh", "-c", "sleep 60; true", Sandbox.MAIN_CLASS).start();
        try {
            Files.writeString(dir.resolve(EmbeddedLayout.MARKER), "sandbox\n");
            Files.createDirectories(dir.resolve("pids"));
            Files.writeString(dir.resolve("pids/demo.pid"), running.pid() + "\n");
            assertThat(demo.run("--dir", dir.toString())).isEqualTo(1);
            assertThat(err.toString()).contains("a demo is running in " + dir + " (pid " + running.pid() + ")",
                    "./essay demo --stop --dir " + dir);
            assertThat(running.isAlive()).isTrue();
            assertThat(dir.resolve("pids/demo.pid")).hasContent(running.pid() + "");
        } finally {
            running.destroyForcibly().waitFor();
            dev.essay.core.pkg.Trees.delete(dir);
        }
    }

    @Test
    void defaultSandboxIsNamedAfterTheUser() {
        assertThat(Sandbox.defaultDir().getFileName().toString()).isEqualTo("essay-demo-" + System.getProperty("user.name"));
        assertThat(Sandbox.dirOption(Sandbox.defaultDir())).isEmpty();
        assertThat(Sandbox.dirOption(Path.of("/tmp/elsewhere"))).isEqualTo(" --dir /tmp/elsewhere");
    }
}
