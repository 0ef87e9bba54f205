package io.jenkins.plugins.essay.plain;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import java.io.Serializable;
import java.util.Locale;
import java.util.Objects;

/**
 * One host's part in a deploy or switch: the engine's {@link dev.essay.core.run.HostResult} as plain values, so that
 * it crosses the agent channel and is kept in {@code build.xml} with the {@code ReleaseRecord} (the controller's class
 * filter refuses essay-core's own classes). Called {@code HostOutcome} before; the release record's initializer
 * reads builds that name it so.
 */
public final class HostResult implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String host;
    private final String result;
    private final long millis;
    private final String detail;
    private final String error;

    HostResult(@NonNull String host, @NonNull String result, long millis, @CheckForNull String detail,
                @CheckForNull String error) {
        this.host = host;
        this.result = result;
        this.millis = millis;
        this.detail = detail;
        this.error = error;
    }

    static HostResult of(dev.essay.core.run.HostResult h) {
        return new HostResult(h.host().toString(), h.status().name().toLowerCase(Locale.ROOT),
                h.duration().toMillis(), h.detail(), h.error());
    }

    /** {@code user@address:port} */
    public @NonNull String getHost() {
        return host;
    }

    /** {@code ok}, {@code unchanged}, {@code failed} or {@code skipped}. */
    public @NonNull String getResult() {
        return result;
    }

    public boolean isOk() {
        return "ok".equals(result) || "unchanged".equals(result);
    }

    public long getMillis() {
        return millis;
    }

    /** How long the host took, for people: {@code 12.3s}. */
    public @NonNull String getDuration() {
        return Outcome.seconds(millis);
    }

    public @CheckForNull String getDetail() {
        return detail;
    }

    /** What failed on the host, with the remote output that explains it; null when it did not fail. */
    public @CheckForNull String getError() {
        return error;
    }

    /** The first line of the error, or the detail: what a one-line summary shows. */
    public @NonNull String getNote() {
        if (error != null) {
            int nl = error.indexOf('\n');
            return nl < 0 ? error : error.substring(0, nl);
        }
        return detail == null ? "" : detail;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HostResult h && host.equals(h.host) && result.equals(h.result) && millis == h.millis
                && Objects.equals(detail, h.detail) && Objects.equals(error, h.error);
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, result, millis, detail, error);
    }
}
