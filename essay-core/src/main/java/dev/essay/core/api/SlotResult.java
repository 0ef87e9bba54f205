package dev.essay.core.api;

import dev.essay.core.error.PartialFailureException;
import dev.essay.core.event.TextRenderer;
import dev.essay.core.run.FleetResult;
import java.util.Map;

/**
 * The outcome of {@code restart}, {@code stop}, {@code start} or {@code exec} on a slot: every host's result
 * ({@code skipped}: not attempted, an earlier batch of a restart did not come back healthy).
 *
 * @param action    restart, stop, start or exec (as the ledger names it)
 * @param exitCodes exec: each host's exit code of the command, by {@code user@address:port} (empty otherwise, and for
 *                  a host where the command did not run)
 */
public record SlotResult(String action, String role, String slot, FleetResult fleet, Map<String, Integer> exitCodes) {
    public SlotResult {
        exitCodes = Map.copyOf(exitCodes);
    }

    public boolean ok() {
        return fleet.ok();
    }

    /** What failed, in the error model of every other failure, or null when every host is ok. */
    public PartialFailureException failure() {
        return TextRenderer.slotFailure(action, slot, fleet);
    }
}
