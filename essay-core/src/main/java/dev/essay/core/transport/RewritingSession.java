package dev.essay.core.transport;

import dev.essay.core.model.HostAddress;
import java.util.function.UnaryOperator;

/** A session that passes each script through {@code rewrite} before running it (test knobs, recorders). */
public record RewritingSession(Session session, UnaryOperator<RemoteScript> rewrite) implements Session {
    @Override
    public HostAddress host() {
        return session.host();
    }

    @Override
    public ExecResult run(RemoteScript script, LineSink lines) throws TransportException {
        return session.run(rewrite.apply(script), lines);
    }

    @Override
    public int roundTrips() {
        return session.roundTrips();
    }

    @Override
    public void close() {
        session.close();
    }
}
