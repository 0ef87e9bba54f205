package io.jenkins.plugins.essay.plain;

import java.io.Serializable;
import java.util.function.UnaryOperator;

/**
 * The configuration of an operation on the fleet (deploy, switch): essay logs in to every host and router with the
 * SSH key of a Jenkins credential.
 *
 * @param <R> the engine request it makes
 */
public abstract class FleetConfig<R extends Serializable> extends EssayConfig<R> {
    private String credentialsId;
    private boolean force;

    public final String getCredentialsId() {
        return credentialsId;
    }

    public final void setCredentialsId(String credentialsId) {
        this.credentialsId = trim(credentialsId);
    }

    /**
     * The CLI's --force: deploy even into the live slot, or switch even when the routers disagree about the live
     * slot.
     */
    public final boolean isForce() {
        return force;
    }

    public final void setForce(boolean force) {
        this.force = force;
    }

    @Override
    public final String credentialsId() {
        return credentialsId;
    }

    /** Copies force, the credential id and the essay.yaml path, expanded, into {@code copy}; returns {@code copy}. */
    <C extends FleetConfig<R>> C withLogin(C copy, UnaryOperator<String> env) {
        copy.setForce(force);
        copy.setCredentialsId(expanded(env, credentialsId));
        return withConfig(copy, env);
    }
}
