package io.jenkins.plugins.essay;

import java.io.Serializable;

/**
 * The configuration of an operation on the fleet (deploy, switch): essay logs in to every host and router with the
 * SSH key of a Jenkins credential.
 *
 * @param <R> the engine request it makes
 */
abstract class FleetConfig<R extends Serializable> extends EssayConfig<R> {
    private String credentialsId;
    private boolean force;

    final String getCredentialsId() {
        return credentialsId;
    }

    final void setCredentialsId(String credentialsId) {
        this.credentialsId = trim(credentialsId);
    }

    /**
     * The CLI's --force: deploy even into the live slot, or switch even when the routers disagree about the live
     * slot.
     */
    final boolean isForce() {
        return force;
    }

    final void setForce(boolean force) {
        this.force = force;
    }

    @Override
    final String credentialsId() {
        return credentialsId;
    }

    /** Copies force, the credential id and the essay.yaml path, expanded, into {@code copy}; returns {@code copy}. */
    <C extends FleetConfig<R>> C withLogin(C copy, java.util.function.UnaryOperator<String> env) {
        copy.setForce(force);
        copy.setCredentialsId(expanded(env, credentialsId));
        return withConfig(copy, env);
    }
}
