package dev.essay.core.api;

import java.io.Serializable;

/**
 * A rolling restart of a slot's processes: {@code batch} hosts at a time, each batch healthy before the next.
 * Plain values, {@link Serializable} (a front end may send it to where the engine runs).
 *
 * @param slot  null for the live slot
 * @param role  null for the default role
 * @param shard the hosts of the role to restart (null: every host)
 * @param batch hosts restarted at once (at least 1); on the live slot a batch never takes every host of the role
 * @param force restart even when a batch would take every host of the role, or when the routers disagree
 */
public record RestartRequest(String slot, String role, Shard shard, int batch, boolean force) implements Serializable {
}
