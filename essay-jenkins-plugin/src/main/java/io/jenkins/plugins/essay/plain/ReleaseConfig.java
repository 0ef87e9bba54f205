package io.jenkins.plugins.essay.plain;

import dev.essay.core.api.ReleaseRequest;
import java.util.function.UnaryOperator;

/**
 * {@code essayRelease} and "essay: release": what {@code essay release} does, on the agent under one release lock:
 * package the project with a new version and upload it (the fields of {@link PackageConfig}, with its index login),
 * deploy that version into the slot that is not live on every host of the router's role, and switch to it; a failed
 * stage stops there, and the live slot is never touched before the switch. It logs in to the fleet with the SSH key
 * of a Jenkins credential, as deploy does.
 */
public final class ReleaseConfig extends EssayConfig<ReleaseRequest> {
    /** What the step and the build step are called in the job configuration and the Snippet Generator. */
    public static final String TITLE = "essay: release (package, deploy into the slot that is not live, switch)";

    /** What to package, and the index login; its own essay.yaml path is not used (this configuration's is). */
    private PackageConfig pack = new PackageConfig();
    private String credentialsId;
    private String slot;
    private String profile;

    /** The packaging fields: branch, commit, here, version, suffix, indexCredentialsId. */
    public PackageConfig packaging() {
        return pack;
    }

    /** The SSH key credential for the hosts and routers. */
    public String getCredentialsId() {
        return credentialsId;
    }

    public void setCredentialsId(String credentialsId) {
        this.credentialsId = trim(credentialsId);
    }

    /** The slot to release into; null for the slot that is not live (with two slots). */
    public String getSlot() {
        return slot;
    }

    public void setSlot(String slot) {
        this.slot = trim(slot);
    }

    /** The profile passed to the supervisord template; null for essay.yaml's profile. */
    public String getProfile() {
        return profile;
    }

    public void setProfile(String profile) {
        this.profile = trim(profile);
    }

    @Override
    public String credentialsId() {
        return credentialsId;
    }

    @Override
    public String name() {
        return "essay release";
    }

    @Override
    public ReleaseRequest request() {
        return new ReleaseRequest(pack.request(), slot, profile);
    }

    @Override
    public ReleaseConfig expand(UnaryOperator<String> env) {
        ReleaseConfig copy = new ReleaseConfig();
        copy.pack = pack.expand(env);
        copy.setCredentialsId(expanded(env, credentialsId));
        copy.setSlot(expanded(env, slot));
        copy.setProfile(expanded(env, profile));
        return withConfig(copy, env);
    }
}
