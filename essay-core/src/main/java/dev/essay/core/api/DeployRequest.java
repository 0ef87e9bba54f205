package dev.essay.core.api;

import java.io.Serializable;

/**
 * What to deploy: {@code version} of the project into {@code slot} on every host of {@code role} (or on a shard of
 * them).
 *
 * Plain values, {@link Serializable}: a front end may send it to where the engine runs (the Jenkins plugin sends it
 * to the agent of the build).
 *
 * @param role    null for the project's default role
 * @param profile null for the project's profile
 * @param force   deploy even into the live slot, or when routers disagree about the live slot
 * @param lock    the id of a release lock held for a sharded release ({@code Engine.hold}): the deploy runs under it
 *                instead of taking the lock, and its ledger entry is merged with the other shards' when the lock is
 *                released or the switch runs; null to take the lock
 * @param shard   the part of the role's hosts to deploy to; null for all of them
 */
public record DeployRequest(String version, String slot, String role, String profile, boolean force, String lock,
                            Shard shard) implements Serializable {
    public DeployRequest(String version, String slot, String role, String profile, boolean force) {
        this(version, slot, role, profile, force, null, null);
    }

    public static DeployRequest of(String version, String slot) {
        return new DeployRequest(version, slot, null, null, false);
    }

    /** The same deploy under the held release lock {@code lockId}, on {@code part} of the hosts (null: all). */
    public DeployRequest under(String lockId, Shard part) {
        return new DeployRequest(version, slot, role, profile, force, lockId, part);
    }
}
