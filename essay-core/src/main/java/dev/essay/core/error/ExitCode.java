package dev.essay.core.error;

/**
 * Documented exit codes of the essay command. Each code's description is the one source of the exit-code list in
 * {@code essay --help} and must agree with the table in docs/cli.md (a test checks both).
 */
public enum ExitCode {
    OK(0, "ok (also: a dry run printed its scripts)"),
    /** An unexpected error: a bug or an environment problem essay does not classify. */
    ERROR(1, "internal error: a bug, or an environment problem essay does not classify"),
    /** Bad command line or invalid essay.yaml; nothing was changed. */
    USAGE(2, "usage error (unknown option, missing argument, bad version, unknown slot or role) or invalid/missing"
            + " essay.yaml or unreadable key/password file; nothing was changed"),
    /** Some hosts failed; the summary names them. */
    PARTIAL_FAILURE(3, "some hosts failed (deploy, release, repair, restart, stop, start, exec, logs; a repair or restart"
            + " also names the hosts it did not attempt), or status found the fleet degraded, or ps could not read a host;"
            + " the summary names the hosts"),
    /** The release lock is held by someone else. */
    LOCK_HELD(4, "the release lock is held by someone else (see essay status, essay unlock)"),
    /** A deploy, switch or rollback was refused before changing anything (or was undone). */
    REFUSED(5, "refused before changing anything (live slot, quorum not met, no previous slot, routers disagree; a"
            + " repair: no live slot, no live version in the ledger, a switch in progress), or a switch failed and was"
            + " undone"),
    /** SSH could not reach or trust a host before any work started. */
    CONNECTION(6, "a host could not be reached, refused the SSH login, or its host key is unknown or changed; in a"
            + " deploy, release, repair or a switch's health check: every host that failed, failed so before any work started"
            + " there"),
    /** Interrupted (Ctrl-C, or the Jenkins build was aborted); the lock was released. */
    CANCELLED(130, "cancelled (Ctrl-C or SIGTERM); the release lock was released");

    private final int code;
    private final String description;

    ExitCode(int code, String description) {
        this.code = code;
        this.description = description;
    }

    public int code() {
        return code;
    }

    /** What the code means, as the help and docs/cli.md say it. */
    public String description() {
        return description;
    }
}
