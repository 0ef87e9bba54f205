package dev.essay.core.deploy;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import dev.essay.core.error.ConfigException;
import dev.essay.core.model.HostAddress;
import dev.essay.core.model.Project;
import dev.essay.core.model.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Renders a slot's supervisord config from the project's Jinja template (fabfile-era placeholders). */
public final class SupervisorConfig {
    /** The user name in the slot supervisord's {@code [unix_http_server]} section. */
    public static final String USERNAME = "essay";
    private static final String MASK = "********";

    private SupervisorConfig() {
    }

    /** The rendered config and its digest (computed with the password masked, so it is stable across deploys). */
    public record Rendered(String text, String display, String digest) {
    }

    /**
     * @param host    the host the config is for: its address is the {@code host} placeholder
     * @param slotDir the slot directory as an absolute remote path (the remote home already expanded), or
     *                a {@code ~/} path when it is not known (dry run)
     */
    public static Rendered render(Project project, HostAddress host, String slot, String slotDir, String version,
                                  String profile, Secret password) {
        String template = readTemplate(project);
        String text = render(project, template, variables(project, host, slot, slotDir, version, profile, password.reveal()));
        String display = render(project, template, variables(project, host, slot, slotDir, version, profile, MASK));
        return new Rendered(text, display, sha256(display));
    }

    static Map<String, Object> variables(Project project, HostAddress host, String slot, String slotDir, String version,
                                         String profile, String password) {
        Project.Slot s = project.slot(slot);
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("host", host.address());
        v.put("run_root", slotDir);
        v.put("venv_dir", slotDir);
        v.put("virtualenv_name", slot);
        v.put("slot", slot);
        v.put("project", project.name());
        v.put("port", s.portPrefix());
        v.put("ports", List.copyOf(s.ports(project.processCount())));
        v.put("process_count", project.processCount());
        v.put("profile", profile);
        v.put("version", version);
        v.put("username", USERNAME);
        v.put("password", password);
        v.put("supervisor_password", password);
        v.put("supervisor_socket", slotDir + "/run/supervisor.sock");
        v.put("supervisor_pidfile", slotDir + "/run/supervisord.pid");
        v.put("log_dir", slotDir + "/logs");
        return v;
    }

    private static final java.util.concurrent.atomic.AtomicBoolean WARMING = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Starts the template engine in the background, once per JVM: its first render loads a few thousand
     * classes (a quarter of a second on a cold JVM), which can happen while a deploy waits on the network
     * for the release lock and the hosts. Rendering works the same whether or not this has run or finished.
     */
    public static void warmUpInBackground() {
        if (WARMING.compareAndSet(false, true)) {
            Thread thread = new Thread(() -> {
                try {
                    jinjava().renderForResult("[program:{{ name }}]", Map.of("name", "warm-up"));
                } catch (RuntimeException ignored) {
                    // only a warm-up: a real render reports its own errors
                }
            }, "essay-template-warm-up");
            thread.setDaemon(true);
            thread.start();
        }
    }

    /** The template engine as renders use it: an unknown placeholder is an error. */
    private static Jinjava jinjava() {
        return new Jinjava(JinjavaConfig.newBuilder().withFailOnUnknownTokens(true).build());
    }

    private static String render(Project project, String template, Map<String, Object> variables) {
        RenderResult result = jinjava().renderForResult(template, variables);
        List<TemplateError> errors = result.getErrors().stream()
                .filter(e -> e.getSeverity() == TemplateError.ErrorType.FATAL).toList();
        if (!errors.isEmpty()) {
            throw new ConfigException(errors.stream().map(e -> new ConfigException.Problem(
                    project.supervisor().template().toString(), Math.max(0, e.getLineno()), "template",
                    e.getMessage() + "; placeholders: " + String.join(", ", variables.keySet()))).toList());
        }
        return result.getOutput();
    }

    private static String readTemplate(Project project) {
        try {
            return Files.readString(project.supervisor().template(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigException.Problem(project.fileName(), 0, "supervisor.template",
                    "cannot read " + project.supervisor().template() + ": " + e.getMessage())));
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
