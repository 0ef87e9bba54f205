package dev.essay.core.api;

import dev.essay.core.error.PartialFailureException;
import dev.essay.core.event.TextRenderer;
import dev.essay.core.run.FleetResult;

/** A deploy's outcome: the version, the slot and every host's result. */
public record DeployResult(String version, String slot, String role, FleetResult fleet) {
    public boolean ok() {
        return fleet.ok();
    }

    /**
     * What failed, in the error model of every other failure (exit code, message, suggestion, the failed hosts), or
     * null when every host is ok.
     *
     * @param indexUrl the index the hosts install from (the hint names it when pip found no such version)
     */
    public PartialFailureException failure(String indexUrl) {
        return TextRenderer.deployFailure(version, slot, fleet, indexUrl);
    }
}
