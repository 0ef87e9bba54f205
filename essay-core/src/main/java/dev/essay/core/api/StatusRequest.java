package dev.essay.core.api;

import java.io.Serializable;

/**
 * What {@code essay status} is asked to show ({@code Engine.status(role)}): the routers, and the hosts of {@code role}.
 * Read-only: it takes no lock and writes no ledger entry.
 *
 * Plain values, {@link Serializable}: a front end may send it to where the engine runs (the Jenkins plugin sends it
 * to the agent of the build).
 *
 * @param role the role whose hosts to show; null for the project's default role
 */
public record StatusRequest(String role) implements Serializable {
}
