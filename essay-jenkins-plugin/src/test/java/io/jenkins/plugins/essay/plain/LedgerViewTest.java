package io.jenkins.plugins.essay.plain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.essay.core.ledger.LedgerEntry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The ledger a step reads for the Releases page, without Jenkins: build links, order, filter, live slot per role. */
class LedgerViewTest {
    /** As EssayRunner.actor words the cause of a build on a Jenkins with a root URL. */
    private static final String BUILD_CAUSE =
            "Started by user alice; Started by timer; shop » deploy #12 https://ci.example.com/job/shop/job/deploy/12/";

    private static LedgerEntry entry(String time, String user, String cause, String action, String role, String from,
                                     String to, String result, List<LedgerEntry.HostResult> hosts) {
        return new LedgerEntry(time, user, cause, action, "1." + time.charAt(time.length() - 2), role, from, to, result,
                hosts, null);
    }

    private static LedgerView ledger() {
        return LedgerView.of(List.of(
                entry("2026-12-01T10:00:01Z", "bob@laptop", "hotfix", "deploy", "web", null, "a", "ok",
                        List.of(new LedgerEntry.HostResult("web1", "ok", 1200), new LedgerEntry.HostResult("web2", "ok", 900))),
                entry("2026-12-01T10:00:02Z", "bob@laptop", "hotfix", "switch", "web", "b", "a", "ok", List.of()),
                entry("2026-12-01T10:00:03Z", "alice@jenkins", BUILD_CAUSE, "switch", "worker", null, "b", "ok", List.of()),
                entry("2026-12-01T10:00:04Z", "alice@jenkins", BUILD_CAUSE, "deploy", "web", null, "b", "failed",
                        List.of(new LedgerEntry.HostResult("web1", "ok", 1), new LedgerEntry.HostResult("web2", "failed", 2))),
                entry("2026-12-01T10:00:05Z", "alice@jenkins", BUILD_CAUSE, "switch", "web", "a", "b", "refused",
                        List.of())), 42L);
    }

    @Test
    void aBuildIsTheLastPartOfTheCauseWhenItEndsWithAUrl() {
        LedgerView.Build build = LedgerView.Build.parse(BUILD_CAUSE);
        assertEquals("shop » deploy #12", build.name());
        assertEquals("https://ci.example.com/job/shop/job/deploy/12/", build.url());
        assertEquals(new LedgerView.Build("shop #3", "http://127.0.0.1:8080/job/shop/3/"),
                LedgerView.Build.parse("Started by timer; shop #3 http://127.0.0.1:8080/job/shop/3/"));
    }

    @Test
    void aCommandLineCauseOrABuildWithoutRootUrlNamesNoBuild() {
        assertNull(LedgerView.Build.parse(null));
        assertNull(LedgerView.Build.parse(""));
        assertNull(LedgerView.Build.parse("hotfix for the checkout bug"));
        assertNull(LedgerView.Build.parse("Started by timer; shop #3")); // Jenkins without a root URL
        assertNull(LedgerView.Build.parse("see https://example.com/ticket/4"), "a URL alone names no build");
        assertNull(LedgerView.Build.parse("rollback; ftp://host/job/x/3/"));
        assertNull(LedgerView.Build.parse("see https://ci.example.com/job/shop/"), "a job's URL is no build's");
    }

    @Test
    void entriesAreNewestFirstWithTheirBuildOrNone() {
        List<LedgerView.Entry> entries = ledger().getEntries();
        assertEquals(List.of("2026-12-01T10:00:05Z", "2026-12-01T10:00:04Z", "2026-12-01T10:00:03Z",
                "2026-12-01T10:00:02Z", "2026-12-01T10:00:01Z"),
                entries.stream().map(LedgerView.Entry::getTime).collect(Collectors.toList()));
        assertTrue(entries.get(0).isFromJenkins());
        assertEquals("shop » deploy #12", entries.get(0).getBuild().name());
        assertFalse(entries.get(4).isFromJenkins());
        assertNull(entries.get(4).getBuild());
        assertEquals("2 hosts: 2 ok", entries.get(4).getHosts());
        assertEquals("2 hosts: 1 ok, 1 failed", entries.get(1).getHosts());
        assertEquals("", entries.get(0).getHosts());
        assertEquals("a → b", entries.get(0).getSlots());
        assertEquals("into a", entries.get(4).getSlots());
    }

    @Test
    void theOutcomeFilterKeepsOnlyThatResultAndAnUnknownOneKeepsAll() {
        LedgerView ledger = ledger();
        assertEquals(List.of("2026-12-01T10:00:04Z"),
                ledger.entries("failed").stream().map(LedgerView.Entry::getTime).collect(Collectors.toList()));
        assertEquals(3, ledger.entries("ok").size());
        assertEquals(5, ledger.entries("bogus").size());
        assertEquals(5, ledger.entries(null).size());
    }

    @Test
    void theLiveSlotOfEachRoleIsItsNewestSwitchThatEndedOk() {
        List<LedgerView.Entry> live = ledger().getLive();
        assertEquals(List.of("worker", "web"), live.stream().map(LedgerView.Entry::getRole).collect(Collectors.toList()));
        assertEquals("b", live.get(0).getTo());
        assertEquals("a", live.get(1).getTo(), "the refused switch to b did not put b live");
        assertEquals("1.2", live.get(1).getVersion());
        assertFalse(live.get(1).isFromJenkins(), "web was put live from the command line");
    }

    @Test
    void aReleaseThatEndedOkPutsItsSlotLiveAsASwitchDidAndOneThatStoppedDoesNot() {
        LedgerView ledger = LedgerView.of(List.of(
                entry("2026-12-01T10:00:01Z", "bob@laptop", "hotfix", "switch", "web", "b", "a", "ok", List.of()),
                entry("2026-12-01T10:00:02Z", "alice@jenkins", BUILD_CAUSE, "release", "web", "a", "b", "ok",
                        List.of(new LedgerEntry.HostResult("web1", "ok", 1200), new LedgerEntry.HostResult("web2", "ok", 900))),
                entry("2026-12-01T10:00:03Z", "alice@jenkins", BUILD_CAUSE, "release", "web", "b", "a", "failed",
                        List.of(new LedgerEntry.HostResult("web1", "ok", 1), new LedgerEntry.HostResult("web2", "failed", 2)))),
                42L);
        List<LedgerView.Entry> live = ledger.getLive();
        assertEquals(1, live.size());
        assertEquals("release", live.get(0).getAction());
        assertEquals("b", live.get(0).getTo(), "the failed release into a did not put a live");
        assertEquals("1.2", live.get(0).getVersion());
        assertEquals("a → b", live.get(0).getSlots());
        assertEquals("2 hosts: 2 ok", live.get(0).getHosts());
        assertTrue(live.get(0).isLiveChange());
        assertFalse(ledger.getEntries().get(0).isLiveChange());
    }

    @Test
    void aLedgerKeepsItsNewestEntriesOnlyAndCrossesTheChannel() throws Exception {
        List<LedgerView.Entry> many = new ArrayList<>();
        for (int i = 0; i < LedgerView.MAX_ENTRIES + 7; i++) {
            many.add(new LedgerView.Entry("t" + i, "u", "c", "deploy", "1", "web", null, "a", "ok", "", null));
        }
        LedgerView ledger = new LedgerView(many, 1L);
        assertEquals(LedgerView.MAX_ENTRIES, ledger.getEntries().size());
        assertEquals("t" + (LedgerView.MAX_ENTRIES + 6), ledger.getEntries().get(0).getTime());

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(ledger());
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            LedgerView back = (LedgerView) in.readObject();
            assertEquals(42L, back.getReadAt());
            assertEquals("shop » deploy #12", back.getEntries().get(0).getBuild().name());
        }
    }

    @Test
    void anOutcomeCarriesTheLedgerItWasGiven() {
        Outcome outcome = new Outcome(Outcome.OK, new Outcome.Subject("deploy", "1.0", "web", null, "a", null, List.of()),
                List.of(), null);
        assertNull(outcome.ledger());
        LedgerView ledger = ledger();
        Outcome with = outcome.withLedger(ledger);
        assertEquals(ledger, with.ledger());
        assertEquals(outcome.result(), with.result());
        assertEquals(outcome.subject(), with.subject());
    }
}
