package dev.essay.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.essay.core.api.RepairRequest;
import dev.essay.core.api.RepairResult;
import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.error.PartialFailureException;
import dev.essay.core.event.EssayEvent;
import dev.essay.core.ledger.LedgerEntry;
import dev.essay.core.model.HostAddress;
import dev.essay.core.run.HostResult;
import dev.essay.core.transport.ExecResult;
import dev.essay.core.transport.PrintingTransport;
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
 * {@code essay repair}'s orchestration: what it reads, which hosts it redeploys, in which batches, what it leaves alone
 * and what it records. Routers and hosts are a {@link ScriptedTransport} where slot a is live at 1.0.0 (the real
 * fleet is {@code RepairIT}'s).
 */
class RepairTest {
    static final HostAddress H1 = HostAddress.parse("essay-h1@127.0.1.1:2201");
    static final HostAddress H2 = HostAddress.parse("essay-h2@127.0.1.2:2202");

    @TempDir
    Path dir;

    final List<EssayEvent> events = new CopyOnWriteArrayList<>();
    /** The ledger entries appended, as the scripts carried them. */
    final List<String> appended = new CopyOnWriteArrayList<>();

    static final String SWITCH = new LedgerEntry("2026-12-07T10:00:00Z", "ci", "build 7", "switch", "1.0.0", "web", "b",
            "a", "ok", List.of(), null, "prod").withId("s1").toJson();

    /** Slot a on a host as a probe sees it. */
    static ExecResult probe(boolean venv, String stamped, boolean running, String answering, boolean healthy) {
        return new ExecResult(0, "##essay begin read-slot\nvenv=" + (venv ? "yes" : "no") + "\n"
                + (stamped == null ? "" : "stamp.version=" + stamped + "\n")
                + "supervisord=" + (running ? "running" : "stopped") + "\n##essay end read-slot\n"
                + "##essay begin check-health\n"
                + (healthy ? "ok health url=http://h:8100/health status=200 slot=a version=" + answering + "\n"
                + "ok health url=http://h:8101/health status=200 slot=a version=" + answering + "\n"
                : "FAIL health url=http://h:8100/health status=- slot=- version=- problem=connection refused\n")
                + "##essay end check-health\n", "");
    }

    static ExecResult inSync() {
        return probe(true, "1.0.0", true, "1.0.0", true);
    }

    /** The fleet where slot a is live at 1.0.0, with the ledger's switch to it, and each host's probe from {@code probes}. */
    static BiFunction<HostAddress, String, ExecResult> fleet(Map<HostAddress, ExecResult> probes) {
        return (host, step) -> switch (step) {
            case "ledger-switches" -> ScriptedTransport.ok("read-switches", SWITCH);
            case "probe" -> probes.getOrDefault(host, inSync());
            case "deploy" -> ScriptedTransport.ok("installed-version", "installed=1.0.0");
            default -> ScriptedTransport.slotALive(host, step);
        };
    }

    /** The scripted transport, recording the ledger entries appended. */
    Transport recording(ScriptedTransport t) {
        return host -> {
            Session s = t.open(host);
            return Session.of(host, (script, lines) -> {
                if (script.name().equals("ledger")) {
                    appended.add(script.text());
                }
                return s.run(script, lines);
            });
        };
    }

    RepairResult repair(ScriptedTransport t, RepairRequest request) throws Exception {
        return Engine.builder(TestProjects.sample(dir, "/srv/router")).transport(recording(t)).listener(events::add)
                .build().repair(request);
    }

    static HostResult result(RepairResult r, HostAddress host) {
        return r.fleet().hosts().stream().filter(h -> h.host().equals(host)).findFirst().orElseThrow();
    }

    @Test
    void nothingDriftedChangesNothingAnywhere() throws Exception {
        ScriptedTransport t = new ScriptedTransport(fleet(Map.of()));
        RepairResult r = repair(t, RepairRequest.defaults());
        assertThat(r.nothingDrifted()).isTrue();
        assertThat(r.ok()).isTrue();
        assertThat(r.failure()).isNull();
        assertThat(r.slot()).isEqualTo("a");
        assertThat(r.version()).isEqualTo("1.0.0");
        assertThat(r.fleet().hosts()).extracting(HostResult::status).containsOnly(HostResult.Status.UNCHANGED);
        assertThat(t.calls).hasSize(5).startsWith("lock@127.0.1.100", "ledger-switches@127.0.1.100")
                .endsWith("unlock@127.0.1.100").contains("probe@127.0.1.1", "probe@127.0.1.2");
        assertThat(appended).isEmpty();
        assertThat(events).filteredOn(EssayEvent.InSync.class::isInstance).hasSize(2);
    }

    @Test
    void aReleaseThatPutTheLiveSlotLiveNamesItsVersionAsASwitchDid() throws Exception {
        String older = new LedgerEntry("2026-12-07T09:00:00Z", "ci", "build 6", "switch", "0.9.0", "web", "b", "a", "ok",
                List.of(), null, "prod").withId("s0").toJson();
        String release = new LedgerEntry("2026-12-07T10:00:00Z", "ci", "build 7", "release", "1.0.0", "web", "b", "a",
                "ok", List.of(), "packaged from branch main (1a2b3c4)", "prod").withId("r1").toJson();
        ScriptedTransport t = new ScriptedTransport((host, step) -> step.equals("ledger-switches")
                ? ScriptedTransport.ok("read-switches", older, release) : fleet(Map.of()).apply(host, step));
        RepairResult r = repair(t, RepairRequest.defaults());
        assertThat(r.version()).isEqualTo("1.0.0");
        assertThat(r.nothingDrifted()).isTrue();
        assertThat(appended).isEmpty();
    }

    @Test
    void aStoppedHostIsRedeployedAndTheOtherIsNotTouched() throws Exception {
        ScriptedTransport t = new ScriptedTransport(fleet(Map.of(H2, probe(true, "1.0.0", false, null, false))));
        RepairResult r = repair(t, RepairRequest.defaults());
        assertThat(r.ok()).isTrue();
        assertThat(r.drifted()).singleElement().satisfies(d -> {
            assertThat(d.host()).isEqualTo(H2);
            assertThat(d.reasons()).containsExactly("slot a is stopped (supervisord is not running)");
        });
        assertThat(result(r, H1).status()).isEqualTo(HostResult.Status.UNCHANGED);
        assertThat(result(r, H2).status()).isEqualTo(HostResult.Status.OK);
        assertThat(result(r, H2).detail()).isEqualTo("repaired (stopped): runs 1.0.0");
        assertThat(t.calls).filteredOn(c -> c.startsWith("deploy@")).containsExactly("deploy@127.0.1.2");
        assertThat(t.calls).noneMatch(c -> c.startsWith("stage@") || c.startsWith("reload@") || c.startsWith("prove@"));
        assertThat(events).contains(new EssayEvent.HostRepaired(H2, "a", "1.0.0"));
        assertThat(appended).singleElement().satisfies(e -> assertThat(e).contains("\"action\":\"repair\"")
                .contains("\"version\":\"1.0.0\"").contains("\"to\":\"a\"").contains("\"result\":\"ok\"")
                .contains("{\"host\":\"" + H1 + "\",\"result\":\"unchanged\"")
                .contains("{\"host\":\"" + H2 + "\",\"result\":\"ok\"")
                .contains("\"detail\":\"repaired (stopped): runs 1.0.0\""));
    }

    @Test
    void aHostOnAnotherVersionGetsTheLedgersLiveVersion() throws Exception {
        ScriptedTransport t = new ScriptedTransport(fleet(Map.of(H1, probe(true, "0.9.0", true, "0.9.0", true))));
        RepairResult r = repair(t, RepairRequest.defaults());
        assertThat(r.ok()).isTrue();
        assertThat(r.drifted()).singleElement().satisfies(d -> assertThat(d.reasons())
                .containsExactly("slot a has 0.9.0 installed; the live version is 1.0.0"));
        assertThat(t.calls).filteredOn(c -> c.startsWith("deploy@")).containsExactly("deploy@127.0.1.1");
        assertThat(events).contains(new EssayEvent.DriftFound(H1, "a", "1.0.0",
                List.of("slot a has 0.9.0 installed; the live version is 1.0.0")));
    }

    @Test
    void aVersionInstalledByHandIsSeenAndReplaced() throws Exception {
        ExecResult probe = probe(true, "1.0.0", true, "1.0.0", true);
        ExecResult handInstalled = new ExecResult(0, probe.stdout() + "##essay begin read-installed\ninstalled=0.9.0\n"
                + "##essay end read-installed\n", "");
        ScriptedTransport t = new ScriptedTransport(fleet(Map.of(H2, handInstalled)));
        RepairResult r = repair(t, RepairRequest.defaults());
        assertThat(r.drifted()).singleElement().satisfies(d -> assertThat(d.reasons()).containsExactly(
                "slot a has 0.9.0 installed (not by essay: its last deploy was 1.0.0); the live version is 1.0.0"));
        assertThat(t.calls).filteredOn(c -> c.startsWith("deploy@")).containsExactly("deploy@127.0.1.2");
    }

    @Test
    void aMissingSlotIsReinstalled() throws Exception {
        ScriptedTransport t = new ScriptedTransport(fleet(Map.of(H2, probe(false, null, false, null, false))));
        RepairResult r = repair(t, RepairRequest.defaults());
        assertThat(result(r, H2).detail()).isEqualTo("repaired (missing): runs 1.0.0");
        assertThat(t.calls).filteredOn(c -> c.startsWith("deploy@")).containsExactly("deploy@127.0.1.2");
    }

    @Test
    void aBatchThatDoesNotComeBackHealthyStopsTheRepair() throws Exception {
        ExecResult stopped = probe(true, "1.0.0", false, null, false);
        BiFunction<HostAddress, String, ExecResult> base = fleet(Map.of(H1, stopped, H2, stopped));
        ScriptedTransport t = new ScriptedTransport((host, step) -> step.equals("deploy") && host.equals(H1)
                ? ScriptedTransport.fail("wait-healthy", "--- health check\nFAIL health url=http://h:8100/health"
                + " status=500 slot=a version=1.0.0 problem=status 500, expected 200")
                : base.apply(host, step));
        RepairResult r = repair(t, RepairRequest.defaults());
        assertThat(r.ok()).isFalse();
        assertThat(result(r, H1).status()).isEqualTo(HostResult.Status.FAILED);
        assertThat(result(r, H1).error()).doesNotContain("the live slot was not touched");
        assertThat(result(r, H2).status()).isEqualTo(HostResult.Status.SKIPPED);
        assertThat(t.calls).filteredOn(c -> c.startsWith("deploy@")).containsExactly("deploy@127.0.1.1");
        assertThat(events).contains(new EssayEvent.RepairStopped(1, List.of(H2)));
        PartialFailureException f = r.failure();
        assertThat(f.exitCode()).isEqualTo(ExitCode.PARTIAL_FAILURE);
        assertThat(f.getMessage()).startsWith("repair of slot a (1.0.0) failed on 1 of 2 host(s): " + H1 + " (")
                .endsWith("); not attempted: " + H2);
        assertThat(f.hosts()).containsExactly(H1.toString(), H2.toString());
        assertThat(result(r, H2).detail()).isEqualTo("not attempted: an earlier batch did not come back healthy");
        assertThat(appended).singleElement().satisfies(e -> assertThat(e).contains("\"result\":\"failed\"")
                .contains("{\"host\":\"" + H2 + "\",\"result\":\"skipped\""));
    }

    @Test
    void aLargerBatchRepairsItsHostsTogether() throws Exception {
        ExecResult stopped = probe(true, "1.0.0", false, null, false);
        ScriptedTransport t = new ScriptedTransport(fleet(Map.of(H1, stopped, H2, stopped)));
        RepairResult r = repair(t, new RepairRequest(null, 2));
        assertThat(r.ok()).isTrue();
        assertThat(t.calls).filteredOn(c -> c.startsWith("deploy@"))
                .containsExactlyInAnyOrder("deploy@127.0.1.1", "deploy@127.0.1.2");
    }

    @Test
    void aHostThatCannotBeReadIsAFailureAndTheOthersAreStillRepaired() throws Exception {
        ScriptedTransport t = new ScriptedTransport(fleet(Map.of(H2, probe(true, "1.0.0", false, null, false))))
                .down(java.util.Set.of(H1));
        RepairResult r = repair(t, RepairRequest.defaults());
        assertThat(result(r, H1).status()).isEqualTo(HostResult.Status.FAILED);
        assertThat(result(r, H2).status()).isEqualTo(HostResult.Status.OK);
        assertThat(r.failure().exitCode()).isEqualTo(ExitCode.CONNECTION);
    }

    @Test
    void withoutASwitchInTheLedgerTheRepairIsRefusedBeforeAnyHostIsContacted() throws Exception {
        BiFunction<HostAddress, String, ExecResult> base = fleet(Map.of());
        ScriptedTransport t = new ScriptedTransport((host, step) -> step.equals("ledger-switches")
                ? ScriptedTransport.ok("read-switches") : base.apply(host, step));
        assertThatThrownBy(() -> repair(t, RepairRequest.defaults())).isInstanceOfSatisfying(EssayException.class,
                e -> assertThat(e.exitCode()).isEqualTo(ExitCode.REFUSED));
        assertThat(t.calls).noneMatch(c -> c.startsWith("probe@") || c.startsWith("deploy@"));
        assertThat(t.calls).last().isEqualTo("unlock@127.0.1.100");
        assertThat(appended).singleElement().satisfies(e -> assertThat(e).contains("\"action\":\"repair\"")
                .contains("\"result\":\"refused\""));
    }

    @Test
    void aSwitchInProgressRefusesTheRepair() throws Exception {
        String state = "##essay begin read-state\nheader=# essay: slot=a version=1.0.0\njournal=present\n"
                + "journal.text=switch to=b\nlock=free\n##essay end read-state\n";
        BiFunction<HostAddress, String, ExecResult> base = fleet(Map.of());
        ScriptedTransport t = new ScriptedTransport((host, step) -> step.equals("lock")
                ? new ExecResult(0, ScriptedTransport.ok("acquire-lock", "lock=acquired").stdout() + state, "")
                : base.apply(host, step));
        assertThatThrownBy(() -> repair(t, RepairRequest.defaults())).isInstanceOfSatisfying(EssayException.class,
                e -> assertThat(e.getMessage()).contains("a switch is in progress"));
        assertThat(t.calls).noneMatch(c -> c.startsWith("probe@") || c.startsWith("deploy@") || c.startsWith("restore@"));
    }

    @Test
    void aBatchBelowOneIsAUsageErrorBeforeAnythingIsContacted() {
        ScriptedTransport t = new ScriptedTransport(fleet(Map.of()));
        assertThatThrownBy(() -> repair(t, new RepairRequest(null, 0))).isInstanceOfSatisfying(EssayException.class,
                e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE));
        assertThat(t.calls).isEmpty();
    }

    @Test
    void aDryRunPrintsTheProbeAndTheRedeployOfEveryHostAndRecordsNothing() throws Exception {
        List<String> printed = new CopyOnWriteArrayList<>();
        PrintingTransport t = new PrintingTransport((host, script) -> printed.add(script.name() + "@" + host.address()));
        RepairResult r = Engine.builder(TestProjects.sample(dir, "/srv/router")).transport(t).listener(events::add)
                .build().repair(RepairRequest.defaults());
        assertThat(r.fleet().hosts()).extracting(HostResult::status).containsOnly(HostResult.Status.OK);
        assertThat(printed).contains("probe@127.0.1.1", "deploy@127.0.1.1", "probe@127.0.1.2", "deploy@127.0.1.2");
        assertThat(printed).noneMatch(c -> c.startsWith("ledger@") || c.startsWith("ledger-switches@"));
        assertThat(events).anyMatch(e -> e instanceof EssayEvent.Info i && i.text().startsWith("dry run:"));
    }
}
