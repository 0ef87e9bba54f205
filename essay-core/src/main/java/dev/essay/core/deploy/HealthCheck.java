package dev.essay.core.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.essay.core.model.Project;
import dev.essay.core.shell.Shell;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Renders the shell that runs essay's health check program (health.py) with a given interpreter. */
public final class HealthCheck {
    private static final String PROGRAM = load();
    private static final ObjectMapper JSON = new ObjectMapper();

    private HealthCheck() {
    }

    /**
     * @param python      remote interpreter (already quoted or a shell expression)
     * @param urls        URLs to check, each until it passes or retries run out
     * @param slot        expected slot header, or null
     * @param version     expected version header, or null
     * @param retries     attempts per URL
     * @param consecutive passes in a row required per URL
     * @param tail        shell text that continues the command's line (e.g. {@code " || true"} or {@code "; then"});
     *                    the program follows as a here-document on the next lines
     */
    public static String shell(String python, Project.Health health, List<String> urls, String slot, String version,
                               int retries, int consecutive, String tail) {
        return shell(python, health, urls, slot, version, retries, consecutive, null, tail);
    }

    /**
     * As {@link #shell(String, Project.Health, List, String, String, int, int, String)}, and while waiting runs
     * {@code statusCommand} (shell words, already quoted: a {@code supervisorctl ... status}) every half second:
     * a program it reports FATAL or EXITED ends the wait at once with
     * {@code FAIL process NAME is STATE; not waiting for its health check}.
     */
    public static String shell(String python, Project.Health health, List<String> urls, String slot, String version,
                               int retries, int consecutive, String statusCommand, String tail) {
        ObjectNode spec = JSON.createObjectNode();
        spec.putPOJO("urls", urls);
        spec.put("status", health.status());
        spec.put("timeout", health.timeout().toMillis() / 1000.0);
        spec.put("retries", retries);
        spec.put("interval", health.interval().toMillis() / 1000.0);
        spec.put("slot_header", health.slotHeader());
        spec.put("version_header", health.versionHeader());
        spec.put("slot", slot);
        spec.put("version", version);
        spec.put("consecutive", consecutive);
        return python + " - " + Shell.quote(spec.toString()) + (statusCommand == null ? "" : " " + statusCommand)
                + " <<'ESSAY_HEALTH_PY'" + tail + "\n" + PROGRAM + "ESSAY_HEALTH_PY";
    }

    /** Parses the {@code ok|FAIL health url=... status=... slot=... version=...} lines the program prints. */
    public static List<Probe> parse(String output) {
        return output.lines().filter(l -> l.startsWith("ok health ") || l.startsWith("FAIL health ")).map(l -> {
            boolean ok = l.startsWith("ok ");
            String url = field(l, "url");
            String problem = l.contains(" problem=") ? l.substring(l.indexOf(" problem=") + 9) : null;
            return new Probe(url, ok, dash(field(l, "slot")), dash(field(l, "version")), problem);
        }).toList();
    }

    /** One URL's verdict. */
    public record Probe(String url, boolean ok, String slot, String version, String problem) {
    }

    /** The value of {@code key=value} in a line of space-separated fields, or null. */
    public static String field(String line, String key) {
        int at = line.indexOf(" " + key + "=");
        if (at < 0) {
            return null;
        }
        int from = at + key.length() + 2;
        int to = line.indexOf(' ', from);
        return to < 0 ? line.substring(from) : line.substring(from, to);
    }

    private static String dash(String value) {
        return value == null || value.equals("-") || value.equals("None") ? null : value;
    }

    private static String load() {
        try (InputStream in = HealthCheck.class.getResourceAsStream("health.py")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
