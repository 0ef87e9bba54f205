package dev.essay.core.plan;

/**
 * One small, named remote operation: the exact shell it runs. {@code display} is the same text with
 * secrets masked, for dry runs and logs.
 */
public record Operation(String name, String script, String display) {
    public Operation {
        if (!name.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("operation names are lower-case words: " + name);
        }
    }

    public static Operation of(String name, String script) {
        return new Operation(name, script, script);
    }
}
