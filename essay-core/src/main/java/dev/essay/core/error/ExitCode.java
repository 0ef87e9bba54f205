package dev.essay.core.error;

/** Documented exit codes of the essay command (docs/cli.md). */
public enum ExitCode {
    OK(0),
    /** An unexpected error: a bug or an environment problem essay does not classify. */
    ERROR(1),
    /** Bad command line or invalid essay.yaml; nothing was changed. */
    USAGE(2),
    /** Some hosts failed; the summary names them. */
    PARTIAL_FAILURE(3),
    /** The release lock is held by someone else. */
    LOCK_HELD(4),
    /** A deploy, switch or rollback was refused before changing anything (or was undone). */
    REFUSED(5),
    /** SSH could not reach or trust a host before any work started. */
    CONNECTION(6),
    /** Interrupted (Ctrl-C, or the Jenkins build was aborted); the lock was released. */
    CANCELLED(130);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
