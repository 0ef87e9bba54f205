package dev.essay.core;

/**
 * What to deploy: {@code version} of the project into {@code slot} on every host of {@code role}.
 *
 * @param role    null for the project's default role
 * @param profile null for the project's profile
 * @param force   deploy even into the live slot, or when routers disagree about the live slot
 */
public record DeployRequest(String version, String slot, String role, String profile, boolean force) {
    public static DeployRequest of(String version, String slot) {
        return new DeployRequest(version, slot, null, null, false);
    }
}
