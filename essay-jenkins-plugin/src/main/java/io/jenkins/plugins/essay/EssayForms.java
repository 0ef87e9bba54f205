package io.jenkins.plugins.essay;

import dev.essay.core.error.EssayException;
import dev.essay.core.model.Pep440;
import dev.essay.core.pkg.DateVersion;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.Util;
import hudson.model.Item;
import hudson.util.FormValidation;
import java.util.regex.Pattern;

/**
 * Form validation shared by the steps and the build steps. Values holding {@code ${...}} are expanded at
 * build time (build steps) or by Groovy (Pipeline), so they are not checked here. Every check needs
 * permission to configure the job; without it, nothing is said.
 */
final class EssayForms {
    private static final Pattern SLOT = Pattern.compile("[a-z][a-z0-9]{0,15}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private EssayForms() {
    }

    static boolean mayCheck(@CheckForNull Item item) {
        return item != null && item.hasPermission(Item.CONFIGURE);
    }

    private static boolean expression(String value) {
        return value.contains("${");
    }

    static FormValidation checkVersion(@CheckForNull Item item, @CheckForNull String value) {
        String v = Util.fixEmptyAndTrim(value);
        if (!mayCheck(item)) {
            return FormValidation.ok();
        }
        if (v == null) {
            return FormValidation.error("Which version of the project to deploy (a PEP 440 version such as 1.4.0).");
        }
        if (expression(v) || Pep440.isValid(v)) {
            return FormValidation.ok();
        }
        return FormValidation.error("'" + v + "' is not a PEP 440 version (1.4.0, 2.0.0rc1, 1.4.0.post1, ...).");
    }

    /** A package's version is optional: empty for the next date version. */
    static FormValidation checkPackageVersion(@CheckForNull Item item, @CheckForNull String value) {
        return Util.fixEmptyAndTrim(value) == null ? FormValidation.ok() : checkVersion(item, value);
    }

    /** A package's local version label ({@code 6.11.28.3+fixbug}), as the engine accepts it. */
    static FormValidation checkSuffix(@CheckForNull Item item, @CheckForNull String value) {
        String v = Util.fixEmptyAndTrim(value);
        if (!mayCheck(item) || v == null || expression(v)) {
            return FormValidation.ok();
        }
        try {
            return FormValidation.ok("The version gets the local label +" + DateVersion.label(v) + ".");
        } catch (EssayException e) {
            return FormValidation.error("A suffix is ASCII letters and digits, optionally separated by single '.', '-'"
                    + " or '_' (fixbug, hotfix-2).");
        }
    }

    /** A branch or commit to package: git checks the rest when it runs. */
    static FormValidation checkRevision(@CheckForNull Item item, @CheckForNull String value) {
        String v = Util.fixEmptyAndTrim(value);
        if (!mayCheck(item) || v == null || expression(v)) {
            return FormValidation.ok();
        }
        return v.startsWith("-") || v.chars().anyMatch(Character::isWhitespace) || v.contains("..")
                ? FormValidation.error("A git branch name or commit id: no spaces, no '..', not starting with '-'.")
                : FormValidation.ok();
    }

    static FormValidation checkSlot(@CheckForNull Item item, @CheckForNull String value, boolean required) {
        String v = Util.fixEmptyAndTrim(value);
        if (!mayCheck(item)) {
            return FormValidation.ok();
        }
        if (v == null) {
            return required ? FormValidation.error("Which slot to deploy into (a slot of essay.yaml, such as a or b).")
                    : FormValidation.ok();
        }
        return expression(v) || SLOT.matcher(v).matches() ? FormValidation.ok()
                : FormValidation.error("Slot names are lower-case letters and digits, starting with a letter (a, b, blue).");
    }

    static FormValidation checkName(@CheckForNull Item item, @CheckForNull String value, String what) {
        String v = Util.fixEmptyAndTrim(value);
        if (!mayCheck(item) || v == null || expression(v) || NAME.matcher(v).matches()) {
            return FormValidation.ok();
        }
        return FormValidation.error("A " + what + " is letters, digits, '_', '.' and '-'.");
    }

    static FormValidation checkConfig(@CheckForNull Item item, @CheckForNull String value) {
        String v = Util.fixEmptyAndTrim(value);
        if (!mayCheck(item) || v == null || expression(v)) {
            return FormValidation.ok();
        }
        if (v.startsWith("/") || v.matches("[A-Za-z]:[\\\\/].*")) {
            return FormValidation.warning("An absolute path: essay.yaml is normally read relative to the workspace.");
        }
        if (!v.endsWith(".yaml") && !v.endsWith(".yml")) {
            return FormValidation.warning("essay reads a YAML file (essay.yaml).");
        }
        return FormValidation.ok();
    }
}
