package io.jenkins.plugins.essay.plain;

import java.io.Serializable;
import java.util.function.UnaryOperator;

/**
 * The configuration of an operation on the hosts of one role that logs in to the fleet with the SSH key of a Jenkins
 * credential and needs no more to be told where (status, repair).
 *
 * @param <R> the engine request it makes
 */
public abstract class RoleConfig<R extends Serializable> extends EssayConfig<R> {
    private String credentialsId;
    private String role;

    public final String getCredentialsId() {
        return credentialsId;
    }

    public final void setCredentialsId(String credentialsId) {
        this.credentialsId = trim(credentialsId);
    }

    /** The role whose hosts the operation is about; null for the operation's default. */
    public final String getRole() {
        return role;
    }

    public final void setRole(String role) {
        this.role = trim(role);
    }

    @Override
    public final String credentialsId() {
        return credentialsId;
    }

    /** Copies the credential id, the role and the essay.yaml path, expanded, into {@code copy}; returns {@code copy}. */
    <C extends RoleConfig<R>> C withRole(C copy, UnaryOperator<String> env) {
        copy.setCredentialsId(expanded(env, credentialsId));
        copy.setRole(expanded(env, role));
        return withConfig(copy, env);
    }
}
