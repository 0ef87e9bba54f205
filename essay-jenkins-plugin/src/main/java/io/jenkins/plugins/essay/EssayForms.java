package io.jenkins.plugins.essay;

import dev.essay.core.error.EssayException;
import dev.essay.core.model.Names;
import dev.essay.core.model.Pep440;
import dev.essay.core.pkg.DateVersion;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.Util;
import hudson.model.Item;
import hudson.util.FormValidation;
import java.util.Locale;

/**
 * Form validation shared by the steps and the build steps. Values holding {@code ${...}} are expanded at
 * build time (build steps) or by Groovy (Pipeline), so they are not checked here. Every check needs
 * permission to configure the job; without it, nothing is said.
 */
final class EssayForms {
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
        return expression(v) || Names.SLOT.matches(v) ? FormValidation.ok()
                : FormValidation.error(Names.SLOT.problem(v) + ".");
    }

    /** A role or profile name, by the rule essay.yaml and the engine apply ({@link Names}). */
    static FormValidation checkName(@CheckForNull Item item, @CheckForNull String value, Names rule) {
        String v = Util.fixEmptyAndTrim(value);
        if (!mayCheck(item) || v == null || expression(v) || rule.matches(v)) {
            return FormValidation.ok();
        }
        return FormValidation.error(rule.problem(v) + ".");
    }

    /** As {@link #checkName(Item, String, Names)} for {@code what} = {@code "role"} or {@code "profile"}. */
    static FormValidation checkName(@CheckForNull Item item, @CheckForNull String value, String what) {
        return checkName(item, value, Names.valueOf(what.toUpperCase(Locale.ROOT)));
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
