package dev.essay.core.error;

import java.util.Optional;

/**
 * An operation was cancelled (Ctrl-C, SIGTERM, an aborted Jenkins build): remote work was stopped, a switch in progress
 * undone, the release lock released, and the attempt recorded in the ledger as {@code cancelled}. Exit code
 * {@link ExitCode#CANCELLED}. Like {@link PartialFailureException} for a failed host, it carries how far the operation
 * got, every host's result included: the result record of the operation ({@code DeployResult}, {@code SwitchResult},
 * {@code RepairResult}, {@code ReleaseResult}), or none when it was cancelled before any host was asked (while taking
 * the lock, say).
 */
public final class CancelledException extends EssayException {
    private static final long serialVersionUID = 1L;

    /** Not serialized: the front ends read it where the engine ran and send on their own values. */
    private final transient Object result;

    public CancelledException(String message, String suggestion, Throwable cause) {
        this(message, suggestion, cause, null);
    }

    private CancelledException(String message, String suggestion, Throwable cause, Object result) {
        super(ExitCode.CANCELLED, message, null, suggestion, cause);
        this.result = result;
    }

    /** The same cancel, carrying {@code partial}: the operation's result as far as it got. */
    public CancelledException withResult(Object partial) {
        CancelledException e = new CancelledException(getMessage(), suggestion(), getCause(), partial);
        e.setStackTrace(getStackTrace());
        return e;
    }

    /** The operation's result as far as it got, when it is a {@code type} (empty: none, or another operation's). */
    public <T> Optional<T> result(Class<T> type) {
        return type.isInstance(result) ? Optional.of(type.cast(result)) : Optional.empty();
    }
}
