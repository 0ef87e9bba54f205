package dev.essay.core.event;

/**
 * Receives the engine's {@link EssayEvent}s. Front ends render them (the CLI on the terminal, the Jenkins plugin in
 * the build log), both through {@link TextRenderer}. Implementations must be thread-safe: hosts report in parallel.
 */
@FunctionalInterface
public interface EngineListener {
    EngineListener SILENT = event -> { };

    void on(EssayEvent event);
}
