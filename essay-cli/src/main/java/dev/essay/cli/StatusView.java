package dev.essay.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.essay.core.api.StatusReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Renders {@code essay status}; pure functions of a {@link StatusReport} so they are testable without SSH. */
final class StatusView {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private StatusView() {
    }

    /**
     * One line per router (live slot, version, since, previous; then the lock holder if any), then a table
     * with a row per host and slot (the live slot marked {@code *}), then each problem on its own line.
     */
    static String text(StatusReport report) {
        StringBuilder out = new StringBuilder();
        String live = report.liveSlot();
        for (StatusReport.RouterStatus r : report.routers()) {
            out.append("router ").append(r.host()).append(": ");
            if (r.error() != null) {
                String error = firstLine(r.error());
                out.append("could not be read: ").append(error.startsWith(r.host() + ": ")
                        ? error.substring(r.host().toString().length() + 2) : error).append('\n');
                continue;
            }
            if (r.liveSlot() == null) {
                out.append("no live slot (essay has not switched yet)");
            } else {
                out.append("live slot ").append(r.liveSlot());
                if (r.version() != null) {
                    out.append(" (").append(r.version()).append(')');
                }
                if (r.since() != null) {
                    out.append(" since ").append(r.since());
                }
                if (r.previousSlot() != null) {
                    out.append("; previous slot ").append(r.previousSlot());
                }
            }
            out.append('\n');
            if (!r.served().isEmpty()) {
                out.append("  nginx serves: slot ").append(String.join(" and slot ", r.served())).append('\n');
            }
            out.append("  lock: ").append(r.lockHolder() == null ? "free" : "held by " + r.lockHolder());
            if (Boolean.TRUE.equals(r.lockStale())) {
                out.append("\n  lock: STALE: its process is gone; break it with: essay unlock --id ").append(r.lockId());
            }
            out.append('\n');
            if (r.interruptedSwitch()) {
                out.append("  switch: INTERRUPTED: the include above may never have been proven; the next essay release, deploy, switch or"
                        + " rollback puts the previous include back first").append(r.lockHolder() == null ? ""
                        : " (once the lock is free: essay unlock if its holder died)").append('\n');
            }
        }
        for (String d : report.live().disagreements()) {
            out.append("DISAGREEMENT: ").append(d).append('\n');
        }
        if (!report.live().disagreements().isEmpty()) {
            out.append("hint: ").append(dev.essay.core.policy.LivePolicy.RESOLVE).append('\n');
        }
        for (String u : report.live().unproven()) {
            out.append("unproven: ").append(u).append('\n');
        }
        if (!report.routers().isEmpty()) {
            out.append('\n');
        }
        TextTable table = new TextTable("HOST", "SLOT", "VERSION", "RUNNING", "PROCESSES", "HEALTH");
        List<String> problems = new ArrayList<>();
        for (StatusReport.HostStatus h : report.hosts()) {
            if (h.error() != null) {
                table.row(h.host(), "-", "-", "-", "-", "unreachable");
                String error = firstLine(h.error());
                // transport errors already start with the host
                problems.add(error.startsWith(h.host() + ":") ? error : h.host() + ": " + error);
                continue;
            }
            for (StatusReport.SlotStatus s : h.slots()) {
                table.row(h.host(), s.slot() + (s.slot().equals(live) ? " *" : ""), version(s),
                        s.running() ? "yes" : "no", processes(s.processes()), health(s));
                for (String p : s.problems()) {
                    problems.add(h.host() + " slot " + s.slot() + ": " + p);
                }
            }
        }
        out.append(table);
        if (live != null) {
            out.append("* live slot\n");
        }
        if (!problems.isEmpty()) {
            out.append("\nproblems:\n");
            for (String p : problems) {
                out.append("  ").append(p).append('\n');
            }
        }
        return out.toString();
    }

    /** supervisord states summarized: "2 RUNNING", "1 RUNNING, 1 FATAL", "-" when none. */
    static String processes(List<String> processes) {
        if (processes.isEmpty()) {
            return "-";
        }
        Map<String, Integer> states = new TreeMap<>();
        for (String p : processes) {
            String[] words = p.strip().split("\\s+");
            String state = words.length > 1 ? words[1] : "UNKNOWN";
            states.merge(state, 1, Integer::sum);
        }
        StringBuilder s = new StringBuilder();
        states.forEach((state, n) -> s.append(s.length() == 0 ? "" : ", ").append(n).append(' ').append(state));
        return s.toString();
    }

    /** The finished deploy's version; what the slot answers with when that differs; an unfinished deploy. */
    private static String version(StatusReport.SlotStatus s) {
        String v = s.version() == null ? "-" : s.version();
        if (s.answering() != null && !s.answering().equals(s.version())) {
            v += " (answers " + s.answering() + ")";
        }
        return s.unfinished() == null ? v : v + " INTERRUPTED";
    }

    private static String health(StatusReport.SlotStatus s) {
        if (s.healthy()) {
            return "healthy";
        }
        if (!s.running() && s.version() == null) {
            return "-";
        }
        return s.problems().isEmpty() ? "unhealthy" : s.problems().size() + " problem(s)";
    }

    static String json(StatusReport report) throws JsonProcessingException {
        return JSON.writeValueAsString(report.toMap());
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }
}
