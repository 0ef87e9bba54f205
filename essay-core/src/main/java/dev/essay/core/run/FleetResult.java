package dev.essay.core.run;

import dev.essay.core.error.ExitCode;
import java.util.List;
import java.util.Locale;

/** One operation's results on every host, in the order of the hosts given. */
public record FleetResult(String action, List<HostResult> hosts) {
    public FleetResult {
        hosts = List.copyOf(hosts);
    }

    public boolean ok() {
        return hosts.stream().allMatch(HostResult::ok);
    }

    public List<HostResult> failed() {
        return hosts.stream().filter(h -> h.status() == HostResult.Status.FAILED).toList();
    }

    /** The hosts not attempted (a repair stopped at a batch that failed). */
    public List<HostResult> skipped() {
        return hosts.stream().filter(h -> h.status() == HostResult.Status.SKIPPED).toList();
    }

    /**
     * The exit code of this result: OK when every host is ok; CONNECTION when every failed host failed before any
     * work started because it could not be reached or trusted (and none was left unattempted); otherwise
     * PARTIAL_FAILURE.
     */
    public ExitCode exitCode() {
        if (ok()) {
            return ExitCode.OK;
        }
        List<HostResult> failed = failed();
        return !failed.isEmpty() && skipped().isEmpty() && failed.stream().allMatch(HostResult::unreachable)
                ? ExitCode.CONNECTION : ExitCode.PARTIAL_FAILURE;
    }

    /** The summary table that ends every fleet operation. */
    public String table() {
        int width = hosts.stream().mapToInt(h -> h.host().toString().length()).max().orElse(4);
        width = Math.max(width, 4);
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-" + width + "s  %-9s  %8s  %s%n", "HOST", "RESULT", "TIME", "DETAIL"));
        for (HostResult h : hosts) {
            String note = h.error() != null ? firstLine(h.error()) : (h.detail() == null ? "" : h.detail());
            out.append(String.format(Locale.ROOT, "%-" + width + "s  %-9s  %7.1fs  %s%n", h.host(),
                    h.status().name().toLowerCase(Locale.ROOT), h.duration().toMillis() / 1000.0, note));
        }
        long failed = failed().size();
        long skipped = skipped().size();
        out.append(String.format(Locale.ROOT, "%s: %d host(s), %d ok, %d failed%s%n", action, hosts.size(),
                hosts.size() - failed - skipped, failed, skipped == 0 ? "" : ", " + skipped + " not attempted"));
        return out.toString();
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }
}
