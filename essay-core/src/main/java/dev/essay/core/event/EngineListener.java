package dev.essay.core.event;

import dev.essay.core.model.HostAddress;

/**
 * What the engine reports while it works. Front ends render it: the CLI prints it, the Jenkins
 * plugin writes it to the build log. Implementations must be thread-safe (hosts report in parallel);
 * each call is one complete line.
 */
public interface EngineListener {
    EngineListener SILENT = new EngineListener() {
        @Override
        public void info(String line) {
        }

        @Override
        public void host(HostAddress host, String line) {
        }
    };

    /** A line about the whole operation. */
    void info(String line);

    /** A progress line about one host. */
    void host(HostAddress host, String line);

    /** A line worth attention that does not stop the operation. */
    default void warn(String line) {
        info("warning: " + line);
    }
}
