package dev.essay.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.essay.core.api.PsReport;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders {@code essay ps}; pure functions of a {@link PsReport}, testable without SSH. */
final class PsView {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private PsView() {
    }

    /**
     * One row per process: HOST, SLOT (with {@code *} on the live one), VERSION, PROCESS, STATE, PID, RSS, UPTIME;
     * a slot whose supervisord is not running is one row, STATE {@code stopped}; a host that could not be read is one
     * row with its error.
     */
    static String text(PsReport report) {
        TextTable table = new TextTable("HOST", "SLOT", "VERSION", "PROCESS", "STATE", "PID", "RSS", "UPTIME");
        for (PsReport.HostProcesses h : report.hosts()) {
            if (h.error() != null) {
                table.row(h.host(), "-", "-", "-", "unreadable: " + h.error().lines().findFirst().orElse(""), "-", "-",
                        "-");
                continue;
            }
            for (PsReport.SlotProcesses s : h.slots()) {
                String slot = s.slot() + (s.slot().equals(report.live()) ? "*" : "");
                if (!s.running()) {
                    table.row(h.host(), slot, s.version(), "supervisord", "stopped", null, null, null);
                    continue;
                }
                for (PsReport.Process p : processes(s)) {
                    table.row(h.host(), slot, s.version(), p.name(), p.state(), p.pid(), memory(p.rssKb()),
                            uptime(p.uptime()));
                }
            }
        }
        return table + (report.live() == null ? "" : "* live slot\n");
    }

    private static List<PsReport.Process> processes(PsReport.SlotProcesses s) {
        List<PsReport.Process> all = new java.util.ArrayList<>();
        all.add(s.supervisor());
        all.addAll(s.processes());
        return all;
    }

    /** {@code 512K}, {@code 31.5M}, {@code 1.2G}. */
    static String memory(Long kb) {
        if (kb == null) {
            return null;
        }
        if (kb < 1024) {
            return kb + "K";
        }
        return kb < 1024 * 1024 ? String.format(Locale.ROOT, "%.1fM", kb / 1024.0)
                : String.format(Locale.ROOT, "%.1fG", kb / (1024.0 * 1024));
    }

    /** {@code 42s}, {@code 5m02s}, {@code 3h04m}, {@code 2d03h}. */
    static String uptime(Long seconds) {
        if (seconds == null) {
            return null;
        }
        long s = seconds;
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        if (s < 86400) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
        }
        return String.format(Locale.ROOT, "%dd%02dh", s / 86400, s % 86400 / 3600);
    }

    /**
     * {@code {"role", "live", "hosts": [{host, error, slots: [{slot, live, version, running, processes: [{name, state,
     * pid, rss_kb, uptime_s}]}]}]}}; supervisord is the first process of a running slot.
     */
    static String json(PsReport report) throws JsonProcessingException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("role", report.role());
        doc.put("live", report.live());
        doc.put("hosts", report.hosts().stream().map(h -> {
            Map<String, Object> host = new LinkedHashMap<>();
            host.put("host", h.host().toString());
            host.put("error", h.error());
            host.put("slots", h.slots().stream().map(s -> {
                Map<String, Object> slot = new LinkedHashMap<>();
                slot.put("slot", s.slot());
                slot.put("live", s.slot().equals(report.live()));
                slot.put("version", s.version());
                slot.put("running", s.running());
                slot.put("processes", s.running() ? processes(s).stream().map(PsView::process).toList() : List.of());
                return slot;
            }).toList());
            return host;
        }).toList());
        return JSON.writeValueAsString(doc);
    }

    private static Map<String, Object> process(PsReport.Process p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", p.name());
        m.put("state", p.state());
        m.put("pid", p.pid());
        m.put("rss_kb", p.rssKb());
        m.put("uptime_s", p.uptime());
        return m;
    }
}
