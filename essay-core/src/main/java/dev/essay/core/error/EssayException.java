package dev.essay.core.error;

/**
 * Root of essay's errors. Each carries what a user needs: a one-line message, optional detail
 * (for example the tail of remote output), a suggestion, and the exit code the CLI maps it to.
 */
public class EssayException extends RuntimeException {
    private final ExitCode exitCode;
    private final String detail;
    private final String suggestion;

    public EssayException(ExitCode exitCode, String message, String detail, String suggestion, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
        this.detail = detail;
        this.suggestion = suggestion;
    }

    public EssayException(ExitCode exitCode, String message, String suggestion) {
        this(exitCode, message, null, suggestion, null);
    }

    public ExitCode exitCode() {
        return exitCode;
    }

    /** Multi-line detail (remote output, list of problems), or null. */
    public String detail() {
        return detail;
    }

    /** What to do about it, or null. */
    public String suggestion() {
        return suggestion;
    }
}
