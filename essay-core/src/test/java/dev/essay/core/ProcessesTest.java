package dev.essay.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.essay.core.api.ExecRequest;
import dev.essay.core.api.LogsRequest;
import dev.essay.core.api.PsReport;
import dev.essay.core.api.PsRequest;
import dev.essay.core.api.RestartRequest;
import dev.essay.core.api.Shard;
import dev.essay.core.api.SlotResult;
import dev.essay.core.api.StopStartRequest;
import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.event.EssayEvent;
import dev.essay.core.model.HostAddress;
import dev.essay.core.run.HostResult;
import dev.essay.core.transport.ExecResult;
import dev.essay.core.transport.ScriptedTransport;
import dev.essay.core.transport.Session;
import dev.essay.core.transport.Transport;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The day-2 commands' orchestration (restart, stop, start, exec, logs, ps): which hosts, in which batches, what is
 * refused before anything runs, what goes in the ledger. Routers and hosts are a {@link ScriptedTransport} where slot
 * a is live (the real fleet is {@code CliFleetIT}'s).
 */
class ProcessesTest {
    static final HostAddress H1 = RepairTest.H1;
    static final HostAddress H2 = RepairTest.H2;

    @TempDir
    Path dir;

    final List<EssayEvent> events = new CopyOnWriteArrayList<>();
    final List<String> appended = new CopyOnWriteArrayList<>();

    Engine engine(BiFunction<HostAddress, String, ExecResult> answers, ScriptedTransport[] made) throws Exception {
        ScriptedTransport t = new ScriptedTransport(answers);
        made[0] = t;
        Transport recording = host -> {
            Session s = t.open(host);
            return Session.of(host, (script, lines) -> {
                if (script.name().equals("ledger")) {
                    appended.add(script.text());
                }
                return s.run(script, lines);
            });
        };
        return Engine.builder(TestProjects.sample(dir, "/srv/router")).transport(recording).listener(events::add).build();
    }

    @Test
    void restartOfTheLiveSlotGoesOneHostAtATimeUnderTheLockAndIsRecorded() throws Exception {
        ScriptedTransport[] t = new ScriptedTransport[1];
        SlotResult r = engine(ScriptedTransport::slotALive, t).restart(new RestartRequest(null, null, null, 1, false,
                java.time.Duration.ofMillis(50)));
        assertThat(r.ok()).isTrue();
        assertThat(events).as("one pause, between the two batches of the live slot").filteredOn(e -> e instanceof
                EssayEvent.Info i && i.text().startsWith("waiting ")).hasSize(1);
        assertThat(r.slot()).as("the live slot by default").isEqualTo("a");
        assertThat(t[0].calls).filteredOn(c -> c.startsWith("restart@"))
                .containsExactly("restart@127.0.1.1", "restart@127.0.1.2");
        assertThat(t[0].calls).startsWith("lock@127.0.1.100").endsWith("unlock@127.0.1.100");
        assertThat(appended).singleElement().satisfies(e -> assertThat(e).contains("\"action\":\"restart\"")
                .contains("\"to\":\"a\"").contains("\"result\":\"ok\"").contains("{\"host\":\"" + H1 + "\",\"result\":\"ok\""));
    }

    @Test
    void aBatchOfEveryHostOfTheLiveSlotIsRefusedBeforeAnyHostIsTouched() throws Exception {
        ScriptedTransport[] t = new ScriptedTransport[1];
        Engine e = engine(ScriptedTransport::slotALive, t);
        assertThatThrownBy(() -> e.restart(new RestartRequest(null, null, null, 2, false)))
                .isInstanceOfSatisfying(EssayException.class, x -> {
                    assertThat(x.exitCode()).isEqualTo(ExitCode.REFUSED);
                    assertThat(x.getMessage()).contains("would stop every process of the live slot a");
                    assertThat(x.suggestion()).contains("--batch 1");
                });
        assertThat(t[0].calls).noneMatch(c -> c.startsWith("restart@")).endsWith("unlock@127.0.1.100");
        assertThat(appended).singleElement().satisfies(x -> assertThat(x).contains("\"result\":\"refused\""));
        // a slot that is not live may restart everywhere at once
        assertThat(e.restart(new RestartRequest("b", null, null, 2, false)).ok()).isTrue();
    }

    @Test
    void theFirstUnhealthyBatchStopsTheRestartAndTheRestIsNotAttempted() throws Exception {
        ScriptedTransport[] t = new ScriptedTransport[1];
        SlotResult r = engine((host, step) -> step.equals("restart") && host.equals(H1)
                ? ScriptedTransport.fail("wait-healthy", "FAIL health url=http://127.0.1.1:8100/health")
                : ScriptedTransport.slotALive(host, step), t).restart(new RestartRequest("a", null, null, 1, false, java.time.Duration.ZERO));
        assertThat(r.ok()).isFalse();
        assertThat(r.fleet().hosts()).extracting(HostResult::status)
                .containsExactly(HostResult.Status.FAILED, HostResult.Status.SKIPPED);
        assertThat(t[0].calls).filteredOn(c -> c.startsWith("restart@")).containsExactly("restart@127.0.1.1");
        assertThat(r.failure().getMessage()).contains("restart of slot a failed on 1 of 2 host(s)")
                .contains("wait-healthy failed").contains("not attempted: " + H2);
        assertThat(r.failure().exitCode()).isEqualTo(ExitCode.PARTIAL_FAILURE);
        assertThat(events).contains(new EssayEvent.BatchFailed("restart", 1, List.of(H2)));
        assertThat(appended).singleElement().satisfies(x -> assertThat(x).contains("\"result\":\"failed\"")
                .contains("\"result\":\"skipped\""));
    }

    @Test
    void stopAndStartAreRefusedOnTheLiveSlotUnlessForced() throws Exception {
        ScriptedTransport[] t = new ScriptedTransport[1];
        Engine e = engine(ScriptedTransport::slotALive, t);
        assertThatThrownBy(() -> e.stop(new StopStartRequest("a", null, null, false)))
                .isInstanceOfSatisfying(EssayException.class, x -> {
                    assertThat(x.exitCode()).isEqualTo(ExitCode.REFUSED);
                    assertThat(x.getMessage()).isEqualTo("refused: slot a is live; essay stop acts on a slot that is not live");
                });
        assertThat(t[0].calls).noneMatch(c -> c.startsWith("stop@"));
        assertThat(e.stop(new StopStartRequest("b", null, null, false)).ok()).isTrue();
        assertThat(e.start(new StopStartRequest("b", null, Shard.named(List.of("127.0.1.2")), false)).ok()).isTrue();
        assertThat(t[0].calls).filteredOn(c -> c.startsWith("stop@") || c.startsWith("start@"))
                .containsExactlyInAnyOrder("stop@127.0.1.1", "stop@127.0.1.2", "start@127.0.1.2");
        assertThat(e.stop(new StopStartRequest("a", null, null, true)).ok()).isTrue();
        assertThat(events).contains(new EssayEvent.Warning("--force: slot a is live; stop goes on"));
        assertThat(appended).extracting(x -> x.replaceAll("(?s).*\"action\":\"(\\w+)\".*\"result\":\"(\\w+)\",\"hosts.*", "$1 $2"))
                .containsExactly("stop refused", "stop ok", "start ok", "stop ok");
    }

    @Test
    void execReportsEachHostsOutputAndExitCode() throws Exception {
        ScriptedTransport[] t = new ScriptedTransport[1];
        SlotResult r = engine((host, step) -> !step.equals("exec") ? ScriptedTransport.slotALive(host, step)
                : host.equals(H1) ? ScriptedTransport.ok("run-command", "/home/essay-h1/essay-sample/a")
                : new ExecResult(3, "##essay begin run-command\nboom\n##essay fail run-command 3\n", ""), t)
                .exec(new ExecRequest(null, null, null, List.of("python", "-c", "print(1)")));
        assertThat(r.exitCodes()).isEqualTo(Map.of(H1.toString(), 0, H2.toString(), 3));
        assertThat(r.ok()).isFalse();
        assertThat(r.failure().getMessage()).contains("exec of slot a failed on 1 of 2 host(s): " + H2
                + " (python exited 3)");
        assertThat(events).contains(new EssayEvent.HostOutput(H1, "/home/essay-h1/essay-sample/a"),
                new EssayEvent.HostOutput(H2, "boom"));
        assertThat(appended).singleElement().satisfies(x -> assertThat(x).contains("\"action\":\"exec\"")
                .doesNotContain("print(1)"));
    }

    @Test
    void badInputIsAUsageErrorBeforeAnythingIsContacted() throws Exception {
        ScriptedTransport[] t = new ScriptedTransport[1];
        Engine e = engine(ScriptedTransport::slotALive, t);
        assertThatThrownBy(() -> e.restart(new RestartRequest("c", null, null, 1, false)))
                .isInstanceOfSatisfying(EssayException.class, x -> assertThat(x.exitCode()).isEqualTo(ExitCode.USAGE))
                .hasMessageContaining("c");
        assertThatThrownBy(() -> e.stop(new StopStartRequest("b", "db", null, false)))
                .isInstanceOfSatisfying(EssayException.class, x -> assertThat(x.exitCode()).isEqualTo(ExitCode.USAGE));
        assertThatThrownBy(() -> e.exec(new ExecRequest("b", null, Shard.named(List.of("nobody@127.9.9.9")),
                List.of("true")))).isInstanceOfSatisfying(EssayException.class,
                x -> assertThat(x.exitCode()).isEqualTo(ExitCode.USAGE)).hasMessageContaining("--hosts: 'nobody@127.9.9.9'"
                + " is not a host of role web");
        assertThatThrownBy(() -> e.restart(new RestartRequest(null, null, null, 0, false)))
                .isInstanceOfSatisfying(EssayException.class, x -> assertThat(x.exitCode()).isEqualTo(ExitCode.USAGE));
        assertThatThrownBy(() -> e.logs(new LogsRequest("z", null, null, 10, false)))
                .isInstanceOfSatisfying(EssayException.class, x -> assertThat(x.exitCode()).isEqualTo(ExitCode.USAGE));
        assertThat(t[0].calls).isEmpty();
        assertThat(appended).isEmpty();
    }

    @Test
    void logsPrefixEveryLineWithItsHostAndTakeNoLock() throws Exception {
        ScriptedTransport[] t = new ScriptedTransport[1];
        var fleet = engine((host, step) -> step.equals("logs")
                ? ScriptedTransport.ok("read-logs", "essay-sample_0: GET /health from " + host.address())
                : ScriptedTransport.slotALive(host, step), t).logs(new LogsRequest(null, null, null, 10, false));
        assertThat(fleet.ok()).isTrue();
        assertThat(events).contains(new EssayEvent.HostOutput(H1, "essay-sample_0: GET /health from 127.0.1.1"),
                new EssayEvent.HostOutput(H2, "essay-sample_0: GET /health from 127.0.1.2"));
        assertThat(t[0].calls).noneMatch(c -> c.startsWith("lock@"));
        assertThat(appended).isEmpty();
    }

    @Test
    void psReadsSupervisordAndEachProcessWithPidMemoryAndUptime() throws Exception {
        ScriptedTransport[] t = new ScriptedTransport[1];
        PsReport r = engine((host, step) -> !step.equals("ps") ? ScriptedTransport.slotALive(host, step)
                : ScriptedTransport.ok("read-processes", "stamp.version=1.0.0", "supervisord=100",
                "process=essay-sample:essay-sample_0   RUNNING   pid 101, uptime 0:01:02",
                "process=essay-sample:essay-sample_1   STOPPED   Dec 08 01:00 AM",
                "usage=100 20480 3600", "usage=101 30720 62"), t).ps(new PsRequest("a", null, null));
        assertThat(r.live()).isEqualTo("a");
        assertThat(r.hosts()).hasSize(2).allSatisfy(h -> {
            assertThat(h.error()).isNull();
            PsReport.SlotProcesses s = h.slots().get(0);
            assertThat(s.version()).isEqualTo("1.0.0");
            assertThat(s.supervisor()).isEqualTo(new PsReport.Process("supervisord", "RUNNING", 100L, 20480L, 3600L));
            assertThat(s.processes()).containsExactly(
                    new PsReport.Process("essay-sample:essay-sample_0", "RUNNING", 101L, 30720L, 62L),
                    new PsReport.Process("essay-sample:essay-sample_1", "STOPPED", null, null, null));
        });
        assertThat(t[0].calls).noneMatch(c -> c.startsWith("lock@"));
    }
}
