package dev.essay.core.api;

import java.io.Serializable;

/**
 * Which slot to put live.
 *
 * Plain values, {@link Serializable}: a front end may send it to where the engine runs (the Jenkins plugin sends it
 * to the agent of the build).
 *
 * @param to       target slot; null for the slot that is not live (with two slots) or, on rollback, the previous one
 * @param rollback switch back to the slot that was live before the last switch
 * @param force    switch even when the routers' evidence about the live slot disagrees, or to a slot whose last
 *                 deploy did not finish
 * @param adopt    take over the slot nginx serves now (an include essay did not write, or one that disagrees with
 *                 nginx): rewrite the include for that slot, reload, prove; {@code to} names the slot when nginx
 *                 cannot tell
 * @param lock     the id of a release lock held for a sharded release ({@code Engine.hold}): the switch runs under it
 *                 (after recording the shards' deploys as one entry) instead of taking the lock; null to take the lock
 */
public record SwitchRequest(String to, boolean rollback, boolean force, boolean adopt, String lock)
        implements Serializable {
    public SwitchRequest(String to, boolean rollback, boolean force) {
        this(to, rollback, force, false, null);
    }

    public SwitchRequest(String to, boolean rollback, boolean force, boolean adopt) {
        this(to, rollback, force, adopt, null);
    }

    public static SwitchRequest to(String slot) {
        return new SwitchRequest(slot, false, false, false);
    }

    public static SwitchRequest back() {
        return new SwitchRequest(null, true, false, false);
    }

    public static SwitchRequest adopt(String slot, boolean force) {
        return new SwitchRequest(slot, false, force, true);
    }

    /** The same switch under the held release lock {@code lockId}. */
    public SwitchRequest under(String lockId) {
        return new SwitchRequest(to, rollback, force, adopt, lockId);
    }
}
