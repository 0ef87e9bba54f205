package io.jenkins.plugins.essay.plain;

import dev.essay.core.api.StatusRequest;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * {@code essayStatus}: what the routers and the hosts of a role show now (the live slot, the versions, each host's
 * health), as the map {@code essay status --json} prints. Read-only: no lock, no ledger entry, no record on the build.
 * It logs in to the fleet with the SSH key of a Jenkins credential, as deploy does.
 */
public final class StatusConfig extends RoleConfig<StatusRequest> {
    /** What the step is called in the Snippet Generator. */
    public static final String TITLE = "essay: status of the fleet (live slot, versions, health)";

    private boolean failIfDegraded;

    /** Fail the step when the fleet is degraded (the CLI's exit 3); otherwise only return the map. */
    public boolean isFailIfDegraded() {
        return failIfDegraded;
    }

    public void setFailIfDegraded(boolean failIfDegraded) {
        this.failIfDegraded = failIfDegraded;
    }

    @Override
    public String name() {
        return "essay status";
    }

    @Override
    public StatusRequest request() {
        return new StatusRequest(getRole());
    }

    @Override
    public StatusConfig expand(UnaryOperator<String> env) {
        StatusConfig copy = new StatusConfig();
        copy.setFailIfDegraded(failIfDegraded);
        return withRole(copy, env);
    }

    /**
     * Why the step fails with this status document ({@link Outcome#status()}): the degraded reasons when
     * {@link #isFailIfDegraded()} and the fleet is degraded; null when it does not fail.
     */
    public String failure(Map<String, Object> status) {
        if (!failIfDegraded || !Boolean.TRUE.equals(status.get("degraded"))) {
            return null;
        }
        Object reasons = status.get("degraded_reasons");
        return "essay status: the fleet is degraded: "
                + (reasons instanceof List<?> l ? String.join("; ", l.stream().map(String::valueOf).toList()) : "?")
                + "\nhint: fix those hosts and routers (or redeploy the live slot there) and run the step again;"
                + " without failIfDegraded: true the step only returns the map";
    }
}
