package dev.essay.core.transport;

/** What one remote script returned. */
public record ExecResult(int exitStatus, String stdout, String stderr) {
    public boolean ok() {
        return exitStatus == 0;
    }

    /** The last {@code lines} lines of stderr then stdout, for error reports. */
    public String tail(int lines) {
        return Tails.tail((stderr.isBlank() ? "" : stderr + "\n") + stdout, lines);
    }
}
