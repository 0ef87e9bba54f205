package io.jenkins.plugins.essay.plain;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The short summary {@code essayStatus} writes to the build log, read from the status document
 * ({@code StatusReport.toMap()}, the map the step returns): the live slot, one line per host with each slot's version
 * and health, and whether the fleet is degraded and why.
 */
public final class StatusText {
    private StatusText() {
    }

    /**
     * {@code [essay] status: slot b is live (proven through nginx)}, {@code [essay] web-1: a 1.0.0 healthy, b 2.0.0
     * healthy}, {@code [essay] fleet healthy} or {@code [essay] fleet DEGRADED: ...}.
     */
    public static List<String> summary(Map<String, Object> status) {
        List<String> lines = new ArrayList<>();
        Map<?, ?> live = status.get("live") instanceof Map<?, ?> m ? m : Map.of();
        Object slot = live.get("slot");
        lines.add("[essay] status: " + (slot == null ? "no slot is live"
                : "slot " + slot + " is live" + (Boolean.TRUE.equals(live.get("proven")) ? " (proven through nginx)"
                        : " (not proven through nginx)")));
        for (Object h : list(status.get("hosts"))) {
            if (!(h instanceof Map<?, ?> host)) {
                continue;
            }
            StringBuilder line = new StringBuilder("[essay] ").append(host.get("host")).append(": ");
            if (host.get("error") != null) {
                line.append("could not be read: ").append(host.get("error"));
            } else {
                List<String> slots = new ArrayList<>();
                for (Object s : list(host.get("slots"))) {
                    if (s instanceof Map<?, ?> sm) {
                        slots.add(sm.get("slot") + " " + (sm.get("version") == null ? "(none)" : sm.get("version"))
                                + " " + (Boolean.TRUE.equals(sm.get("healthy")) ? "healthy"
                                : Boolean.TRUE.equals(sm.get("running")) ? "unhealthy" : "stopped"));
                    }
                }
                line.append(slots.isEmpty() ? "no slots" : String.join(", ", slots));
            }
            lines.add(line.toString());
        }
        if (Boolean.TRUE.equals(status.get("degraded"))) {
            lines.add("[essay] fleet DEGRADED: " + String.join("; ",
                    list(status.get("degraded_reasons")).stream().map(String::valueOf).toList()));
        } else {
            lines.add("[essay] fleet healthy");
        }
        return lines;
    }

    private static List<?> list(Object value) {
        return value instanceof List<?> l ? l : List.of();
    }
}
