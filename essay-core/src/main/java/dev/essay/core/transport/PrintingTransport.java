package dev.essay.core.transport;

import dev.essay.core.model.HostAddress;
import java.util.function.BiConsumer;

/** Dry run: prints each script as it would be sent to each host, runs nothing, and reports success. */
public final class PrintingTransport implements Transport {
    private final BiConsumer<HostAddress, RemoteScript> printer;

    /** @param printer receives every script with its host, in the order the engine would run them */
    public PrintingTransport(BiConsumer<HostAddress, RemoteScript> printer) {
        this.printer = printer;
    }

    @Override
    public boolean dryRun() {
        return true;
    }

    @Override
    public Session open(HostAddress host) {
        return new Session() {
            private int runs;

            @Override
            public HostAddress host() {
                return host;
            }

            @Override
            public synchronized ExecResult run(RemoteScript script, LineSink lines) {
                runs++;
                printer.accept(host, script);
                return new ExecResult(0, "", "");
            }

            @Override
            public int roundTrips() {
                return runs;
            }

            @Override
            public void close() {
            }
        };
    }
}
