package io.jenkins.plugins.essay;

import dev.essay.core.DeployRequest;
import dev.essay.core.SwitchRequest;
import dev.essay.core.pkg.PackageRequest;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import java.io.Serializable;

/**
 * One engine call, as the steps and build steps describe it: plain values (already expanded), so it can
 * travel to the agent. It turns into the engine's own immutable request there.
 */
final class Operation implements Serializable {
    private static final long serialVersionUID = 1L;

    enum Kind { DEPLOY, SWITCH, PACKAGE }

    private final Kind kind;
    private final String version;
    private final String slot;
    private final String role;
    private final String profile;
    private final boolean rollback;
    private final boolean force;
    /** What to package: null, or (for {@link Kind#PACKAGE}) the source and the suffix. */
    private final PackageSource source;

    private Operation(Kind kind, String version, String slot, String role, String profile, boolean rollback,
                      boolean force, PackageSource source) {
        this.kind = kind;
        this.version = version;
        this.slot = slot;
        this.role = role;
        this.profile = profile;
        this.rollback = rollback;
        this.force = force;
        this.source = source;
    }

    /** The source of a package: a branch, a commit or the working tree; and the local version label. */
    private record PackageSource(String branch, String commit, boolean here, String suffix) implements Serializable {
    }

    /** Deploy {@code version} into {@code slot}; null role and profile mean essay.yaml's defaults. */
    static Operation deploy(@NonNull String version, @NonNull String slot, @CheckForNull String role,
                            @CheckForNull String profile, boolean force) {
        return new Operation(Kind.DEPLOY, version, slot, role, profile, false, force, null);
    }

    /** Put {@code to} live (null: the slot that is not live, or on rollback the previous one). */
    static Operation switchTo(@CheckForNull String to, boolean rollback, boolean force) {
        return new Operation(Kind.SWITCH, null, to, null, null, rollback, force, null);
    }

    /**
     * Build and upload a package: of {@code commit}, else {@code branch} (null: essay.yaml's build.branch), or of the
     * working tree with {@code here}; {@code version} null for the next date version, {@code suffix} a local label.
     */
    static Operation pack(@CheckForNull String branch, @CheckForNull String commit, boolean here,
                          @CheckForNull String version, @CheckForNull String suffix) {
        return new Operation(Kind.PACKAGE, version, null, null, null, false, false,
                new PackageSource(branch, commit, here, suffix));
    }

    /**
     * A package of no named source (no branch, commit or working tree) builds {@code checkedOut}, the commit the
     * build checked out (the Git plugin's {@code GIT_COMMIT}), when there is one: a Jenkins checkout is a detached
     * commit with no local branch to package. Any other operation is returned as it is.
     */
    Operation packagingCheckedOut(@CheckForNull String checkedOut) {
        if (kind != Kind.PACKAGE || checkedOut == null || checkedOut.isBlank() || source.branch() != null
                || source.commit() != null || source.here()) {
            return this;
        }
        return new Operation(kind, version, slot, role, profile, rollback, force,
                new PackageSource(null, checkedOut.strip(), false, source.suffix()));
    }

    Kind kind() {
        return kind;
    }

    /** What the ledger calls it: {@code deploy}, {@code switch}, {@code rollback} or {@code package}. */
    String action() {
        return switch (kind) {
            case DEPLOY -> "deploy";
            case SWITCH -> rollback ? "rollback" : "switch";
            case PACKAGE -> "package";
        };
    }

    @CheckForNull String version() {
        return version;
    }

    /** The slot deployed into, or the switch target (null when the engine picks it). */
    @CheckForNull String slot() {
        return slot;
    }

    @CheckForNull String role() {
        return role;
    }

    DeployRequest deployRequest() {
        return new DeployRequest(version, slot, role, profile, force);
    }

    SwitchRequest switchRequest() {
        return new SwitchRequest(slot, rollback, force);
    }

    PackageRequest packageRequest() {
        return new PackageRequest(source.branch(), source.commit(), source.here(), version, source.suffix(), false);
    }

    /**
     * For the log: {@code deploy 1.4.0 into slot b}, {@code switch to slot b}, {@code rollback},
     * {@code package commit 1a2b3c as the next date version}.
     */
    String describe() {
        if (kind == Kind.PACKAGE) {
            String what = source.here() ? "the working tree" : source.commit() != null ? "commit " + source.commit()
                    : "branch " + (source.branch() == null ? "(build.branch of essay.yaml)" : source.branch());
            return "package " + what + " as " + (version == null ? "the next date version" : version)
                    + (source.suffix() == null ? "" : " +" + source.suffix());
        }
        if (kind == Kind.DEPLOY) {
            return "deploy " + version + " into slot " + slot + (role == null ? "" : " (role " + role + ")")
                    + (force ? " --force" : "");
        }
        return action() + (slot == null ? "" : " to slot " + slot) + (force ? " --force" : "");
    }

    @Override
    public String toString() {
        return describe();
    }
}
