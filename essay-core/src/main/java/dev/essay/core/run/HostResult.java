package dev.essay.core.run;

import dev.essay.core.model.HostAddress;
import java.time.Duration;

/**
 * The outcome of one operation on one host.
 *
 * @param detail      a short note for the summary ("installed 2.0.0", "unchanged")
 * @param error       null when ok; otherwise what failed, with the remote output that explains it
 * @param unreachable failed before any work started there: the host could not be reached, refused the SSH login,
 *                    or its host key is unknown or changed
 */
public record HostResult(HostAddress host, Status status, Duration duration, String detail, String error,
                         boolean unreachable) {
    public enum Status { OK, UNCHANGED, FAILED, SKIPPED }

    public HostResult(HostAddress host, Status status, Duration duration, String detail, String error) {
        this(host, status, duration, detail, error, false);
    }

    public boolean ok() {
        return status == Status.OK || status == Status.UNCHANGED;
    }
}
