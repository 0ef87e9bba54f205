package dev.essay.core.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.error.PartialFailureException;
import dev.essay.core.model.HostAddress;
import dev.essay.core.run.FleetResult;
import dev.essay.core.run.HostResult;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one text rendering of events, results and errors (the terminal and the Jenkins log add only prefixes). */
class TextRendererTest {
    static final HostAddress WEB1 = HostAddress.parse("deploy@127.0.2.11");
    static final HostAddress WEB2 = HostAddress.parse("deploy@127.0.2.12");
    static final String INDEX = "http://127.0.0.1:8081/simple/";

    private static FleetResult fleet(HostResult... hosts) {
        return new FleetResult("deploy", List.of(hosts));
    }

    private static HostResult failed(HostAddress host, String error) {
        return new HostResult(host, HostResult.Status.FAILED, Duration.ofSeconds(1), null, error);
    }

    private static HostResult ok(HostAddress host) {
        return new HostResult(host, HostResult.Status.OK, Duration.ofSeconds(1), "installed 9.9.9", null);
    }

    private static TextRenderer.Text text(EssayEvent event) {
        return TextRenderer.render(event);
    }

    @Test
    void eachEventHasItsText() {
        assertThat(text(new EssayEvent.Info("deploy x"))).isEqualTo(new TextRenderer.Text(null, false, "deploy x"));
        assertThat(text(new EssayEvent.Warning("careful"))).isEqualTo(new TextRenderer.Text(null, true, "careful"));
        assertThat(text(new EssayEvent.HostInfo(WEB1, "note"))).isEqualTo(new TextRenderer.Text(WEB1, false, "note"));
        assertThat(text(new EssayEvent.StepFinished(WEB1, "deploy", "pip-install", Duration.ofMillis(1234), true)))
                .isEqualTo(new TextRenderer.Text(WEB1, false, "pip-install ok (1.2s)"));
        assertThat(text(new EssayEvent.StepFailed(WEB1, "deploy", "pip-install", "3")))
                .isEqualTo(new TextRenderer.Text(WEB1, false, "pip-install FAILED (exit 3)"));
        assertThat(text(new EssayEvent.HostFailed(WEB1, "boom\nhint: fix it")))
                .isEqualTo(new TextRenderer.Text(WEB1, false, "FAILED: boom\n    hint: fix it"));
        assertThat(text(new EssayEvent.SwitchStaged(WEB1, "b")).text()).isEqualTo("staged the upstream of slot b; nginx -t ok");
        assertThat(text(new EssayEvent.SwitchProven(WEB1, "b", 8)).text())
                .isEqualTo("proven: 8 requests in a row through nginx reached slot b");
        FleetResult f = fleet(ok(WEB1));
        assertThat(text(new EssayEvent.FleetFinished(f)).text()).isEqualTo(f.table().stripTrailing());
    }

    @Test
    void stepStartsReadOnlyStepsAndTheLockAreNotShownAsText() {
        assertThat(text(new EssayEvent.StepFinished(WEB1, "health", "check-health", Duration.ZERO, false))).isNull();
        assertThat(text(new EssayEvent.StepStarted(WEB1, "deploy", "pip-install"))).isNull();
        assertThat(text(new EssayEvent.LockAcquired(WEB1, "alice"))).isNull();
        assertThat(text(new EssayEvent.LockReleased(WEB1))).isNull();
    }

    @Test
    void anErrorIsOneLineItsDetailIndentedAndAHint() {
        assertThat(TextRenderer.error(new EssayException(ExitCode.REFUSED, "refused: x", "a\nb", "do y", null)))
                .isEqualTo("error: refused: x\n  a\n  b\nhint: do y\n");
        assertThat(TextRenderer.error(new EssayException(ExitCode.REFUSED, "refused: x", "refused: x", null, null)))
                .isEqualTo("error: refused: x\n");
    }

    @Test
    void aDeployThatFailedOnSomeHostsIsAPartialFailureNamingThem() {
        PartialFailureException e = TextRenderer.deployFailure("9.9.9", "b",
                fleet(ok(WEB1), failed(WEB2, WEB2 + ": wait-healthy failed")), INDEX);
        assertThat(e.exitCode()).isEqualTo(ExitCode.PARTIAL_FAILURE);
        assertThat(e.getMessage()).isEqualTo("deploy of 9.9.9 into slot b failed on 1 of 2 host(s): " + WEB2
                + " (wait-healthy failed)");
        assertThat(e.hosts()).containsExactly(WEB2.toString());
        assertThat(TextRenderer.deployFailure("9.9.9", "b", fleet(ok(WEB1)), INDEX)).isNull();
    }

    @Test
    void theOneLineSaysWhyEachHostFailedAndCountsTheRestBeyondThree() {
        List<HostResult> hosts = new java.util.ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            HostAddress h = new HostAddress("deploy", "127.0.2." + i, 22);
            hosts.add(failed(h, h + ": pip-install failed\nERROR: no space left on device"));
        }
        String message = TextRenderer.deployFailure("9.9.9", "b", new FleetResult("deploy", hosts), INDEX).getMessage();
        assertThat(message).isEqualTo("deploy of 9.9.9 into slot b failed on 5 of 5 host(s): "
                + "deploy@127.0.2.1:22 (pip-install failed), deploy@127.0.2.2:22 (pip-install failed), "
                + "deploy@127.0.2.3:22 (pip-install failed) and 2 more");
    }

    @Test
    void aDeployWhoseFailedHostsWereUnreachableIsAConnectionError() {
        HostResult down = new HostResult(WEB2, HostResult.Status.FAILED, Duration.ZERO, null, "refused", true);
        assertThat(TextRenderer.deployFailure("9.9.9", "b", fleet(ok(WEB1), down), INDEX).exitCode())
                .isEqualTo(ExitCode.CONNECTION);
    }

    @Test
    void aVersionPipCannotFindIsNotOnTheIndexAndNothingIsSaidAboutSkipping() {
        String pip = ": pip-install failed\nERROR: No matching distribution found for essay-sample==9.9.9";
        String hint = TextRenderer.deployFailure("9.9.9", "b", fleet(failed(WEB1, WEB1 + pip), failed(WEB2, WEB2 + pip)),
                INDEX).suggestion();
        assertThat(hint).startsWith("9.9.9 is not on the index " + INDEX).contains("essay versions lists what is")
                .doesNotContain("skipped");
    }

    @Test
    void hostsAlreadyDoneAreSaidToBeSkippedOnlyWhenThereAreSome() {
        assertThat(TextRenderer.deployFailure("9.9.9", "b", fleet(ok(WEB1), failed(WEB2, WEB2 + ": wait-healthy failed")),
                INDEX).suggestion()).startsWith("fix those hosts").endsWith("; the 1 host(s) that already run 9.9.9 are"
                + " skipped");
        assertThat(TextRenderer.deployFailure("9.9.9", "b", fleet(failed(WEB1, WEB1 + ": wait-healthy failed"),
                failed(WEB2, WEB2 + ": wait-healthy failed")), INDEX).suggestion())
                .isEqualTo("fix those hosts (their output is above) and run the same deploy again");
    }

    @Test
    void aReleaseWhoseDeployFailedSaysNothingWasSwitchedAndHowToFinish() {
        PartialFailureException e = TextRenderer.releaseFailure("9.9.9", "b", fleet(ok(WEB1), failed(WEB2, "x")));
        assertThat(e.exitCode()).isEqualTo(ExitCode.PARTIAL_FAILURE);
        assertThat(e.getMessage()).isEqualTo("release of 9.9.9 stopped: the deploy into slot b failed on " + WEB2
                + " (x); nothing was switched");
        assertThat(e.suggestion()).isEqualTo("fix those hosts (their output is above), then finish with: essay deploy"
                + " 9.9.9 --slot b && essay switch --to b");
        assertThat(TextRenderer.releaseFailure("9.9.9", "b", fleet(ok(WEB1)))).isNull();
    }

    @Test
    void successSummaries() {
        assertThat(TextRenderer.deployed("9.9.9", "b", fleet(ok(WEB1), new HostResult(WEB2, HostResult.Status.UNCHANGED,
                Duration.ZERO, "already 9.9.9", null)))).isEqualTo("deployed 9.9.9 into slot b on 2 host(s) (1 changed);"
                + " put it live with: essay switch --to b");
        assertThat(TextRenderer.released("svc", "9.9.9", "b", "a"))
                .isEqualTo("released svc 9.9.9: slot b is live; slot a keeps the previous release (essay rollback)");
        assertThat(TextRenderer.released("svc", "9.9.9", "a", null)).isEqualTo("released svc 9.9.9: slot a is live");
    }

    @Test
    void theRepairEventsHaveTheirText() {
        assertThat(text(new EssayEvent.DriftFound(WEB1, "a", "2.0.0", List.of("slot a is stopped (supervisord is not"
                + " running)", "slot a has 1.0.0 installed; the live version is 2.0.0"))))
                .isEqualTo(new TextRenderer.Text(WEB1, false, "drifted from 2.0.0: slot a is stopped (supervisord is not"
                        + " running); slot a has 1.0.0 installed; the live version is 2.0.0"));
        assertThat(text(new EssayEvent.InSync(WEB1, "a", "2.0.0"))).isEqualTo(new TextRenderer.Text(WEB1, false,
                "slot a runs 2.0.0 and is healthy; not touched"));
        assertThat(text(new EssayEvent.HostRepaired(WEB2, "a", "2.0.0"))).isEqualTo(new TextRenderer.Text(WEB2, false,
                "repaired: slot a runs 2.0.0 and is healthy"));
        assertThat(text(new EssayEvent.RepairStopped(1, List.of(WEB2)))).isEqualTo(new TextRenderer.Text(null, true,
                "repair stopped: batch 1 did not come back healthy; not attempted: " + WEB2));
    }

    @Test
    void theDayTwoCommandsOutputLinesBatchStopAndResultsHaveTheirText() {
        assertThat(text(new EssayEvent.HostOutput(WEB1, "essay-sample_0: GET /"))).isEqualTo(new TextRenderer.Text(WEB1,
                false, "essay-sample_0: GET /"));
        assertThat(text(new EssayEvent.BatchFailed("restart", 2, List.of(WEB2)))).isEqualTo(new TextRenderer.Text(null,
                true, "restart stopped: batch 2 did not come back healthy; not attempted: " + WEB2));
        FleetResult stopped = new FleetResult("restart", List.of(failed(WEB1, WEB1 + ": wait-healthy failed (exit 1)"),
                new HostResult(WEB2, HostResult.Status.SKIPPED, Duration.ZERO, "not attempted", null)));
        PartialFailureException failure = TextRenderer.slotFailure("restart", "a", stopped);
        assertThat(failure.getMessage()).isEqualTo("restart of slot a failed on 1 of 2 host(s): " + WEB1
                + " (wait-healthy failed (exit 1)); not attempted: " + WEB2);
        assertThat(failure.hosts()).containsExactly(WEB1.toString(), WEB2.toString());
        assertThat(failure.suggestion()).isEqualTo("fix those hosts (their output is above) and run essay restart again");
        assertThat(TextRenderer.slotFailure("exec", "b", fleet(failed(WEB1, WEB1 + ": python exited 3"))).suggestion())
                .isEqualTo("each host's output and exit code are above");
        assertThat(TextRenderer.slotFailure("stop", "b", fleet(ok(WEB1)))).isNull();
        assertThat(TextRenderer.slotDone("start", "b", fleet(ok(WEB1), ok(WEB2))))
                .isEqualTo("started slot b; every process is healthy on 2 host(s)");
        assertThat(TextRenderer.slotDone("exec", "a", fleet(ok(WEB1)))).isEqualTo("exec in slot a exited 0 on 1 host(s)");
    }

    @Test
    void aRepairSaysWhatItChangedOrThatNothingDrifted() {
        HostResult inSync = new HostResult(WEB1, HostResult.Status.UNCHANGED, Duration.ZERO, "in sync: 2.0.0", null);
        assertThat(TextRenderer.repaired("a", "2.0.0", new FleetResult("repair", List.of(inSync))))
                .isEqualTo("nothing drifted: slot a runs 2.0.0 and is healthy on 1 host(s); nothing was changed");
        assertThat(TextRenderer.repaired("a", "2.0.0", new FleetResult("repair", List.of(inSync, ok(WEB2)))))
                .isEqualTo("repaired slot a (2.0.0) on 1 of 2 host(s); the others were in sync and not touched");
        assertThat(TextRenderer.repairFailure("a", "2.0.0", new FleetResult("repair", List.of(inSync)))).isNull();
    }

    @Test
    void aStoppedRepairCountsItsHostsNotAttemptedApartFromTheFailed() {
        FleetResult fleet = new FleetResult("repair", List.of(failed(WEB1, "boom"),
                new HostResult(WEB2, HostResult.Status.SKIPPED, Duration.ZERO, "not attempted", null)));
        assertThat(fleet.table()).endsWith("repair: 2 host(s), 0 ok, 1 failed, 1 not attempted\n");
        assertThat(fleet.exitCode()).isEqualTo(ExitCode.PARTIAL_FAILURE);
    }
}
