package dev.essay.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.essay.core.ledger.LedgerEntry;
import java.util.List;

/** Renders {@code essay history}; pure functions of ledger entries so they are testable without SSH. */
final class HistoryView {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private HistoryView() {
    }

    /** A row per entry, oldest first: time, user, action, version, from -> to, hosts ok/failed, result. */
    static String text(List<LedgerEntry> entries) {
        if (entries.isEmpty()) {
            return "no releases recorded yet";
        }
        TextTable table = new TextTable("TIME", "USER", "ACTION", "VERSION", "FROM -> TO", "HOSTS", "RESULT");
        for (LedgerEntry e : entries) {
            table.row(e.time(), e.user(), e.action(), e.version(), slot(e.from()) + " -> " + slot(e.to()), hosts(e),
                    e.result() + (e.detail() == null || e.detail().isBlank() ? "" : ": " + e.detail()));
        }
        return table.toString();
    }

    /** "2 ok, 1 failed" ("unchanged" hosts count as ok), and ", 1 not attempted" for a repair that stopped. */
    static String hosts(LedgerEntry e) {
        if (e.hosts().isEmpty()) {
            return "-";
        }
        long failed = e.hosts().stream().filter(h -> "failed".equals(h.result())).count();
        long ok = e.hosts().stream().filter(h -> "ok".equals(h.result()) || "unchanged".equals(h.result())).count();
        long skipped = e.hosts().stream().filter(h -> "skipped".equals(h.result())).count();
        return ok + " ok, " + failed + " failed" + (skipped == 0 ? "" : ", " + skipped + " not attempted");
    }

    private static String slot(String slot) {
        return slot == null ? "-" : slot;
    }

    static String json(List<LedgerEntry> entries) throws JsonProcessingException {
        return JSON.writeValueAsString(entries);
    }
}
