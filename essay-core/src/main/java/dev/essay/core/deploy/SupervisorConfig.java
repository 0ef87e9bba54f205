package dev.essay.core.deploy;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import dev.essay.core.config.Suggestions;
import dev.essay.core.error.ConfigException;
import dev.essay.core.model.HostAddress;
import dev.essay.core.model.Project;
import dev.essay.core.model.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
     * Stands for the remote home directory in a rendered config: the write-config operation writes it as
     * {@code ${HOME}}, so the remote shell fills it in, and a dry run shows exactly the script a real run sends.
     */
    public static final String HOME = "\u0001ESSAY_HOME\u0001";

    /**
     * @param host    the host the config is for: its address is the {@code host} placeholder
     * @param slotDir the slot directory as a remote path; a leading {@code ~/} is the remote home (see {@link #HOME})
     */
    public static Rendered render(Project project, HostAddress host, String slot, String slotDir, String version,
                                  String profile, Secret password) {
        String template = readTemplate(project);
        slotDir = slotDir.equals("~") || slotDir.startsWith("~/") ? HOME + slotDir.substring(1) : slotDir;
        String text = render(project, template, variables(project, host, slot, slotDir, version, profile, password.reveal()));
        String display = render(project, template, variables(project, host, slot, slotDir, version, profile, MASK));
        return new Rendered(text, display, sha256(display));
    }

    /**
     * Renders the template once for {@code host} and throws its problems (unknown placeholders with the closest
     * known one, Jinja syntax errors), each with the template file and line: called before any host is contacted,
     * so a typo is one usage error rather than one failure per host.
     */
    public static void check(Project project, HostAddress host, String slot, String version, String profile) {
        render(project, readTemplate(project), variables(project, host, slot, project.venv().slotDir(slot), version,
                profile, MASK));
    }

    static Map<String, Object> variables(Project project, HostAddress host, String slot, String slotDir, String version,
                                         String profile, String password) {
        Project.Slot s = project.slot(slot);
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("host", host.address());
        v.put("slot_dir", slotDir);
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

    /** The template engine as renders use it: an unknown placeholder is an error. */
    private static Jinjava jinjava() {
        return new Jinjava(JinjavaConfig.newBuilder().withFailOnUnknownTokens(true).build());
    }

    private static final Pattern UNKNOWN_TOKEN = Pattern.compile("Unknown token found: (.*)", Pattern.DOTALL);
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private static String render(Project project, String template, Map<String, Object> variables) {
        RenderResult result = jinjava().renderForResult(template, variables);
        List<ConfigException.Problem> problems = result.getErrors().stream()
                .filter(e -> e.getSeverity() == TemplateError.ErrorType.FATAL)
                .map(e -> new ConfigException.Problem(project.supervisor().template().toString(),
                        Math.max(0, e.getLineno()), "template", describe(e.getMessage(), variables.keySet())))
                .distinct().toList();
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return result.getOutput();
    }

    /** Jinjava's message, or for an unknown placeholder: which one, and the closest known one. */
    static String describe(String message, Collection<String> placeholders) {
        Matcher unknown = UNKNOWN_TOKEN.matcher(message);
        if (unknown.find()) {
            String token = unknown.group(1).strip();
            Matcher name = NAME.matcher(token);
            if (name.lookingAt() && !placeholders.contains(name.group())) {
                return "unknown placeholder '" + name.group() + "'" + Suggestions.closest(name.group(), placeholders)
                        .map(s -> "; did you mean " + s + "?").orElse("") + " (placeholders: "
                        + String.join(", ", placeholders) + ")";
            }
            return "cannot render '{{ " + token + " }}' (an unknown filter, or an attribute the value does not have)";
        }
        return "Jinja syntax error: " + message;
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
