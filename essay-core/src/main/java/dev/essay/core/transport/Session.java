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

    /** Runs one script for {@link #of}. */
    @FunctionalInterface
    interface Runner {
        ExecResult run(RemoteScript script, LineSink lines) throws TransportException;
    }

    /** A session that holds no connection: each run is {@code runner}'s, counted as a round trip; close does nothing. */
    static Session of(HostAddress host, Runner runner) {
        return of(host, runner, () -> { });
    }

    /** A session whose runs are {@code runner}'s, each counted as a round trip, and whose close runs {@code onClose}. */
    static Session of(HostAddress host, Runner runner, Runnable onClose) {
        java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        return new Session() {
            @Override
            public HostAddress host() {
                return host;
            }

            @Override
            public ExecResult run(RemoteScript script, LineSink lines) {
                runs.incrementAndGet();
                return runner.run(script, lines);
            }

            @Override
            public int roundTrips() {
                return runs.get();
            }

            @Override
            public void close() {
                onClose.run();
            }
        };
    }

    @FunctionalInterface
    interface LineSink {
        LineSink NONE = line -> { };

        void line(String line);
    }
}
