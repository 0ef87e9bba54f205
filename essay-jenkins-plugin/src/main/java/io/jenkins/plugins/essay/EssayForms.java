package io.jenkins.plugins.essay;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.model.Item;
import hudson.util.FormValidation;
import io.jenkins.plugins.essay.plain.FormRules;
import java.util.function.Supplier;

/**
 * Form validation shared by the steps and the build steps: the rules are {@link FormRules}' (plain, unit-tested);
 * this class only asks for the permission and turns a verdict into a {@link FormValidation}. Every check needs
 * permission to configure the job; without it, nothing is said.
 */
final class EssayForms {
    private EssayForms() {
    }

    static boolean mayCheck(@CheckForNull Item item) {
        return item != null && item.hasPermission(Item.CONFIGURE);
    }

    private static FormValidation check(@CheckForNull Item item, Supplier<FormRules.Verdict> rule) {
        if (!mayCheck(item)) {
            return FormValidation.ok();
        }
        FormRules.Verdict verdict = rule.get();
        return switch (verdict.kind()) {
            case OK -> verdict.message() == null ? FormValidation.ok() : FormValidation.ok(verdict.message());
            case WARNING -> FormValidation.warning(verdict.message());
            case ERROR -> FormValidation.error(verdict.message());
        };
    }

    static FormValidation checkVersion(@CheckForNull Item item, @CheckForNull String value) {
        return check(item, () -> FormRules.version(value));
    }

    /** A package's version is optional: empty for the next date version. */
    static FormValidation checkPackageVersion(@CheckForNull Item item, @CheckForNull String value) {
        return check(item, () -> FormRules.packageVersion(value));
    }

    /** A package's local version label ({@code 6.11.28.3+fixbug}), as the engine accepts it. */
    static FormValidation checkSuffix(@CheckForNull Item item, @CheckForNull String value) {
        return check(item, () -> FormRules.suffix(value));
    }

    /** A branch or commit to package: git checks the rest when it runs. */
    static FormValidation checkRevision(@CheckForNull Item item, @CheckForNull String value) {
        return check(item, () -> FormRules.revision(value));
    }

    static FormValidation checkSlot(@CheckForNull Item item, @CheckForNull String value, boolean required) {
        return check(item, () -> FormRules.slot(value, required));
    }

    static FormValidation checkName(@CheckForNull Item item, @CheckForNull String value, String what) {
        return check(item, () -> FormRules.name(value, what));
    }

    static FormValidation checkBatch(@CheckForNull Item item, @CheckForNull String value) {
        return check(item, () -> FormRules.batch(value));
    }

    static FormValidation checkConfig(@CheckForNull Item item, @CheckForNull String value) {
        return check(item, () -> FormRules.config(value));
    }
}
