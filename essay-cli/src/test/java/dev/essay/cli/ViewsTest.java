package dev.essay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.essay.core.api.StatusReport;
import dev.essay.core.ledger.LedgerEntry;
import dev.essay.core.model.HostAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class ViewsTest {
    static final HostAddress ROUTER = HostAddress.parse("deploy@127.0.2.5");
    static final HostAddress WEB1 = HostAddress.parse("deploy@127.0.2.11");
    static final HostAddress WEB2 = HostAddress.parse("deploy@127.0.2.12:2222");

    static StatusReport report() {
        return new StatusReport(
                List.of(new StatusReport.RouterStatus(ROUTER, "a", "1.0.0", "b", "2025-01-02T03:04:05Z",
                        "alice@laptop (deploy 1.1.0, since 2025-01-02T04:00:00Z, essay command)")),
                List.of(
                        new StatusReport.HostStatus(WEB1, List.of(
                                new StatusReport.SlotStatus("a", "1.0.0", true,
                                        List.of("essay-sample:essay-sample_0 RUNNING pid 10, uptime 1:00:00",
                                                "essay-sample:essay-sample_1 RUNNING pid 11, uptime 1:00:00"),
                                        true, List.of()),
                                new StatusReport.SlotStatus("b", "1.1.0", true,
                                        List.of("essay-sample:essay-sample_0 RUNNING pid 20", "essay-sample:essay-sample_1 FATAL"),
                                        false, List.of("http://127.0.0.1:8811/health: connection refused"))), null),
                        new StatusReport.HostStatus(WEB2, List.of(), WEB2 + ": connection refused\nmore detail")));
    }

    @Test
    void statusShowsTheLiveSlotTheLockAndARowPerHostAndSlot() {
        String text = StatusView.text(report());
        assertThat(text).contains("router deploy@127.0.2.5:22: live slot a (1.0.0) since 2025-01-02T03:04:05Z; previous slot b");
        assertThat(text).contains("lock: held by alice@laptop (deploy 1.1.0");
        List<String> lines = text.lines().toList();
        String header = lines.stream().filter(l -> l.startsWith("HOST")).findFirst().orElseThrow();
        assertThat(header).containsSubsequence("HOST", "SLOT", "VERSION", "RUNNING", "PROCESSES", "HEALTH");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("deploy@127.0.2.11:22").contains("a *")
                .contains("1.0.0").contains("yes").contains("2 RUNNING").contains("healthy"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("deploy@127.0.2.11:22").contains("b ")
                .contains("1.1.0").contains("1 FATAL, 1 RUNNING").contains("1 problem(s)"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("deploy@127.0.2.12:2222").contains("unreachable"));
        assertThat(text).contains("deploy@127.0.2.11:22 slot b: http://127.0.0.1:8811/health: connection refused");
        assertThat(text).contains("  deploy@127.0.2.12:2222: connection refused\n")
                .doesNotContain("deploy@127.0.2.12:2222: deploy@").doesNotContain("more detail");
        // columns line up: every row starts the SLOT column where the header does
        int slotColumn = header.indexOf("SLOT");
        lines.stream().filter(l -> l.startsWith("deploy@127.0.2.11:22 ")).forEach(l ->
                assertThat(l.charAt(slotColumn - 1)).isEqualTo(' '));
    }

    @Test
    void statusSaysWhenASwitchWasInterrupted() throws Exception {
        StatusReport r = new StatusReport(List.of(new StatusReport.RouterStatus(ROUTER, "b", "2.0.0", "a", null,
                "alice@laptop (switch b, since 2025-01-02T03:04:05Z, essay command)", true)), List.of());
        assertThat(StatusView.text(r)).contains("switch: INTERRUPTED: the include above may never have been proven;"
                + " the next essay release, deploy, switch or rollback puts the previous include back first (once the lock is free: essay"
                + " unlock if its holder died)");
        assertThat(StatusView.json(r)).contains("\"interrupted_switch\" : true");
        assertThat(StatusView.text(report())).doesNotContain("INTERRUPTED");
    }

    @Test
    void statusWithNoLiveSlotAndAFreeLock() {
        StatusReport r = new StatusReport(List.of(new StatusReport.RouterStatus(ROUTER, null, null, null, null, null)),
                List.of(new StatusReport.HostStatus(WEB1, List.of(
                        new StatusReport.SlotStatus("a", null, false, List.of(), false, List.of())), null)));
        String text = StatusView.text(r);
        assertThat(text).contains("no live slot").contains("lock: free").doesNotContain("* live slot");
        assertThat(text.lines()).anySatisfy(l -> assertThat(l).startsWith("deploy@127.0.2.11:22").contains(" no "));
    }

    @Test
    void statusJson() throws Exception {
        String json = StatusView.json(report());
        assertThat(json).contains("\"live_slot\" : \"a\"", "\"host\" : \"deploy@127.0.2.11:22\"", "\"healthy\" : false",
                "\"error\" : \"deploy@127.0.2.12:2222: connection refused\\nmore detail\"");
    }

    @Test
    void aHostThatCouldNotBeReadMakesTheReportDegradedInTextAndJson() throws Exception {
        assertThat(report().degradedReasons()).containsExactly(WEB2 + " could not be read");
        assertThat(StatusView.json(report())).contains("\"degraded\" : true", WEB2 + " could not be read");
    }

    @Test
    void aRouterThatCouldNotBeReadIsShownWithItsErrorAndTheHostsStillAre() throws Exception {
        StatusReport r = new StatusReport(List.of(StatusReport.RouterStatus.unreadable(ROUTER, ROUTER + ": connection refused")),
                List.of(new StatusReport.HostStatus(WEB1, List.of(healthy("a")), null)));
        assertThat(StatusView.text(r)).contains("router deploy@127.0.2.5:22: could not be read: connection refused\n")
                .containsPattern("(?m)^deploy@127\\.0\\.2\\.11:22\\s+a\\s+1\\.0\\.0");
        assertThat(r.degradedReasons()).containsExactly("router " + ROUTER + " could not be read");
        assertThat(StatusView.json(r)).contains("\"error\" : \"deploy@127.0.2.5:22: connection refused\"", "\"degraded\" : true");
    }

    @Test
    void theLiveSlotUnhealthyOnAHostIsDegradedAndAHealthyFleetIsNot() throws Exception {
        StatusReport.RouterStatus router = new StatusReport.RouterStatus(ROUTER, "a", "1.0.0", null, null, null);
        StatusReport sick = new StatusReport(List.of(router), List.of(
                new StatusReport.HostStatus(WEB1, List.of(healthy("a")), null),
                new StatusReport.HostStatus(WEB2, List.of(new StatusReport.SlotStatus("a", "1.0.0", true, List.of(), false,
                        List.of("connection refused")), healthy("b")), null)));
        assertThat(sick.degradedReasons()).containsExactly(WEB2 + ": the live slot a is not healthy");
        StatusReport fine = new StatusReport(List.of(router), List.of(
                new StatusReport.HostStatus(WEB1, List.of(healthy("a")), null),
                new StatusReport.HostStatus(WEB2, List.of(healthy("a")), null)));
        assertThat(fine.degraded()).isFalse();
        assertThat(StatusView.json(fine)).contains("\"degraded\" : false", "\"degraded_reasons\" : [ ]");
    }

    private static StatusReport.SlotStatus healthy(String slot) {
        return new StatusReport.SlotStatus(slot, "1.0.0", true, List.of("essay-sample:essay-sample_0 RUNNING"), true, List.of());
    }

    static List<LedgerEntry> entries() {
        return List.of(
                new LedgerEntry("2025-01-02T03:00:00Z", "alice@laptop", "essay command", "deploy", "1.1.0", "web", null, "b",
                        "failed", List.of(new LedgerEntry.HostResult("deploy@127.0.2.11:22", "ok", 1200),
                        new LedgerEntry.HostResult("deploy@127.0.2.12:22", "failed", 3000)), "1 host(s) failed"),
                new LedgerEntry("2025-01-02T03:10:00Z", "bob@ci", "Started by timer", "switch", "1.1.0", "web", "a", "b",
                        "ok", List.of(new LedgerEntry.HostResult("deploy@127.0.2.11:22", "ok", 100),
                        new LedgerEntry.HostResult("deploy@127.0.2.12:22", "unchanged", 100)), null));
    }

    @Test
    void historyTable() {
        String text = HistoryView.text(entries());
        List<String> lines = text.lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).containsSubsequence("TIME", "USER", "ACTION", "VERSION", "FROM -> TO", "HOSTS", "RESULT");
        assertThat(lines.get(1)).containsSubsequence("2025-01-02T03:00:00Z", "alice@laptop", "deploy", "1.1.0", "- -> b",
                "1 ok, 1 failed", "failed: 1 host(s) failed");
        assertThat(lines.get(2)).containsSubsequence("2025-01-02T03:10:00Z", "bob@ci", "switch", "1.1.0", "a -> b",
                "2 ok, 0 failed", "ok");
        assertThat(lines.get(1).indexOf("deploy")).isEqualTo(lines.get(2).indexOf("switch"));
    }

    @Test
    void emptyHistory() {
        assertThat(HistoryView.text(List.of())).isEqualTo("no releases recorded yet");
    }

    @Test
    void historyJsonRoundTrips() throws Exception {
        String json = HistoryView.json(entries());
        assertThat(json).contains("\"action\" : \"switch\"", "\"from\" : \"a\"");
    }

    @Test
    void tableOmitsTrailingBlanksAndFillsNulls() {
        String t = new TextTable("A", "B").row("x", null).row("longer", "y").toString();
        assertThat(t).isEqualTo("A       B\nx       -\nlonger  y\n");
    }

    @Test
    void aRepairThatStoppedCountsTheHostsItDidNotAttempt() {
        LedgerEntry repair = new LedgerEntry("2025-01-02T04:00:00Z", "cron@ops", "essay command", "repair", "1.1.0", "web",
                null, "b", "failed", List.of(new LedgerEntry.HostResult("deploy@127.0.2.11:22", "failed", 900,
                "wait-healthy failed"), new LedgerEntry.HostResult("deploy@127.0.2.12:22", "skipped", 0,
                "not attempted")), "repair of slot b (1.1.0) failed on 1 of 2 host(s)");
        assertThat(HistoryView.text(List.of(repair)).lines().toList().get(1)).containsSubsequence("repair", "1.1.0",
                "- -> b", "0 ok, 1 failed, 1 not attempted", "failed: repair of slot b");
    }

    @Test
    void aReleaseIsOneRowWithItsDeploysHostsAndWhereItStopped() {
        List<LedgerEntry.HostResult> hosts = List.of(new LedgerEntry.HostResult("deploy@127.0.2.11:22", "ok", 1200),
                new LedgerEntry.HostResult("deploy@127.0.2.12:22", "failed", 3000));
        List<String> lines = HistoryView.text(List.of(
                new LedgerEntry("2025-01-02T05:00:00Z", "carol@ci", "essay command", "release", "6.1.2.1", "web", "a", "b",
                        "ok", List.of(hosts.get(0)), "packaged from branch main (1a2b3c4)", "prod"),
                new LedgerEntry("2025-01-02T06:00:00Z", "carol@ci", "essay command", "release", "6.1.2.2", "web", "b", "a",
                        "failed", hosts, "the deploy failed on 1 of 2 hosts; slot b stays live, nothing was switched;"
                        + " packaged from branch main (4d5e6f7)", "prod"))).lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).containsSubsequence("release", "6.1.2.1", "a -> b", "1 ok, 0 failed",
                "ok: packaged from branch main (1a2b3c4)");
        assertThat(lines.get(2)).containsSubsequence("release", "6.1.2.2", "b -> a", "1 ok, 1 failed",
                "failed: the deploy failed on 1 of 2 hosts; slot b stays live, nothing was switched");
    }

    @Test
    void repairJsonNamesEveryHostsResultAndDrift() throws Exception {
        dev.essay.core.run.FleetResult fleet = new dev.essay.core.run.FleetResult("repair", List.of(
                new dev.essay.core.run.HostResult(WEB1, dev.essay.core.run.HostResult.Status.UNCHANGED,
                        java.time.Duration.ZERO, "in sync: 1.1.0", null),
                new dev.essay.core.run.HostResult(WEB2, dev.essay.core.run.HostResult.Status.OK,
                        java.time.Duration.ZERO, "repaired (stopped): runs 1.1.0", null)));
        String json = RepairView.json(new dev.essay.core.api.RepairResult("web", "b", "1.1.0", List.of(
                new dev.essay.core.api.RepairResult.Drifted(WEB2, List.of("slot b is stopped"))), fleet), false);
        com.fasterxml.jackson.databind.JsonNode doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        assertThat(doc.get("ok").asBoolean()).isTrue();
        assertThat(doc.get("nothing_drifted").asBoolean()).isFalse();
        assertThat(doc.get("slot").asText()).isEqualTo("b");
        assertThat(doc.get("version").asText()).isEqualTo("1.1.0");
        assertThat(doc.get("hosts").get(0).get("result").asText()).isEqualTo("unchanged");
        assertThat(doc.get("hosts").get(0).get("drift")).isEmpty();
        assertThat(doc.get("hosts").get(1).get("result").asText()).isEqualTo("ok");
        assertThat(doc.get("hosts").get(1).get("drift").get(0).asText()).isEqualTo("slot b is stopped");
        assertThat(doc.get("cancelled").asBoolean()).isFalse();
        com.fasterxml.jackson.databind.JsonNode cancelled = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                RepairView.json(new dev.essay.core.api.RepairResult("web", "b", "1.1.0", List.of(), fleet), false, true));
        assertThat(cancelled.get("cancelled").asBoolean()).isTrue();
        assertThat(cancelled.get("ok").asBoolean()).as("a cancelled repair is not ok").isFalse();
        assertThat(cancelled.get("hosts")).hasSize(2);
    }

    @Test
    void psShowsARowPerProcessWithPidMemoryAndUptimeAndMarksTheLiveSlot() throws Exception {
        dev.essay.core.api.PsReport report = new dev.essay.core.api.PsReport("web", "a", List.of(
                new dev.essay.core.api.PsReport.HostProcesses(WEB1, List.of(
                        new dev.essay.core.api.PsReport.SlotProcesses("a", "1.0.0",
                                new dev.essay.core.api.PsReport.Process("supervisord", "RUNNING", 100L, 20480L, 3725L),
                                List.of(new dev.essay.core.api.PsReport.Process("essay-sample:essay-sample_0", "RUNNING",
                                        101L, 512L, 42L))),
                        new dev.essay.core.api.PsReport.SlotProcesses("b", null, null, List.of())), null),
                new dev.essay.core.api.PsReport.HostProcesses(WEB2, List.of(), WEB2 + ": connection refused")));
        List<String> lines = PsView.text(report).lines().toList();
        assertThat(lines.get(0)).containsSubsequence("HOST", "SLOT", "VERSION", "PROCESS", "STATE", "PID", "RSS", "UPTIME");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("deploy@127.0.2.11:22").contains("a*")
                .containsSubsequence("supervisord", "RUNNING", "100", "20.0M", "1h02m"));
        assertThat(lines).anySatisfy(l -> assertThat(l).containsSubsequence("essay-sample:essay-sample_0", "101", "512K", "42s"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("deploy@127.0.2.11:22").containsSubsequence(" b ",
                "supervisord", "stopped"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("deploy@127.0.2.12:2222").contains("unreadable: "
                + WEB2 + ": connection refused"));
        assertThat(lines).last().isEqualTo("* live slot");
        com.fasterxml.jackson.databind.JsonNode doc = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(PsView.json(report));
        assertThat(doc.get("hosts").get(0).get("slots").get(0).get("processes").get(1).get("rss_kb").asLong()).isEqualTo(512);
        assertThat(doc.get("hosts").get(0).get("slots").get(1).get("running").asBoolean()).isFalse();
        assertThat(PsView.uptime(2L * 86400 + 3 * 3600)).isEqualTo("2d03h");
        assertThat(PsView.uptime(302L)).isEqualTo("5m02s");
        assertThat(PsView.memory(3L * 1024 * 1024 + 200 * 1024)).isEqualTo("3.2G");
    }
}
