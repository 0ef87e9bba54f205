package dev.essay.core.error;

import java.util.List;

/**
 * Some hosts of a fleet operation failed (or, as {@link ExitCode#CONNECTION}, every failed host could not be reached
 * or trusted before any work started there). The same error model as every other failure: exit code, message,
 * suggestion; plus the hosts that failed. The engine returns it with its result ({@code DeployResult.failure()})
 * rather than throwing it, since the other hosts' results matter too.
 */
public final class PartialFailureException extends EssayException {
    private final List<String> hosts;

    public PartialFailureException(ExitCode exitCode, String message, String suggestion, List<String> hosts) {
        super(exitCode, message, null, suggestion, null);
        this.hosts = List.copyOf(hosts);
    }

    /** The hosts that failed, as {@code user@address:port}. */
    public List<String> hosts() {
        return hosts;
    }
}
