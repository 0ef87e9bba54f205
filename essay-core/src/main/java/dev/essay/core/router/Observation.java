package dev.essay.core.router;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.essay.core.deploy.HealthCheck;
import dev.essay.core.model.Project;
import dev.essay.core.shell.Shell;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What answered requests made through nginx on a router host, each answer attributed to a slot: by the service's
 * slot header ({@code health.slot_header}), or else by the upstream address essay's probe server reports
 * ({@code router.probe}), whose port belongs to one slot. This is the truth about which slot is live; the include's
 * header only says what essay wrote.
 *
 * @param via     the URL asked, or null when essay.yaml gives no way to attribute answers
 * @param answers every answer, in order
 */
public record Observation(String via, List<Answer> answers) {
    public static final String UPSTREAM_HEADER = "X-Essay-Upstream";
    private static final String PROGRAM = load();
    private static final ObjectMapper JSON = new ObjectMapper();

    public Observation {
        answers = List.copyOf(answers);
    }

    /** One answer: an HTTP status (null when the request failed), the slot it came from (null when unknown). */
    public record Answer(Integer status, String slot, String version, String upstream, String error) {
    }

    /** The slots that answered, in order of first answer. */
    public Set<String> slots() {
        Set<String> slots = new LinkedHashSet<>();
        answers.stream().map(Answer::slot).filter(s -> s != null).forEach(slots::add);
        return slots;
    }

    /** The versions reported by answers of a slot. */
    public Set<String> versions(String slot) {
        Set<String> versions = new LinkedHashSet<>();
        answers.stream().filter(a -> slot.equals(a.slot()) && a.version() != null).forEach(a -> versions.add(a.version()));
        return versions;
    }

    /** Why nothing could be attributed: the first error, or a note on answers without a slot; null when some were. */
    public String problem() {
        if (via == null) {
            return "essay.yaml gives no way to tell slots apart through nginx (health.slot_header is empty and"
                    + " router.probe is not set)";
        }
        if (!slots().isEmpty()) {
            return null;
        }
        for (Answer a : answers) {
            if (a.error() != null) {
                return via + ": " + a.error();
            }
        }
        return answers.isEmpty() ? via + ": no answer" : via + ": answers named no slot (status " + answers.get(0).status()
                + "; does the service send its slot header, or does the include carry essay's probe server?)";
    }

    /** The URL asked on the router: router.url when the service names its slot, else essay's probe server. */
    public static String url(Project project) {
        return project.health().slotHeader().isEmpty() ? project.router().probeUrl(project.health().path())
                : project.router().url();
    }

    /**
     * The shell that asks through nginx: {@code count} requests (observe), or, with a target slot, until
     * {@code consecutive} answers in a row come from it (prove; exits 1 when {@code retries} run out). Observing never
     * fails.
     */
    public static String shell(Project project, int count, String target, int consecutive, int retries) {
        String url = url(project);
        if (url == null) {
            return "echo 'essay.yaml gives no way to tell slots apart through nginx'" + (target == null ? "" : "; exit 1");
        }
        String tail = target == null ? " || true" : "";
        ObjectNode spec = JSON.createObjectNode();
        spec.put("url", url);
        spec.put("count", count);
        spec.put("timeout", project.health().timeout().toMillis() / 1000.0);
        spec.put("status", project.health().status());
        spec.put("interval", project.health().interval().toMillis() / 1000.0);
        spec.put("slot_header", project.health().slotHeader());
        spec.put("version_header", project.health().versionHeader());
        spec.put("upstream_header", project.router().probe() == null ? "" : UPSTREAM_HEADER);
        ObjectNode ports = spec.putObject("ports");
        project.slots().values().forEach(slot -> slot.ports(project.processCount())
                .forEach(port -> ports.put(String.valueOf(port), slot.name())));
        spec.put("target", target);
        spec.put("consecutive", consecutive);
        spec.put("retries", retries);
        return "python3 - " + Shell.quote(spec.toString()) + " <<'ESSAY_OBSERVE_PY'" + tail + "\n" + PROGRAM + "ESSAY_OBSERVE_PY";
    }

    /** Reads the {@code answer ...} lines the program printed. */
    public static Observation parse(Project project, String output) {
        List<Answer> answers = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (!line.startsWith("answer ")) {
                continue;
            }
            String status = field(line, "status");
            String slot = field(line, "slot");
            // a header that names no slot of essay.yaml (another service answered, a stub) attributes nothing
            answers.add(new Answer(status == null || !status.matches("[0-9]{1,3}") ? null : Integer.valueOf(status),
                    slot != null && project.slots().containsKey(slot) ? slot : null, field(line, "version"),
                    field(line, "upstream"), field(line, "error")));
        }
        return new Observation(url(project), answers);
    }

    private static String field(String line, String key) {
        String value = HealthCheck.field(line, key);
        return value == null || value.equals("-") || value.isEmpty() ? null : value;
    }

    private static String load() {
        try (InputStream in = Observation.class.getResourceAsStream("observe.py")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
