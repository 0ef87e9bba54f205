package io.jenkins.plugins.essay;

import dev.essay.core.DeployRequest;
import java.util.function.UnaryOperator;

/** {@code essayDeploy} and "essay: deploy": install {@code version} into {@code slot} on every host of a role. */
final class DeployConfig extends FleetConfig<DeployRequest> {
    /** What the step and the build step are called in the job configuration and the Snippet Generator. */
    static final String TITLE = "essay: deploy a version into a slot";

    private String version;
    private String slot;
    private String role;
    private String profile;

    DeployConfig(String version, String slot) {
        this.version = trim(version);
        this.slot = trim(slot);
    }

    String getVersion() {
        return version;
    }

    String getSlot() {
        return slot;
    }

    /** The role whose hosts get the deploy; null for essay.yaml's default_role. */
    String getRole() {
        return role;
    }

    void setRole(String role) {
        this.role = trim(role);
    }

    /** The profile passed to the supervisord template; null for essay.yaml's profile. */
    String getProfile() {
        return profile;
    }

    void setProfile(String profile) {
        this.profile = trim(profile);
    }

    @Override
    String name() {
        return "essay deploy";
    }

    /** @throws IllegalArgumentException naming what is missing when the version or the slot is empty */
    @Override
    DeployRequest request() {
        if (version == null || slot == null) {
            throw new IllegalArgumentException(name() + " needs a version and a slot (version: "
                    + (version == null ? "empty" : "'" + version + "'") + ", slot: "
                    + (slot == null ? "empty" : "'" + slot + "'") + ")");
        }
        return new DeployRequest(version, slot, role, profile, isForce());
    }

    @Override
    DeployConfig expand(UnaryOperator<String> env) {
        DeployConfig copy = new DeployConfig(expanded(env, version), expanded(env, slot));
        copy.setRole(expanded(env, role));
        copy.setProfile(expanded(env, profile));
        return withLogin(copy, env);
    }
}
