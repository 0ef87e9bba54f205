package dev.essay.core.deploy;

import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.model.Project;
import dev.essay.core.model.Secret;
import dev.essay.core.model.SupervisorEnvironment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads the values essay.yaml's {@code secrets} (and {@code pip.proxy_env} / {@code proxy_file}) point to, on the
 * machine running essay, before any host is touched. Every problem names the key and where it was looked for, never
 * the value.
 */
public final class ServiceSecrets {
    private ServiceSecrets() {
    }

    /**
     * The secrets of {@code profile}, by name, in essay.yaml's order.
     *
     * @param env the environment essay reads {@code {env: VAR}} from ({@code System::getenv}, or a Jenkins build's)
     * @throws EssayException (usage) naming every secret that could not be read
     */
    public static Map<String, Secret> read(Project project, String profile, Function<String, String> env) {
        Map<String, Secret> values = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        project.env().secrets(profile).forEach((key, source) -> {
            String field = (project.env().profiles().containsKey(profile)
                    && project.env().profiles().get(profile).secrets().containsKey(key)
                    ? "profiles." + profile + ".secrets." : "secrets.") + key;
            try {
                String value = value(source.env(), source.file() == null ? null : source.file().toString(), env);
                String problem = SupervisorEnvironment.problem(value);
                if (problem != null) {
                    problems.add(field + ": the value of " + source.describe() + " " + problem);
                } else {
                    values.put(key, Secret.of(value));
                }
            } catch (IllegalStateException e) {
                problems.add(field + ": " + e.getMessage());
            }
        });
        if (!problems.isEmpty()) {
            throw new EssayException(ExitCode.USAGE, problems.size() == 1 ? problems.get(0) + " (" + project.fileName()
                    + ")" : problems.size() + " secrets of " + project.fileName() + " cannot be read",
                    problems.size() == 1 ? null : String.join("\n", problems),
                    "set each variable before running essay (in Jenkins, bind a credential to it with withCredentials)"
                            + " and make each file readable; nothing was changed on the fleet", null);
        }
        return values;
    }

    /** The proxy pip uses, when essay.yaml names a variable or a file holding it (it may hold credentials); or null. */
    public static Secret pipProxy(Project project, Function<String, String> env) {
        Project.Pip pip = project.pip();
        if (pip.proxyEnv() == null && pip.proxyFile() == null) {
            return null;
        }
        try {
            return Secret.of(value(pip.proxyEnv(), pip.proxyFile() == null ? null : pip.proxyFile().toString(), env));
        } catch (IllegalStateException e) {
            throw new EssayException(ExitCode.USAGE, (pip.proxyEnv() != null ? "pip.proxy_env: " : "pip.proxy_file: ")
                    + e.getMessage() + " (" + project.fileName() + ")", "set it before running essay, or remove it"
                    + " from essay.yaml; nothing was changed on the fleet");
        }
    }

    /** The value of a variable or a file's content without its final line break. */
    private static String value(String var, String file, Function<String, String> env) {
        if (var != null) {
            String value = env.apply(var);
            if (value == null || value.isEmpty()) {
                throw new IllegalStateException("the environment variable " + var + " is not set (or empty)");
            }
            return value;
        }
        try {
            String text = Files.readString(java.nio.file.Path.of(file), StandardCharsets.UTF_8);
            text = text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
                    : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
            if (text.isEmpty()) {
                throw new IllegalStateException("the file " + file + " is empty");
            }
            return text;
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalStateException("the file " + file + " does not exist");
        } catch (IOException e) {
            throw new IllegalStateException("the file " + file + " cannot be read (" + e.getClass().getSimpleName() + ")");
        }
    }
}
