package io.jenkins.plugins.essay.plain;

import dev.essay.core.error.EssayException;
import dev.essay.core.model.Names;
import dev.essay.core.model.Pep440;
import dev.essay.core.policy.SlotPolicy;
import dev.essay.core.pkg.DateVersion;
import java.util.Locale;

/**
 * What the job configuration form says of each field of the steps and build steps, as plain verdicts that the
 * descriptors' {@code doCheck*} methods turn into Jenkins' {@code FormValidation}. Values holding {@code ${...}} are
 * expanded at build time (build steps) or by Groovy (Pipeline), so they pass; an empty value means the default.
 */
public final class FormRules {
    private FormRules() {
    }

    /** How a field's value fares, and what the form says of it (null: nothing). */
    public record Verdict(Kind kind, String message) {
        public enum Kind { OK, WARNING, ERROR }

        static final Verdict OK = new Verdict(Kind.OK, null);

        static Verdict ok(String message) {
            return new Verdict(Kind.OK, message);
        }

        static Verdict warning(String message) {
            return new Verdict(Kind.WARNING, message);
        }

        static Verdict error(String message) {
            return new Verdict(Kind.ERROR, message);
        }
    }

    private static boolean expression(String value) {
        return value.contains("${");
    }

    /** A deploy's version: required, PEP 440, or latest (the engine takes the newest on the index). */
    public static Verdict version(String value) {
        String v = EssayConfig.trim(value);
        if (v == null) {
            return Verdict.error("Which version of the project to deploy (a PEP 440 version such as 1.4.0, or latest).");
        }
        if (SlotPolicy.isLatest(v)) {
            return Verdict.ok("The newest version on the index when the step runs (PEP 440 order); the build log"
                    + " names the version it took.");
        }
        return pep440(v);
    }

    /** A package's version is optional: empty for the next date version; never latest, a version is built. */
    public static Verdict packageVersion(String value) {
        String v = EssayConfig.trim(value);
        return v == null ? Verdict.OK : pep440(v);
    }

    private static Verdict pep440(String v) {
        if (expression(v) || Pep440.isValid(v)) {
            return Verdict.OK;
        }
        return Verdict.error("'" + v + "' is not a PEP 440 version (1.4.0, 2.0.0rc1, 1.4.0.post1, ...).");
    }

    /** A package's local version label ({@code 6.11.28.3+fixbug}), as the engine accepts it. */
    public static Verdict suffix(String value) {
        String v = EssayConfig.trim(value);
        if (v == null || expression(v)) {
            return Verdict.OK;
        }
        try {
            return Verdict.ok("The version gets the local label +" + DateVersion.label(v) + ".");
        } catch (EssayException e) {
            return Verdict.error("A suffix is ASCII letters and digits, optionally separated by single '.', '-'"
                    + " or '_' (fixbug, hotfix-2).");
        }
    }

    /** A branch or commit to package: git checks the rest when it runs. */
    public static Verdict revision(String value) {
        String v = EssayConfig.trim(value);
        if (v == null || expression(v)) {
            return Verdict.OK;
        }
        return v.startsWith("-") || v.chars().anyMatch(Character::isWhitespace) || v.contains("..")
                ? Verdict.error("A git branch name or commit id: no spaces, no '..', not starting with '-'.")
                : Verdict.OK;
    }

    /** A slot: required for a deploy, optional for a switch. */
    public static Verdict slot(String value, boolean required) {
        String v = EssayConfig.trim(value);
        if (v == null) {
            return required ? Verdict.error("Which slot to deploy into (a slot of essay.yaml, such as a or b).")
                    : Verdict.OK;
        }
        return expression(v) || Names.SLOT.matches(v) ? Verdict.OK : Verdict.error(Names.SLOT.problem(v) + ".");
    }

    /** A role or profile name, by the rule essay.yaml and the engine apply ({@link Names}); optional. */
    public static Verdict name(String value, Names rule) {
        String v = EssayConfig.trim(value);
        if (v == null || expression(v) || rule.matches(v)) {
            return Verdict.OK;
        }
        return Verdict.error(rule.problem(v) + ".");
    }

    /** As {@link #name(String, Names)} for {@code what} = {@code "role"} or {@code "profile"}. */
    public static Verdict name(String value, String what) {
        return name(value, Names.valueOf(what.toUpperCase(Locale.ROOT)));
    }

    /** The path of essay.yaml: warns of an absolute path or a file that is not YAML. */
    public static Verdict config(String value) {
        String v = EssayConfig.trim(value);
        if (v == null || expression(v)) {
            return Verdict.OK;
        }
        if (v.startsWith("/") || v.matches("[A-Za-z]:[\\\\/].*")) {
            return Verdict.warning("An absolute path: essay.yaml is normally read relative to the workspace.");
        }
        if (!v.endsWith(".yaml") && !v.endsWith(".yml")) {
            return Verdict.warning("essay reads a YAML file (essay.yaml).");
        }
        return Verdict.OK;
    }

    /** A repair's batch: a whole number of hosts, at least 1 (empty: 1). */
    public static Verdict batch(String value) {
        String v = EssayConfig.trim(value);
        if (v == null) {
            return Verdict.OK;
        }
        try {
            if (Integer.parseInt(v) >= 1) {
                return Verdict.OK;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        return Verdict.error("A whole number of hosts, at least 1: how many drifted hosts are reinstalled at once.");
    }
}
