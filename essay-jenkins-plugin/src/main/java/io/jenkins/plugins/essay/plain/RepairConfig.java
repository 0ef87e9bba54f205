package io.jenkins.plugins.essay.plain;

import dev.essay.core.api.RepairRequest;
import java.util.function.UnaryOperator;

/**
 * {@code essayRepair} and "essay: repair drifted hosts": {@code essay repair}, for a scheduled job. Hosts whose live
 * slot is missing, stopped, unhealthy or on another version than the ledger's live version get the live version
 * reinstalled, {@link #getBatch()} hosts at a time, each batch healthy before the next; hosts in sync and the router
 * are not touched. It logs in to the fleet with the SSH key of a Jenkins credential, as deploy does.
 */
public final class RepairConfig extends RoleConfig<RepairRequest> {
    /** What the step and the build step are called in the job configuration and the Snippet Generator. */
    public static final String TITLE = "essay: repair drifted hosts of the live slot";

    private int batch = 1;

    /** How many drifted hosts are reinstalled at once (the CLI's --batch; 1 by default). */
    public int getBatch() {
        return batch;
    }

    public void setBatch(int batch) {
        this.batch = batch;
    }

    @Override
    public String name() {
        return "essay repair";
    }

    /** @throws IllegalArgumentException naming the value when {@code batch} is below 1 */
    @Override
    public RepairRequest request() {
        if (batch < 1) {
            throw new IllegalArgumentException("essay repair: batch must be at least 1 host, not " + batch
                    + "; it is how many drifted hosts are reinstalled at once");
        }
        return new RepairRequest(getRole(), batch);
    }

    @Override
    public RepairConfig expand(UnaryOperator<String> env) {
        RepairConfig copy = new RepairConfig();
        copy.setBatch(batch);
        return withRole(copy, env);
    }
}
