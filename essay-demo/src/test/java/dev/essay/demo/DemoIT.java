package dev.essay.demo;

import dev.essay.fleet.Pids;
import static org.assertj.core.api.Assertions.assertThat;

import dev.essay.cli.EssayCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * The whole demo, in this JVM: sandbox, the release cycle with the real essay command, cleanup. Needs what
 * scripts/install-deps installs (nginx, supervisor, python3-venv/-build, openssh-client); runs as root or not.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class DemoIT {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final List<Path> dirs = new ArrayList<>();

    @BeforeAll
    static void clearOfTheTestFleet() {
        // essay-core's test fleet uses 127.0.1.x with the same slot ports; start elsewhere (the demo would move on anyway)
        System.setProperty("essay.demo.block", "3");
    }

    @AfterEach
    void stopLeftovers() {
        for (Path dir : dirs) {
            if (Files.exists(dir)) {
                new Demo(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())).run("--stop", "--dir", dir.toString());
            }
        }
    }

    private Path sandboxDir(String name) {
        Path dir = Path.of("/tmp", "essay-demo-it-" + name + "-" + ProcessHandle.current().pid());
        dirs.add(dir);
        return dir;
    }

    private Demo demo() {
        return new Demo(new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void theReleaseCycleRunsOnTheSandboxAndNothingIsLeftBehind() throws Exception {
        Path dir = sandboxDir("cycle");
        Demo demo = demo();

        int code = demo.run("--dir", dir.toString());

        String text = out.toString();
        assertThat(code).as(text + "\nstderr:\n" + err).isZero();
        assertThat(text).contains("=== step 8/8");
        // essay proved every switch through nginx, and one request after each step shows who answers
        assertThat(text).containsSubsequence(
                "deployed 1.0.0 into slot a on 3 host(s)",
                "through nginx: GET http://127.0.0.1:", "-> 502",
                "proven: ", "reached slot a", "switch done: slot a (1.0.0) is live",
                "-> 200 from slot a, version 1.0.0",
                "deployed 2.0.0 into slot b on 3 host(s)",
                "-> 200 from slot a, version 1.0.0",
                "proven: ", "reached slot b", "switch done: slot b (2.0.0) is live",
                "-> 200 from slot b, version 2.0.0",
                "proven: ", "reached slot a", "rollback done: slot a (1.0.0) is live",
                "-> 200 from slot a, version 1.0.0",
                "release essay-sample: slot a is live; releasing into slot b", "source: branch main", "proven: ",
                "reached slot b", "packaged essay-sample ", " from branch main", "released essay-sample ", ": slot b is live; slot a keeps the previous release (essay rollback)",
                "-> 200 from slot b, version ");
        java.util.regex.Matcher released = java.util.regex.Pattern.compile("released essay-sample (\\d+\\.\\d+\\.\\d+\\.1): slot b")
                .matcher(text);
        assertThat(released.find()).as("the release's date version, the first of the day on the sandbox's index").isTrue();
        String version = released.group(1);
        // after the release, status shows slot b live with the date version, healthy on every host; a still runs 1.0.0
        String status = text.substring(text.indexOf("=== step 7/8"), text.indexOf("=== step 8/8"));
        assertThat(status).contains("live slot b (" + version + ")", "previous slot a", "lock: free");
        assertThat(status.lines().filter(l -> l.matches(".*@127\\.0\\.\\d+\\.\\d+:\\d+\\s+a\\s+1\\.0\\.0\\s+yes\\s+2 RUNNING\\s+healthy\\s*")))
                .hasSize(3);
        assertThat(status.lines().filter(l -> l.matches(".*@127\\.0\\.\\d+\\.\\d+:\\d+\\s+b \\*\\s+" + java.util.regex.Pattern.quote(version)
                + "\\s+yes\\s+2 RUNNING\\s+healthy\\s*"))).hasSize(3);
        String history = text.substring(text.indexOf("=== step 8/8"));
        assertThat(history).containsSubsequence("deploy", "1.0.0", "switch", "1.0.0", "deploy", "2.0.0", "switch", "2.0.0",
                "rollback", "1.0.0", "release", version, "a -> b", "ok: packaged from branch main (");
        assertThat(history.lines().filter(l -> l.matches(".*\\b(package|deploy|switch)\\s+"
                + java.util.regex.Pattern.quote(version) + "\\b.*")))
                .as("the release is one entry: its package, deploy and switch are not recorded on their own").isEmpty();
        assertThat(text).contains("sandbox: stopped 6 supervisords (with 12 sample processes), nginx, 4 SSH hosts and the index");

        // nothing the demo started runs any more, and the sandbox is gone
        List<Long> pids = demo.seenPids();
        assertThat(pids).as("nginx, its worker, 6 supervisords, 12 sample processes").hasSizeGreaterThanOrEqualTo(20);
        assertThat(pids).noneMatch(Pids::running);
        assertThat(dir).doesNotExist();
        assertThat(processesMentioning(dir)).isEmpty();
    }

    @Test
    void stopCleansUpASandboxThatWasKeptRunning() throws Exception {
        Path dir = sandboxDir("keep");

        int code = demo().run("--keep", "--hosts", "1", "--dir", dir.toString());

        String text = out.toString();
        assertThat(code).as(text + "\nstderr:\n" + err).isZero();
        assertThat(text).contains("sandbox: kept running in " + dir, "./essay --config " + dir.resolve("project/essay.yaml") + " status",
                "./essay demo --stop --dir " + dir);
        long keeper = Pids.readPidFile(dir.resolve("pids/keeper.pid")).orElseThrow();
        assertThat(Pids.running(keeper)).as("the keeper JVM runs").isTrue();
        assertThat(dir.resolve("pids/demo.pid")).doesNotExist();

        // the kept sandbox answers essay (its SSH hosts now live in the keeper JVM)
        StringWriter statusOut = new StringWriter();
        CommandLine essay = new CommandLine(new EssayCommand());
        essay.setOut(new PrintWriter(statusOut, true));
        essay.setErr(new PrintWriter(statusOut, true));
        assertThat(essay.execute("--config", dir.resolve("project/essay.yaml").toString(), "status")).as(statusOut.toString()).isZero();
        assertThat(statusOut.toString()).contains("previous slot a").containsPattern("live slot b \\(\\d+\\.\\d+\\.\\d+\\.1\\)")
                .containsPattern("b \\*\\s+\\d+\\.\\d+\\.\\d+\\.1\\s+yes\\s+2 RUNNING\\s+healthy");

        List<Long> running = processesMentioning(dir);
        assertThat(running).as("keeper, nginx, 2 supervisords, 4 sample processes").hasSizeGreaterThanOrEqualTo(8).contains(keeper);

        StringWriter stopOut = new StringWriter();
        Demo stopper = new Demo(new PrintWriter(stopOut, true), new PrintWriter(stopOut, true));
        assertThat(stopper.run("--stop", "--dir", dir.toString())).as(stopOut.toString()).isZero();

        assertThat(stopOut.toString()).contains("stopped 1 demo JVM, 2 supervisords (with 4 sample processes), nginx; removed " + dir);
        assertThat(running).noneMatch(Pids::running);
        assertThat(stopper.seenPids()).containsAll(running).noneMatch(Pids::running);
        assertThat(dir).doesNotExist();
        assertThat(processesMentioning(dir)).isEmpty();

        StringWriter again = new StringWriter();
        assertThat(new Demo(new PrintWriter(again, true), new PrintWriter(again, true)).run("--stop", "--dir", dir.toString())).isZero();
        assertThat(again.toString()).contains("nothing to stop");
    }

    /** PIDs of the processes whose command line names {@code dir} (the keeper, nginx, supervisords, the sample). */
    static List<Long> processesMentioning(Path dir) throws IOException {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : (Iterable<Path>) procs::iterator) {
                String name = proc.getFileName().toString();
                if (name.matches("[0-9]+")) {
                    long pid = Long.parseLong(name);
                    String cmd = Pids.commandLine(pid) + " ";
                    if (pid != ProcessHandle.current().pid() && Pids.running(pid)
                            && (cmd.contains(dir + "/") || cmd.contains(dir + " "))) {
                        pids.add(pid);
                    }
                }
            }
        }
        return pids;
    }
}
