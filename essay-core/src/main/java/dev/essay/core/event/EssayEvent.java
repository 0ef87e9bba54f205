package dev.essay.core.event;

import dev.essay.core.model.HostAddress;
import dev.essay.core.run.FleetResult;
import java.time.Duration;

/**
 * What the engine reports while it works, as data. Front ends do not parse or rebuild these: each medium renders them
 * in one place ({@link TextRenderer} for the terminal and the Jenkins build log).
 */
public sealed interface EssayEvent {
    /** A sentence about the whole operation (what it is about to do, what it did). */
    record Info(String text) implements EssayEvent {
    }

    /** Something worth attention that does not stop the operation. */
    record Warning(String text) implements EssayEvent {
    }

    /** A sentence about one host that is none of the typed events below. */
    record HostInfo(HostAddress host, String text) implements EssayEvent {
    }

    /** An operation of a step began on a host ({@code pip-install}, {@code wait-healthy}, ...). */
    record StepStarted(HostAddress host, String step, String operation) implements EssayEvent {
    }

    /** An operation of a step finished on a host; {@code shown} is false for the read-only steps (probe, health). */
    record StepFinished(HostAddress host, String step, String operation, Duration took, boolean shown)
            implements EssayEvent {
    }

    /** An operation of a step failed on a host with {@code exit}. */
    record StepFailed(HostAddress host, String step, String operation, String exit) implements EssayEvent {
    }

    /** A host's part of a fleet operation failed; {@code error} may span lines (detail, hint). */
    record HostFailed(HostAddress host, String error) implements EssayEvent {
    }

    /** A fleet operation ended: every host's result (the summary table). */
    record FleetFinished(FleetResult fleet) implements EssayEvent {
    }

    /** A switch staged the new include on a router and nginx -t accepted it. */
    record SwitchStaged(HostAddress router, String slot) implements EssayEvent {
    }

    /** A switch proved on a router that {@code requests} requests in a row through nginx reached {@code slot}. */
    record SwitchProven(HostAddress router, String slot, int requests) implements EssayEvent {
    }

    /** A repair found that the live {@code slot} of a host drifted from the live {@code version}, and why. */
    record DriftFound(HostAddress host, String slot, String version, java.util.List<String> reasons)
            implements EssayEvent {
        public DriftFound {
            reasons = java.util.List.copyOf(reasons);
        }
    }

    /** A repair found the live {@code slot} of a host in sync with the live {@code version}: it is not touched. */
    record InSync(HostAddress host, String slot, String version) implements EssayEvent {
    }

    /** A repair reinstalled the live {@code version} into {@code slot} on a host and it came back healthy. */
    record HostRepaired(HostAddress host, String slot, String version) implements EssayEvent {
    }

    /** A repair stopped after batch {@code batch} (1-based) did not come back healthy; later hosts were not attempted. */
    record RepairStopped(int batch, java.util.List<HostAddress> notAttempted) implements EssayEvent {
        public RepairStopped {
            notAttempted = java.util.List.copyOf(notAttempted);
        }
    }

    /** A line a command printed on a host ({@code essay exec}, {@code essay logs}). */
    record HostOutput(HostAddress host, String line) implements EssayEvent {
    }

    /**
     * A batch of a fleet operation done in batches ({@code restart}) did not come back healthy: {@code batch} is
     * 1-based; the later hosts were not attempted.
     */
    record BatchFailed(String action, int batch, java.util.List<HostAddress> notAttempted) implements EssayEvent {
        public BatchFailed {
            notAttempted = java.util.List.copyOf(notAttempted);
        }
    }

    /** The release lock was taken on the primary router by {@code holder}. */
    record LockAcquired(HostAddress router, String holder) implements EssayEvent {
    }

    /** The release lock was given back on the primary router. */
    record LockReleased(HostAddress router) implements EssayEvent {
    }
}
