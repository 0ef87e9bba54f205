package dev.essay.core.transport;

import dev.essay.core.model.HostAddress;

/** One connection to one host, kept for a whole operation; each {@link #run} is one round trip. */
public interface Session extends AutoCloseable {
    HostAddress host();

    /**
     * Runs a script and waits for it. {@code lines} receives each complete stdout line as it arrives
     * (progress markers included); the full output is also in the result.
     */
    ExecResult run(RemoteScript script, LineSink lines) throws TransportException;

    /** Round trips (scripts run) on this session so far. */
    int roundTrips();

    @Override
    void close();

    @FunctionalInterface
    interface LineSink {
        LineSink NONE = line -> { };

        void line(String line);
    }
}
