package dev.essay.core;

import dev.essay.core.run.FleetResult;

/** A deploy's outcome: the version, the slot and every host's result. */
public record DeployResult(String version, String slot, String role, FleetResult fleet) {
    public boolean ok() {
        return fleet.ok();
    }
}
