package dev.essay.core.plan;

import java.time.Duration;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.essay.core.model.HostAddress;
import dev.essay.core.transport.ExecResult;
import dev.essay.core.transport.LocalTransport;
import dev.essay.core.transport.Session;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepTest {
    private final Session sh = new LocalTransport().open(HostAddress.parse("me@localhost"));

    @Test
    void rendersEachOperationBracketedByMarkers() {
        Step step = new Step("demo", "X=1", List.of(Operation.of("first", "echo one"), Operation.of("second", "echo two")));
        assertThat(step.toScript().text()).isEqualTo("""
                # essay step: demo
                set -u
                umask 022
                /bin/sh -c 'trap "" PIPE
                while printf "%s\\n" "##essay tick" 2>/dev/null; do sleep 1 </dev/null >/dev/null 2>&1; done
                essay_end() { for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do [ "$c" = "$$" ] || essay_end "$c"; done; kill -TERM "$1" 2>/dev/null; }
                essay_end "$1"' essay-watchdog "$$" </dev/null 2>/dev/null &
                essay_watchdog=$!
                trap 'kill "$essay_watchdog" 2>/dev/null' EXIT
                X=1

                # operation: first
                printf '##essay begin %s\\n' first
                (
                set -e
                echo one
                ) </dev/null
                essay_rc=$?
                if [ "$essay_rc" -ne 0 ]; then printf '##essay fail %s %s\\n' first "$essay_rc"; exit "$essay_rc"; fi
                printf '##essay end %s\\n' first

                # operation: second
                printf '##essay begin %s\\n' second
                (
                set -e
                echo two
                ) </dev/null
                essay_rc=$?
                if [ "$essay_rc" -ne 0 ]; then printf '##essay fail %s %s\\n' second "$essay_rc"; exit "$essay_rc"; fi
                printf '##essay end %s\\n' second
                """);
    }

    @Test
    void whenEssaysConnectionGoesAwayTheWatchdogEndsTheStepsProcesses() throws Exception {
        Step step = new Step("silent", "", List.of(Operation.of("wait", "sleep 300 & echo child=$!; wait")));
        Process sh = new ProcessBuilder("/bin/sh", "-s").redirectErrorStream(true).start();
        try (var in = sh.getOutputStream()) {
            in.write(step.toScript().text().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        var reader = new java.io.BufferedReader(new java.io.InputStreamReader(sh.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
        long child = -1;
        for (String line = reader.readLine(); line != null && child < 0; line = reader.readLine()) {
            if (line.startsWith("child=")) {
                child = Long.parseLong(line.substring(6));
            }
        }
        assertThat(child).isPositive();
        assertThat(ProcessHandle.of(child)).isPresent();
        sh.getInputStream().close(); // what a dropped SSH connection does to the remote shell's stdout
        assertThat(sh.waitFor(150, java.util.concurrent.TimeUnit.SECONDS)).as("the step ended long before its sleep").isTrue();
        long sleeping = child;
        await("sleep 300 to be ended").atMost(Duration.ofSeconds(30))
                .until(() -> !ProcessHandle.of(sleeping).map(ProcessHandle::isAlive).orElse(false));
    }

    @Test
    void ticksAreNotOutput() {
        Step step = new Step("slow", "", List.of(Operation.of("slow", "sleep 1.5; echo done")));
        List<String> lines = new ArrayList<>();
        StepReport report = new StepReport(sh.run(step.toScript(), lines::add));
        assertThat(report.ok()).isTrue();
        assertThat(report.output("slow")).isEqualTo("done\n");
        assertThat(lines).noneMatch(l -> l.contains("tick"));
        assertThat(report.result().stdout()).doesNotContain("tick");
    }

    @Test
    void stopsAtTheFirstFailingOperationAndSaysWhich() {
        Step step = new Step("demo", "", List.of(
                Operation.of("ok", "echo fine"),
                Operation.of("breaks", "echo about to fail\nfalse\necho never"),
                Operation.of("after", "echo must not run")));
        List<String> lines = new ArrayList<>();
        StepReport report = new StepReport(sh.run(step.toScript(), lines::add));
        assertThat(report.ok()).isFalse();
        assertThat(report.result().exitStatus()).isEqualTo(1);
        assertThat(report.failedOperation()).contains("breaks");
        assertThat(report.output("breaks")).isEqualTo("about to fail\n");
        assertThat(report.output("after")).isEmpty();
        assertThat(lines).contains("##essay fail breaks 1").doesNotContain("must not run");
    }

    @Test
    void operationsDoNotReadTheScriptFromStdin() {
        // `cat` would swallow the rest of the script if operations inherited stdin.
        Step step = new Step("stdin", "", List.of(Operation.of("reads", "cat"), Operation.of("later", "echo still here")));
        StepReport report = new StepReport(sh.run(step.toScript(), line -> { }));
        assertThat(report.ok()).isTrue();
        assertThat(report.output("later")).isEqualTo("still here\n");
    }

    @Test
    void valuesAreKeyValueLines() {
        StepReport report = new StepReport(new ExecResult(0, "##essay begin read\na=1\nnoise\nb = two words\n##essay end read\n", ""));
        assertThat(report.values("read")).containsEntry("a", "1").containsEntry("b", "two words").hasSize(2);
    }
}
