package io.jenkins.plugins.essay;

import dev.essay.core.DeployRequest;
import dev.essay.core.SwitchRequest;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import java.io.Serializable;

/**
 * One engine call, as the steps and build steps describe it: plain values (already expanded), so it can
 * travel to the agent. It turns into the engine's own immutable request there.
 */
final class Operation implements Serializable {
    private static final long serialVersionUID = 1L;

    enum Kind { DEPLOY, SWITCH }

    private final Kind kind;
    private final String version;
    private final String slot;
    private final String role;
    private final String profile;
    private final boolean rollback;
    private final boolean force;

    private Operation(Kind kind, String version, String slot, String role, String profile, boolean rollback,
                      boolean force) {
        this.kind = kind;
        this.version = version;
        this.slot = slot;
        this.role = role;
        this.profile = profile;
        this.rollback = rollback;
        this.force = force;
    }

    /** Deploy {@code version} into {@code slot}; null role and profile mean essay.yaml's defaults. */
    static Operation deploy(@NonNull String version, @NonNull String slot, @CheckForNull String role,
                            @CheckForNull String profile, boolean force) {
        return new Operation(Kind.DEPLOY, version, slot, role, profile, false, force);
    }

    /** Put {@code to} live (null: the slot that is not live, or on rollback the previous one). */
    static Operation switchTo(@CheckForNull String to, boolean rollback, boolean force) {
        return new Operation(Kind.SWITCH, null, to, null, null, rollback, force);
    }

    Kind kind() {
        return kind;
    }

    /** What the ledger calls it: {@code deploy}, {@code switch} or {@code rollback}. */
    String action() {
        return kind == Kind.DEPLOY ? "deploy" : rollback ? "rollback" : "switch";
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

    /** For the log: {@code deploy 1.4.0 into slot b}, {@code switch to slot b}, {@code rollback}. */
    String describe() {
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
