package dev.essay.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.essay.core.api.DeployRequest;
import dev.essay.core.api.DeployResult;
import dev.essay.core.api.RepairRequest;
import dev.essay.core.api.RepairResult;
import dev.essay.core.api.SwitchRequest;
import dev.essay.core.api.SwitchResult;
import dev.essay.core.error.CancelledException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.event.EssayEvent;
import dev.essay.core.ledger.LedgerEntry;
import dev.essay.core.model.HostAddress;
import dev.essay.core.run.FleetResult;
import dev.essay.core.run.HostResult;
import dev.essay.core.transport.ExecResult;
import dev.essay.core.transport.ScriptedTransport;
import dev.essay.core.transport.Session;
import dev.essay.core.transport.Transport;
import dev.essay.core.transport.TransportException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cancel (Ctrl-C, an aborted Jenkins build) in the middle of a deploy, switch or repair: the operation throws a
 * {@link CancelledException} that carries every host's result, and the ledger's {@code cancelled} entry lists them.
 * Hosts and routers are a {@link ScriptedTransport} whose sessions, like SSH ones, fail once closed.
 */
class CancelTest {
    static final HostAddress H1 = HostAddress.parse("essay-h1@127.0.1.1:2201");
    static final HostAddress H2 = HostAddress.parse("essay-h2@127.0.1.2:2202");

    @TempDir
    Path dir;

    /** The ledger entries appended, as their scripts carried them. */
    final List<String> appended = new CopyOnWriteArrayList<>();
    final AtomicReference<Engine> engine = new AtomicReference<>();

    /**
     * The scripted transport, recording the ledger entries appended; a closed session fails its next step as a JSch
     * session does ("session is down").
     */
    Transport closable(BiFunction<HostAddress, String, ExecResult> answer) {
        ScriptedTransport t = new ScriptedTransport(answer);
        return host -> {
            Session s = t.open(host);
            Set<Boolean> closed = ConcurrentHashMap.newKeySet();
            return Session.of(host, (script, lines) -> {
                if (!closed.isEmpty()) {
                    throw new TransportException(host, "the connection broke during '" + script.name()
                            + "': session is down", null, null);
                }
                ExecResult r = s.run(script, lines);
                if (!closed.isEmpty()) {
                    throw new TransportException(host, "the connection broke during '" + script.name()
                            + "': session is down", null, null);
                }
                if (script.name().equals("ledger")) {
                    appended.add(script.text());
                }
                return r;
            }, () -> closed.add(true));
        };
    }

    Engine engine(Transport transport) throws Exception {
        Engine e = Engine.builder(TestProjects.sample(dir, "/srv/router")).transport(transport).build();
        engine.set(e);
        return e;
    }

    /** Cancels the engine when {@code step} runs on {@code host}; every step otherwise answers like a healthy fleet. */
    BiFunction<HostAddress, String, ExecResult> cancelAt(String step, HostAddress host,
                                                         BiFunction<HostAddress, String, ExecResult> fleet) {
        return (h, s) -> {
            if (s.equals(step) && (host == null || h.equals(host))) {
                engine.get().cancel();
            }
            return fleet.apply(h, s);
        };
    }

    /** The one entry appended with {@code result}, parsed from its script. */
    LedgerEntry entry(String result) {
        // the script's line: printf '%s\n' '{...}' >> "$L"
        List<LedgerEntry> entries = appended.stream().flatMap(String::lines).filter(l -> l.startsWith("printf '%s\\n' '{"))
                .map(l -> LedgerEntry.parse(l.substring(l.indexOf('{'), l.lastIndexOf('}') + 1)))
                .filter(e -> e != null && result.equals(e.result())).toList();
        assertThat(entries).as("entries %s in %s", result, appended).hasSize(1);
        return entries.get(0);
    }

    static List<String> hosts(FleetResult fleet) {
        return fleet.hosts().stream().map(h -> h.host().toString()).toList();
    }

    @Test
    void aDeployCancelledOnOneHostCarriesAndRecordsEveryHostsResult() throws Exception {
        Engine e = engine(closable(cancelAt("deploy", H2, ScriptedTransport::slotALive)));
        CancelledException c = catchThrowableOfType(() -> e.deploy(DeployRequest.of("2.0.0", "b")),
                CancelledException.class);
        assertThat(c.exitCode()).isEqualTo(ExitCode.CANCELLED);
        DeployResult r = c.result(DeployResult.class).orElseThrow();
        assertThat(r.version()).isEqualTo("2.0.0");
        assertThat(r.slot()).isEqualTo("b");
        assertThat(hosts(r.fleet())).containsExactlyInAnyOrder(H1.toString(), H2.toString());
        HostResult h2 = r.fleet().hosts().stream().filter(h -> h.host().equals(H2)).findFirst().orElseThrow();
        assertThat(h2.status()).isEqualTo(HostResult.Status.FAILED);
        assertThat(h2.error()).contains("cancelled while deploying");
        LedgerEntry cancelled = entry("cancelled");
        assertThat(cancelled.action()).isEqualTo("deploy");
        assertThat(cancelled.hosts()).extracting(LedgerEntry.HostResult::host)
                .containsExactlyInAnyOrder(H1.toString(), H2.toString());
        assertThat(appended).as("one entry: the cancel").hasSize(1);
    }

    @Test
    void aDeployCancelledBeforeItReachedTheHostsListsThemNotAttempted() throws Exception {
        // the cancel lands as soon as the lock is taken: no host was asked
        Engine e = Engine.builder(TestProjects.sample(dir, "/srv/router"))
                .transport(closable(ScriptedTransport::slotALive))
                .listener(event -> {
                    if (event instanceof EssayEvent.LockAcquired) {
                        engine.get().cancel();
                    }
                }).build();
        engine.set(e);
        CancelledException c = catchThrowableOfType(() -> e.deploy(DeployRequest.of("2.0.0", "b")),
                CancelledException.class);
        DeployResult r = c.result(DeployResult.class).orElseThrow();
        assertThat(hosts(r.fleet())).containsExactlyInAnyOrder(H1.toString(), H2.toString());
        assertThat(r.fleet().hosts()).allMatch(h -> h.status() == HostResult.Status.SKIPPED);
        assertThat(entry("cancelled").hosts()).extracting(LedgerEntry.HostResult::result).containsOnly("skipped");
    }

    @Test
    void aSecondCancelLeavesTheSessionsThatRecordTheCancelAlone() throws Exception {
        // the Jenkins plugin's stop reaches the engine twice: the agent's interrupt, then the controller's cancel
        Engine e = engine(closable(cancelAt("deploy", H2, (h, s) -> {
            if (s.equals("ledger")) {
                engine.get().cancel();
            }
            return ScriptedTransport.slotALive(h, s);
        })));
        CancelledException c = catchThrowableOfType(() -> e.deploy(DeployRequest.of("2.0.0", "b")),
                CancelledException.class);
        assertThat(c.result(DeployResult.class)).isPresent();
        assertThat(entry("cancelled").hosts()).hasSize(2);
        assertThat(appended).as("written at the first try").hasSize(1);
    }

    @Test
    void aSwitchCancelledDuringTheHealthCheckCarriesEveryHostsCheck() throws Exception {
        Engine e = engine(closable(cancelAt("health", H1, ScriptedTransport::slotALive)));
        CancelledException c = catchThrowableOfType(() -> e.switchSlot(SwitchRequest.to("b")),
                CancelledException.class);
        SwitchResult r = c.result(SwitchResult.class).orElseThrow();
        assertThat(r.action()).isEqualTo("switch");
        assertThat(r.from()).isEqualTo("a");
        assertThat(r.to()).isEqualTo("b");
        assertThat(hosts(r.health())).containsExactlyInAnyOrder(H1.toString(), H2.toString());
        LedgerEntry cancelled = entry("cancelled");
        assertThat(cancelled.to()).isEqualTo("b");
        assertThat(cancelled.hosts()).hasSize(2);
    }

    @Test
    void aSwitchCancelledWhileProvingIsUndoneAndCarriesTheHealthCheck() throws Exception {
        List<String> restored = new CopyOnWriteArrayList<>();
        Engine e = engine(closable(cancelAt("prove", null, (h, s) -> {
            if (s.equals("restore")) {
                restored.add(h.toString());
                return ScriptedTransport.ok("restore-upstream", "restored=yes");
            }
            return ScriptedTransport.slotALive(h, s);
        })));
        CancelledException c = catchThrowableOfType(() -> e.switchSlot(SwitchRequest.to("b")),
                CancelledException.class);
        assertThat(c.getMessage()).contains("the switch was undone");
        assertThat(restored).isNotEmpty();
        SwitchResult r = c.result(SwitchResult.class).orElseThrow();
        assertThat(r.version()).isEqualTo("2.0.0");
        assertThat(r.health().hosts()).hasSize(2).allMatch(HostResult::ok);
        assertThat(entry("cancelled").hosts()).hasSize(2);
    }

    @Test
    void aRepairCancelledDuringABatchCarriesEveryHost() throws Exception {
        ExecResult drifted = RepairTest.probe(true, "0.9.0", true, "0.9.0", true);
        BiFunction<HostAddress, String, ExecResult> fleet = RepairTest.fleet(Map.of(H1, drifted, H2, drifted));
        Engine e = engine(closable(cancelAt("deploy", null, fleet)));
        CancelledException c = catchThrowableOfType(() -> e.repair(new RepairRequest(null, 1)),
                CancelledException.class);
        RepairResult r = c.result(RepairResult.class).orElseThrow();
        assertThat(r.slot()).isEqualTo("a");
        assertThat(r.version()).isEqualTo("1.0.0");
        assertThat(hosts(r.fleet())).containsExactlyInAnyOrder(H1.toString(), H2.toString());
        assertThat(r.fleet().hosts()).noneMatch(HostResult::ok);
        LedgerEntry cancelled = entry("cancelled");
        assertThat(cancelled.action()).isEqualTo("repair");
        assertThat(cancelled.hosts()).hasSize(2);
    }

    @Test
    void aRouterStepTheCancelCutShortIsRecordedAsTheCancelNotAsAFailure() throws Exception {
        // the cancel closes the router's session while the repair reads the ledger: that read fails as a broken
        // connection, and the repair is still the cancel it was
        BiFunction<HostAddress, String, ExecResult> fleet = RepairTest.fleet(Map.of());
        Engine e = engine(closable(cancelAt("ledger-switches", null, fleet)));
        CancelledException c = catchThrowableOfType(() -> e.repair(new RepairRequest(null, 1)),
                CancelledException.class);
        assertThat(c.getCause()).hasMessageContaining("session is down");
        assertThat(c.result(RepairResult.class).orElseThrow().fleet().hosts())
                .allMatch(h -> h.status() == HostResult.Status.SKIPPED);
        assertThat(entry("cancelled").action()).isEqualTo("repair");
        assertThat(appended).hasSize(1);
    }
}
