package dev.essay.core.transport;

import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.model.HostAddress;

/** A host could not be reached, authenticated or trusted, or the connection broke. */
public class TransportException extends EssayException {
    private final HostAddress host;

    public TransportException(HostAddress host, String message, String suggestion, Throwable cause) {
        super(ExitCode.CONNECTION, host + ": " + message, null, suggestion, cause);
        this.host = host;
    }

    public HostAddress host() {
        return host;
    }
}
