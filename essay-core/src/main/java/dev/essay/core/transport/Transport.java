package dev.essay.core.transport;

import dev.essay.core.model.HostAddress;

/** Opens sessions to hosts: over SSH, or printing (dry run). */
public interface Transport extends AutoCloseable {
    Session open(HostAddress host) throws TransportException;

    /** True when scripts are only printed, not run. */
    default boolean dryRun() {
        return false;
    }

    @Override
    default void close() {
    }
}
