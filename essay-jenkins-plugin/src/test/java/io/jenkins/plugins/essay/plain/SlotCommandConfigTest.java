package io.jenkins.plugins.essay.plain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.essay.core.api.RestartRequest;
import dev.essay.core.api.Shard;
import dev.essay.core.api.SlotResult;
import dev.essay.core.api.StopStartRequest;
import dev.essay.core.model.HostAddress;
import dev.essay.core.run.FleetResult;
import dev.essay.core.run.HostResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code essayRestart}, {@code essayStop} and {@code essayStart} without Jenkins: their requests, texts and records. */
class SlotCommandConfigTest {
    @Test
    void aRestartTakesTheLiveSlotByDefaultAndItsBatchAndPauseAreChecked() {
        SlotCommandConfig restart = new SlotCommandConfig(SlotCommandConfig.Command.RESTART);
        assertEquals(new RestartRequest(null, null, null, 1, false, RestartRequest.PAUSE), restart.request());
        restart.setBatch(2);
        restart.setPause(0);
        restart.setHosts(List.of(" app@h1 ", ""));
        assertEquals(new RestartRequest(null, null, Shard.named(List.of("app@h1")), 2, false, Duration.ZERO),
                restart.request());
        assertEquals("restart of the live slot, hosts app@h1, 2 host(s) at a time", Requests.describe(restart.request()));
        restart.setBatch(0);
        assertEquals("essay restart: batch is the number of hosts restarted at a time, at least 1, not 0",
                assertThrows(IllegalArgumentException.class, restart::request).getMessage());
        restart.setBatch(1);
        restart.setPause(-3);
        assertEquals("essay restart: pause is seconds between batches, 0 or more, not -3",
                assertThrows(IllegalArgumentException.class, restart::request).getMessage());
    }

    @Test
    void stopAndStartNeedASlotAndSayWhichTheyAre() {
        SlotCommandConfig stop = new SlotCommandConfig(SlotCommandConfig.Command.STOP);
        assertEquals("essay stop needs the slot to stop (slot: 'b')",
                assertThrows(IllegalArgumentException.class, stop::request).getMessage());
        stop.setSlot(" b ");
        assertEquals(new SlotCommandConfig.StopStart(false, new StopStartRequest("b", null, null, false)), stop.request());
        assertEquals("stop", Requests.action(stop.request()));
        SlotCommandConfig start = new SlotCommandConfig(SlotCommandConfig.Command.START).expand(v -> v);
        start.setSlot("${SLOT}");
        start.setForce(true);
        SlotCommandConfig expanded = start.expand(v -> v.replace("${SLOT}", "a"));
        assertEquals("start slot a --force", Requests.describe(expanded.request()));
        assertEquals("essay start takes the release lock itself, and an essayLock block holds it: call essayStart"
                + " outside the block, or use essayDeploy and essaySwitch inside it",
                assertThrows(IllegalArgumentException.class,
                        () -> Requests.underLock(expanded.request(), new HeldLock("L"))).getMessage());
    }

    @Test
    void theRecordOfARestartNamesItsSlotAndNeverClaimsToPutItLive() {
        HostAddress h1 = HostAddress.parse("app@h1");
        HostAddress h2 = HostAddress.parse("app@h2");
        SlotResult r = new SlotResult("restart", "web", "a", new FleetResult("restart", List.of(
                new HostResult(h1, HostResult.Status.OK, Duration.ofSeconds(2), "restarted", null),
                new HostResult(h2, HostResult.Status.SKIPPED, Duration.ZERO, "not attempted", null))), Map.of());
        Outcome outcome = Outcome.slot(r);
        assertEquals(Outcome.FAILED, outcome.result());
        assertEquals(2, outcome.hosts().size());
        assertEquals("essay restart of slot a", outcome.subject().summary());
        assertEquals("a", outcome.subject().slots());
        assertFalse(outcome.subject().putsLive(), "a restart puts nothing live");
        assertEquals("essay restart of the live slot",
                Outcome.failed(new RestartRequest(null, null, null, 1, false), new dev.essay.core.error.EssayException(
                        dev.essay.core.error.ExitCode.REFUSED, "refused", null)).subject().summary());
    }
}
