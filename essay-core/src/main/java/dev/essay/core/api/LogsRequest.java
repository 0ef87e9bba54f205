package dev.essay.core.api;

import java.io.Serializable;

/**
 * The program logs of a slot's processes ({@code essay logs}). Plain values, {@link Serializable}.
 *
 * @param slot   null for the live slot
 * @param role   null for the default role
 * @param shard  the hosts of the role (null: every host)
 * @param lines  how many of the last lines of each log (0 or more)
 * @param follow then every new line, until {@code Engine.cancel}
 */
public record LogsRequest(String slot, String role, Shard shard, int lines, boolean follow) implements Serializable {
}
