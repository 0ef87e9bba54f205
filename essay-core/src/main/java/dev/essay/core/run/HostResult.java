package dev.essay.core.run;

import dev.essay.core.model.HostAddress;
import java.time.Duration;

/**
 * The outcome of one operation on one host.
 *
 * @param detail a short note for the summary ("installed 2.0.0", "unchanged")
 * @param error  null when ok; otherwise what failed, with the remote output that explains it
 */
public record HostResult(HostAddress host, Status status, Duration duration, String detail, String error) {
    public enum Status { OK, UNCHANGED, FAILED, SKIPPED }

    public boolean ok() {
        return status == Status.OK || status == Status.UNCHANGED;
    }
}
