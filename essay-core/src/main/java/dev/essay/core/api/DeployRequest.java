package dev.essay.core.api;

import java.io.Serializable;

/**
 * What to deploy: {@code version} of the project into {@code slot} on every host of {@code role}.
 *
 * Plain values, {@link Serializable}: a front end may send it to where the engine runs (the Jenkins plugin sends it
 * to the agent of the build).
 *
 * @param role    null for the project's default role
 * @param profile null for the project's profile
 * @param force   deploy even into the live slot, or when routers disagree about the live slot
 */
public record DeployRequest(String version, String slot, String role, String profile, boolean force)
        implements Serializable {
    public static DeployRequest of(String version, String slot) {
        return new DeployRequest(version, slot, null, null, false);
    }
}
