package dev.essay.core.api;

import java.io.Serializable;

/**
 * Stopping or starting a slot that is not live ({@code essay stop}, {@code essay start}). Plain values,
 * {@link Serializable}.
 *
 * @param slot  the slot (required)
 * @param role  null for the default role
 * @param shard the hosts of the role (null: every host)
 * @param force act even on the live slot
 */
public record StopStartRequest(String slot, String role, Shard shard, boolean force) implements Serializable {
    public StopStartRequest {
        if (slot == null) {
            throw new IllegalArgumentException("name the slot to stop or start");
        }
    }
}
