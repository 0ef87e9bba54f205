package dev.essay.core.api;

import java.io.Serializable;

/**
 * The processes of the slots on every host of a role ({@code essay ps}). Plain values, {@link Serializable}.
 *
 * @param slot  null for every slot
 * @param role  null for the default role
 * @param shard the hosts of the role (null: every host)
 */
public record PsRequest(String slot, String role, Shard shard) implements Serializable {
}
