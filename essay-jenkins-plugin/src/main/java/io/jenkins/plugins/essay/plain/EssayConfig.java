package io.jenkins.plugins.essay.plain;

import java.io.Serializable;
import java.util.function.UnaryOperator;

/**
 * What one essay Pipeline step or freestyle build step is configured with, held once for both: the values as the
 * form or the Pipeline script gives them (empty means "the default"), the expansion of {@code ${PARAM}} for
 * freestyle builds, and the engine's own request they make. The step and the build step only bind these values
 * for Jenkins; this class and its subclasses use no Jenkins type, so their rules are plain unit-tested code.
 *
 * @param <R> the engine request this configuration makes
 */
public abstract class EssayConfig<R extends Serializable> {
    /** Default name of the configuration file, relative to the workspace. */
    public static final String DEFAULT_CONFIG = "essay.yaml";

    private String config = DEFAULT_CONFIG;

    /** Path of essay.yaml relative to the workspace (also when a hand-edited job's config.xml leaves it out). */
    public final String getConfig() {
        return config == null ? DEFAULT_CONFIG : config;
    }

    public final void setConfig(String config) {
        String c = trim(config);
        this.config = c == null ? DEFAULT_CONFIG : c;
    }

    /** The engine's request. */
    public abstract R request();

    /**
     * A copy with {@code ${PARAM}} expanded in every text value by {@code env} (a freestyle build's parameters); a
     * value that expands to nothing takes the default.
     */
    public abstract EssayConfig<R> expand(UnaryOperator<String> env);

    /** What the operation is called in messages: {@code essay deploy}. */
    public abstract String name();

    /** The id of the credential essay logs in with (an SSH key, or for a package the index login); null for none. */
    public abstract String credentialsId();

    /** {@code value} without surrounding white space; null when nothing is left (Jenkins' {@code Util.fixEmptyAndTrim}). */
    static String trim(String value) {
        if (value == null) {
            return null;
        }
        String t = value.strip();
        return t.isEmpty() ? null : t;
    }

    /** The values of {@code list} trimmed, the empty ones left out; null when none is left. */
    static java.util.List<String> trimmed(java.util.List<String> list) {
        java.util.List<String> kept = list == null ? java.util.List.of()
                : list.stream().map(EssayConfig::trim).filter(v -> v != null).toList();
        return kept.isEmpty() ? null : new java.util.ArrayList<>(kept);
    }

    /** {@code value} expanded, or null. */
    static String expanded(UnaryOperator<String> env, String value) {
        return value == null ? null : trim(env.apply(value));
    }

    /** Copies the essay.yaml path, expanded, into {@code copy}; returns {@code copy}. */
    <C extends EssayConfig<R>> C withConfig(C copy, UnaryOperator<String> env) {
        copy.setConfig(expanded(env, getConfig()));
        return copy;
    }
}
