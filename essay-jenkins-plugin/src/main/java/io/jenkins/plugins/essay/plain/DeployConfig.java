package io.jenkins.plugins.essay.plain;

import dev.essay.core.api.DeployRequest;
import java.util.function.UnaryOperator;

/** {@code essayDeploy} and "essay: deploy": install {@code version} into {@code slot} on every host of a role. */
public final class DeployConfig extends FleetConfig<DeployRequest> {
    /** What the step and the build step are called in the job configuration and the Snippet Generator. */
    public static final String TITLE = "essay: deploy a version into a slot";

    private String version;
    private String slot;
    private String role;
    private String profile;

    public DeployConfig(String version, String slot) {
        this.version = trim(version);
        this.slot = trim(slot);
    }

    public String getVersion() {
        return version;
    }

    public String getSlot() {
        return slot;
    }

    /** The role whose hosts get the deploy; null for essay.yaml's default_role. */
    public String getRole() {
        return role;
    }

    public void setRole(String role) {
        this.role = trim(role);
    }

    /** The profile passed to the supervisord template; null for essay.yaml's profile. */
    public String getProfile() {
        return profile;
    }

    public void setProfile(String profile) {
        this.profile = trim(profile);
    }

    @Override
    public String name() {
        return "essay deploy";
    }

    /** @throws IllegalArgumentException naming what is missing when the version or the slot is empty */
    @Override
    public DeployRequest request() {
        if (version == null || slot == null) {
            throw new IllegalArgumentException(name() + " needs a version and a slot (version: "
                    + (version == null ? "empty" : "'" + version + "'") + ", slot: "
                    + (slot == null ? "empty" : "'" + slot + "'") + ")");
        }
        return new DeployRequest(version, slot, role, profile, isForce());
    }

    @Override
    public DeployConfig expand(UnaryOperator<String> env) {
        DeployConfig copy = new DeployConfig(expanded(env, version), expanded(env, slot));
        copy.setRole(expanded(env, role));
        copy.setProfile(expanded(env, profile));
        return withLogin(copy, env);
    }
}
