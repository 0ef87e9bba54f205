package dev.essay.core.api;

import java.io.Serializable;
import java.util.List;

/**
 * A command to run in a slot's virtualenv on every host ({@code essay exec}). Plain values, {@link Serializable}.
 *
 * @param slot    null for the live slot
 * @param role    null for the default role
 * @param shard   the hosts of the role (null: every host)
 * @param command the program and its arguments, each passed as one word (never read as shell)
 */
public record ExecRequest(String slot, String role, Shard shard, List<String> command) implements Serializable {
    public ExecRequest {
        command = List.copyOf(command);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("name the command to run");
        }
    }
}
