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
import dev.essay.core.model.SupervisorEnvironment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
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

    /**
     * The rendered config, its extra files ({@code files:}) and their digest (computed with the password and the secrets
     * masked, so it is stable across deploys and reveals nothing).
     */
    public record Rendered(String text, String display, String digest, List<RenderedFile> files) {
        public Rendered {
            files = List.copyOf(files);
        }

        public Rendered(String text, String display, String digest) {
            this(text, display, digest, List.of());
        }
    }

    /** One of essay.yaml's {@code files}, rendered: {@code dest} relative to the slot directory. */
    public record RenderedFile(String dest, String text, String display) {
    }

    /**
     * Stands for the remote home directory in a rendered config: the write-config operation writes it as
     * {@code ${HOME}}, so the remote shell fills it in, and a dry run shows exactly the script a real run sends.
     */
    public static final String HOME = "\u0001ESSAY_HOME\u0001";

    /** As {@link #render(Project, HostAddress, String, String, String, String, Secret, Map)} for a project without secrets. */
    public static Rendered render(Project project, HostAddress host, String slot, String slotDir, String version,
                                  String profile, Secret password) {
        return render(project, host, slot, slotDir, version, profile, password, Map.of());
    }

    /**
     * @param host    the host the config is for: its address is the {@code host} placeholder
     * @param slotDir the slot directory as a remote path; a leading {@code ~/} is the remote home (see {@link #HOME})
     * @param secrets the values of the profile's secrets ({@link ServiceSecrets#read}), by name
     */
    public static Rendered render(Project project, HostAddress host, String slot, String slotDir, String version,
                                  String profile, Secret password, Map<String, Secret> secrets) {
        if (!secrets.keySet().equals(project.env().secrets(profile).keySet())) {
            throw new IllegalArgumentException("the secrets of profile " + profile + " are "
                    + project.env().secrets(profile).keySet() + ", not " + secrets.keySet());
        }
        slotDir = slotDir.equals("~") || slotDir.startsWith("~/") ? HOME + slotDir.substring(1) : slotDir;
        Map<String, String> plain = new LinkedHashMap<>();
        secrets.forEach((k, v) -> plain.put(k, v.reveal()));
        Map<String, String> masked = new LinkedHashMap<>();
        secrets.keySet().forEach(k -> masked.put(k, MASK));
        Map<String, Object> real = variables(project, host, slot, slotDir, version, profile, password.reveal(), plain);
        Map<String, Object> shown = variables(project, host, slot, slotDir, version, profile, MASK, masked);
        String text = environment(project, render(project, project.supervisor().template(), real), profile, plain);
        String display = environment(project, render(project, project.supervisor().template(), shown), profile, masked);
        List<RenderedFile> files = new ArrayList<>();
        StringBuilder digested = new StringBuilder(display);
        for (Project.ConfigFile f : project.files()) {
            RenderedFile file = new RenderedFile(f.dest(), render(project, f.template(), real),
                    render(project, f.template(), shown));
            files.add(file);
            digested.append("\n\0file ").append(f.dest()).append('\n').append(file.display());
        }
        return new Rendered(text, display, sha256(digested.toString()), files);
    }

    /**
     * Renders the template and the extra files once for {@code host} and throws their problems (unknown placeholders
     * with the closest known one, Jinja syntax errors), each with the template file and line: called before any host
     * is contacted, so a typo is one usage error rather than one failure per host.
     */
    public static void check(Project project, HostAddress host, String slot, String version, String profile) {
        Map<String, String> masked = new LinkedHashMap<>();
        project.env().secrets(profile).keySet().forEach(k -> masked.put(k, MASK));
        Map<String, Object> shown = variables(project, host, slot, project.venv().slotDir(slot), version, profile, MASK,
                masked);
        environment(project, render(project, project.supervisor().template(), shown), profile, masked);
        for (Project.ConfigFile f : project.files()) {
            render(project, f.template(), shown);
        }
    }

    private static final Pattern SECTION = Pattern.compile("\\s*\\[.*");
    private static final Pattern SUPERVISORD_SECTION = Pattern.compile("\\s*\\[supervisord\\]\\s*");
    private static final Pattern ENVIRONMENT_KEY = Pattern.compile("environment\\s*[=:].*");
    private static final Pattern INLINE_COMMENT = Pattern.compile("\\s[;#]");

    /**
     * Puts the profile's {@code env} and {@code secrets} into the {@code [supervisord]} section's {@code environment=}
     * (supervisord passes it to every program it starts): appended to the template's own line, or a line of its own
     * after the section header (a section of its own when the template has none). Unchanged without values.
     */
    static String environment(Project project, String config, String profile, Map<String, String> secrets) {
        Map<String, String> values = new LinkedHashMap<>(project.env().env(profile));
        values.putAll(secrets);
        if (values.isEmpty()) {
            return config;
        }
        String pairs = SupervisorEnvironment.pairs(values);
        List<String> lines = new ArrayList<>(List.of(config.split("\n", -1)));
        int header = -1;
        for (int i = 0; i < lines.size() && header < 0; i++) {
            header = SUPERVISORD_SECTION.matcher(lines.get(i)).matches() ? i : -1;
        }
        if (header < 0) {
            return config + (config.endsWith("\n") || config.isEmpty() ? "" : "\n") + "\n[supervisord]\nenvironment="
                    + pairs + "\n";
        }
        for (int i = header + 1; i < lines.size() && !SECTION.matcher(lines.get(i)).matches(); i++) {
            if (!ENVIRONMENT_KEY.matcher(lines.get(i)).matches()) {
                continue;
            }
            int last = i;
            while (last + 1 < lines.size() && !lines.get(last + 1).isBlank()
                    && Character.isWhitespace(lines.get(last + 1).charAt(0))) {
                last++;
            }
            String line = lines.get(last);
            if (INLINE_COMMENT.matcher(line).find()) {
                throw new ConfigException(List.of(new ConfigException.Problem(project.supervisor().template().toString(),
                        last + 1, "template", "the environment= line of [supervisord] ends with a comment, after which"
                        + " essay cannot add env and secrets; put the comment on a line of its own")));
            }
            boolean empty = i == last && line.replaceFirst("^[^=:]*[=:]", "").isBlank();
            lines.set(last, line.stripTrailing() + (empty ? "" : ",") + pairs);
            return String.join("\n", lines);
        }
        lines.add(header + 1, "environment=" + pairs);
        return String.join("\n", lines);
    }

    static Map<String, Object> variables(Project project, HostAddress host, String slot, String slotDir, String version,
                                         String profile, String password, Map<String, String> secrets) {
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
        v.put("env", project.env().env(profile));
        v.put("secrets", secrets);
        return v;
    }

    /** The template engine as renders use it: an unknown placeholder is an error. */
    private static Jinjava jinjava() {
        return new Jinjava(JinjavaConfig.newBuilder().withFailOnUnknownTokens(true).build());
    }

    private static final Pattern UNKNOWN_TOKEN = Pattern.compile("Unknown token found: (.*)", Pattern.DOTALL);
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private static String render(Project project, Path file, Map<String, Object> variables) {
        RenderResult result = jinjava().renderForResult(readTemplate(project, file), variables);
        List<ConfigException.Problem> problems = result.getErrors().stream()
                .filter(e -> e.getSeverity() == TemplateError.ErrorType.FATAL)
                .map(e -> new ConfigException.Problem(file.toString(),
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

    private static String readTemplate(Project project, Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigException.Problem(project.fileName(), 0,
                    file.equals(project.supervisor().template()) ? "supervisor.template" : "files",
                    "cannot read " + file + ": " + e.getMessage())));
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
