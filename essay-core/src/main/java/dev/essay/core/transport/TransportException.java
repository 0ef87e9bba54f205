package dev.essay.core.transport;

import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.model.HostAddress;

/** A host could not be reached, authenticated or trusted, or the connection broke. */
public class TransportException extends EssayException {
    private final HostAddress host;
    private final boolean connecting;

    public TransportException(HostAddress host, String message, String suggestion, Throwable cause) {
        super(ExitCode.CONNECTION, host + ": " + message, null, suggestion, cause);
        this.host = host;
        this.connecting = false;
    }

    private TransportException(TransportException e) {
        super(ExitCode.CONNECTION, e.getMessage(), e.detail(), e.suggestion(), e.getCause());
        this.host = e.host;
        this.connecting = true;
        setStackTrace(e.getStackTrace());
    }

    public HostAddress host() {
        return host;
    }

    /** This failure, marked as one of opening the connection: nothing had run on the host yet. */
    public TransportException whileConnecting() {
        return connecting ? this : new TransportException(this);
    }

    /**
     * The connection could not be opened (unreachable, login refused, host key unknown or changed): nothing ran on
     * the host. False when the connection broke during a step.
     */
    public boolean connecting() {
        return connecting;
    }
}
