package dev.essay.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.essay.core.api.RepairResult;
import dev.essay.core.run.HostResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders {@code essay repair --json}; a pure function of a {@link RepairResult} so it is testable without SSH. */
final class RepairView {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private RepairView() {
    }

    /**
     * {@code {"ok", "cancelled", "dry_run", "nothing_drifted", "role", "slot", "version", "hosts": [{host, result,
     * drift, detail, error}]}}: {@code result} is {@code unchanged} (in sync, not touched), {@code ok} (repaired),
     * {@code failed} or {@code skipped} (not attempted).
     */
    static String json(RepairResult result, boolean dryRun) throws JsonProcessingException {
        return json(result, dryRun, false);
    }

    /** As {@link #json(RepairResult, boolean)}; a {@code cancelled} repair (Ctrl-C) is never ok. */
    static String json(RepairResult result, boolean dryRun, boolean cancelled) throws JsonProcessingException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("ok", result.ok() && !cancelled);
        doc.put("cancelled", cancelled);
        doc.put("dry_run", dryRun);
        doc.put("nothing_drifted", result.nothingDrifted());
        doc.put("role", result.role());
        doc.put("slot", result.slot());
        doc.put("version", result.version());
        doc.put("hosts", result.fleet().hosts().stream().map(h -> host(result, h)).toList());
        return JSON.writeValueAsString(doc);
    }

    private static Map<String, Object> host(RepairResult result, HostResult h) {
        Map<String, Object> host = new LinkedHashMap<>();
        host.put("host", h.host().toString());
        host.put("result", h.status().name().toLowerCase(Locale.ROOT));
        host.put("drift", result.drifted().stream().filter(d -> d.host().equals(h.host())).findFirst()
                .map(RepairResult.Drifted::reasons).orElse(List.of()));
        host.put("detail", h.detail());
        host.put("error", h.error());
        return host;
    }
}
