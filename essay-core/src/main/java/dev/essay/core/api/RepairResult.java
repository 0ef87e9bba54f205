package dev.essay.core.api;

import dev.essay.core.error.PartialFailureException;
import dev.essay.core.event.TextRenderer;
import dev.essay.core.model.HostAddress;
import dev.essay.core.run.FleetResult;
import java.util.List;

/**
 * A repair's outcome: the live slot and version it restored, why each drifted host drifted, and every host's result
 * ({@code unchanged}: in sync, not touched; {@code ok}: repaired; {@code failed}; {@code skipped}: not attempted
 * because an earlier batch did not come back healthy).
 */
public record RepairResult(String role, String slot, String version, List<Drifted> drifted, FleetResult fleet) {
    public RepairResult {
        drifted = List.copyOf(drifted);
    }

    /** A host whose live slot drifted, and why (one sentence per reason). */
    public record Drifted(HostAddress host, List<String> reasons) {
        public Drifted {
            reasons = List.copyOf(reasons);
        }
    }

    public boolean ok() {
        return fleet.ok();
    }

    /** Nothing drifted: no host was touched. */
    public boolean nothingDrifted() {
        return drifted.isEmpty() && fleet.ok();
    }

    /** What failed, in the error model of every other failure, or null when every host is in sync now. */
    public PartialFailureException failure() {
        return TextRenderer.repairFailure(slot, version, fleet);
    }
}
