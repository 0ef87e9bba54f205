package dev.essay.core.event;

import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.error.PartialFailureException;
import dev.essay.core.model.HostAddress;
import dev.essay.core.run.FleetResult;
import dev.essay.core.run.HostResult;
import java.util.List;
import java.util.Locale;

/**
 * The one place where essay's events, results and errors become text, for every text medium (the CLI's terminal, the
 * Jenkins build log): each medium only adds its own line prefix ({@code [host] }, {@code warning: }).
 */
public final class TextRenderer {
    /** pip's words when the index has no such version (or pip could not read the index at all). */
    public static final String NO_DISTRIBUTION = "No matching distribution found";

    private TextRenderer() {
    }

    /**
     * An event as text.
     *
     * @param host    the host the text is about, or null when it is about the whole operation
     * @param warning worth attention (the terminal prints it on stderr)
     * @param text    one or more complete lines, without the final newline
     */
    public record Text(HostAddress host, boolean warning, String text) {
    }

    /** The text of an event, or null for an event the text media do not show (steps starting, the lock). */
    public static Text render(EssayEvent event) {
        if (event instanceof EssayEvent.Info e) {
            return new Text(null, false, e.text());
        } else if (event instanceof EssayEvent.Warning e) {
            return new Text(null, true, e.text());
        } else if (event instanceof EssayEvent.HostInfo e) {
            return new Text(e.host(), false, e.text());
        } else if (event instanceof EssayEvent.StepFinished e) {
            return e.shown() ? new Text(e.host(), false, e.operation() + " ok ("
                    + String.format(Locale.ROOT, "%.1fs", e.took().toNanos() / 1e9) + ")") : null;
        } else if (event instanceof EssayEvent.StepFailed e) {
            return new Text(e.host(), false, e.operation() + " FAILED (exit " + e.exit() + ")");
        } else if (event instanceof EssayEvent.HostFailed e) {
            return new Text(e.host(), false, "FAILED: " + e.error().replace("\n", "\n    "));
        } else if (event instanceof EssayEvent.FleetFinished e) {
            return new Text(null, false, e.fleet().table().stripTrailing());
        } else if (event instanceof EssayEvent.SwitchStaged e) {
            return new Text(e.router(), false, "staged the upstream of slot " + e.slot() + "; nginx -t ok");
        } else if (event instanceof EssayEvent.SwitchProven e) {
            return new Text(e.router(), false, "proven: " + e.requests() + " requests in a row through nginx reached"
                    + " slot " + e.slot());
        } else if (event instanceof EssayEvent.DriftFound e) {
            return new Text(e.host(), false, "drifted from " + e.version() + ": " + String.join("; ", e.reasons()));
        } else if (event instanceof EssayEvent.InSync e) {
            return new Text(e.host(), false, "slot " + e.slot() + " runs " + e.version() + " and is healthy; not touched");
        } else if (event instanceof EssayEvent.HostRepaired e) {
            return new Text(e.host(), false, "repaired: slot " + e.slot() + " runs " + e.version() + " and is healthy");
        } else if (event instanceof EssayEvent.RepairStopped e) {
            return new Text(null, true, "repair stopped: batch " + e.batch() + " did not come back healthy; not attempted: "
                    + (e.notAttempted().isEmpty() ? "none" : String.join(", ",
                    e.notAttempted().stream().map(HostAddress::toString).toList())));
        } else if (event instanceof EssayEvent.HostOutput e) {
            return new Text(e.host(), false, e.line());
        } else if (event instanceof EssayEvent.BatchFailed e) {
            return new Text(null, true, e.action() + " stopped: batch " + e.batch() + " did not come back healthy; not"
                    + " attempted: " + (e.notAttempted().isEmpty() ? "none" : String.join(", ",
                    e.notAttempted().stream().map(HostAddress::toString).toList())));
        }
        return null; // StepStarted, LockAcquired, LockReleased: not shown as text
    }

    /** An error as a user reads it: {@code error:} and the message, the detail indented, a {@code hint:}. */
    public static String error(EssayException e) {
        StringBuilder text = new StringBuilder("error: ").append(e.getMessage()).append('\n');
        String detail = e.detail();
        if (detail != null && !detail.isBlank() && !detail.strip().equals(e.getMessage())) {
            for (String line : detail.strip().split("\n")) {
                text.append("  ").append(line).append('\n');
            }
        }
        if (e.suggestion() != null && !e.suggestion().isBlank()) {
            text.append("hint: ").append(e.suggestion()).append('\n');
        }
        return text.toString();
    }

    // ------------------------------------------------------------------ results

    /** What a deploy that failed on some hosts says, or null when every host is ok. */
    public static PartialFailureException deployFailure(String version, String slot, FleetResult fleet,
                                                        String indexUrl) {
        if (fleet.ok()) {
            return null;
        }
        return new PartialFailureException(fleet.exitCode(), "deploy of " + version + " into slot " + slot
                + " failed on " + fleet.failed().size() + " of " + fleet.hosts().size() + " host(s): "
                + namesAndReasons(fleet), deployHint(version, fleet, indexUrl), hostNames(fleet));
    }

    /**
     * What to do after a failed deploy: when pip found no such version on any failed host, say so; otherwise fix the
     * hosts and deploy again, mentioning that hosts already done are skipped only when some are.
     */
    static String deployHint(String version, FleetResult fleet, String indexUrl) {
        boolean notOnIndex = fleet.failed().stream()
                .allMatch(h -> h.error() != null && h.error().contains(NO_DISTRIBUTION));
        if (notOnIndex) {
            return version + " is not on the index " + indexUrl + " (pip: " + NO_DISTRIBUTION + "):"
                    + " essay versions lists what is, essay package uploads a new version; if it is listed, check that"
                    + " the hosts can reach the index";
        }
        long done = fleet.hosts().stream().filter(HostResult::ok).count();
        return "fix those hosts (their output is above) and run the same deploy again"
                + (done == 0 ? "" : "; the " + done + " host(s) that already run " + version + " are skipped");
    }

    /** What a release whose deploy failed on some hosts says (nothing was switched), or null when every host is ok. */
    public static PartialFailureException releaseFailure(String version, String slot, FleetResult deploy) {
        if (deploy.ok()) {
            return null;
        }
        return new PartialFailureException(deploy.exitCode(), "release of " + version + " stopped: the deploy into slot "
                + slot + " failed on " + namesAndReasons(deploy) + "; nothing was switched",
                "fix those hosts (their output is above), then finish with: essay deploy " + version + " --slot " + slot
                        + " && essay switch --to " + slot, hostNames(deploy));
    }

    /** The line that ends a successful deploy. */
    public static String deployed(String version, String slot, FleetResult fleet) {
        long changed = fleet.hosts().stream().filter(h -> h.status() == HostResult.Status.OK).count();
        return "deployed " + version + " into slot " + slot + " on " + fleet.hosts().size() + " host(s) (" + changed
                + " changed); put it live with: essay switch --to " + slot;
    }

    /**
     * What a repair that did not bring every host back says, or null when every host is in sync now: the hosts that
     * failed, and those not attempted after the batch that failed.
     */
    public static PartialFailureException repairFailure(String slot, String version, FleetResult fleet) {
        return fleet.ok() ? null : failedOrNotAttempted("repair of slot " + slot + " (" + version + ")", fleet,
                "fix those hosts (their output is above) and run essay repair again; hosts in sync are not touched");
    }

    /** {@code WHAT failed on N of M host(s): ...; not attempted: ...}, naming the hosts that failed and those skipped. */
    private static PartialFailureException failedOrNotAttempted(String what, FleetResult fleet, String hint) {
        List<String> skipped = fleet.skipped().stream().map(h -> h.host().toString()).toList();
        List<String> hosts = new java.util.ArrayList<>(hostNames(fleet));
        hosts.addAll(skipped);
        return new PartialFailureException(fleet.exitCode(), what + " failed on " + fleet.failed().size() + " of "
                + fleet.hosts().size() + " host(s): " + namesAndReasons(fleet)
                + (skipped.isEmpty() ? "" : "; not attempted: " + String.join(", ", skipped)), hint, hosts);
    }

    /** The line that ends a repair that left every host in sync. */
    public static String repaired(String slot, String version, FleetResult fleet) {
        long repaired = fleet.hosts().stream().filter(h -> h.status() == HostResult.Status.OK).count();
        return repaired == 0 ? "nothing drifted: slot " + slot + " runs " + version + " and is healthy on " + fleet.hosts().size()
                + " host(s); nothing was changed"
                : "repaired slot " + slot + " (" + version + ") on " + repaired + " of " + fleet.hosts().size()
                + " host(s); the others were in sync and not touched";
    }

    /**
     * What {@code restart}, {@code stop}, {@code start} or {@code exec} says when some hosts failed (or were not
     * attempted after a restart's batch failed), or null when every host is ok.
     */
    public static PartialFailureException slotFailure(String action, String slot, FleetResult fleet) {
        return fleet.ok() ? null : failedOrNotAttempted(action + " of slot " + slot, fleet, action.equals("exec")
                ? "each host's output and exit code are above"
                : "fix those hosts (their output is above) and run essay " + action + " again");
    }

    /** The line that ends a {@code restart}, {@code stop}, {@code start} or {@code exec} that was ok on every host. */
    public static String slotDone(String action, String slot, FleetResult fleet) {
        String done = switch (action) {
            case "restart" -> "restarted slot " + slot + "; every process is healthy";
            case "stop" -> "stopped slot " + slot;
            case "start" -> "started slot " + slot + "; every process is healthy";
            default -> action + " in slot " + slot + " exited 0";
        };
        return done + " on " + fleet.hosts().size() + " host(s)";
    }

    /** The line that ends a successful release. */
    public static String released(String project, String version, String live, String previous) {
        return "released " + project + " " + version + ": slot " + live + " is live" + (previous == null ? ""
                : "; slot " + previous + " keeps the previous release (essay rollback)");
    }

    private static List<String> hostNames(FleetResult fleet) {
        return fleet.failed().stream().map(h -> h.host().toString()).toList();
    }

    /** Hosts shown with their reason in a failure's one line (the final {@code ERROR:} line in Jenkins). */
    static final int HOSTS_IN_ONE_LINE = 3;

    /**
     * The failed hosts, each with the first line of its error: {@code web2 (pip-install failed), web3 (...) and 4 more}.
     * The one line that ends a failed run says why, not only where; every host's full output was shown above it.
     */
    private static String namesAndReasons(FleetResult fleet) {
        List<HostResult> failed = fleet.failed();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(failed.size(), HOSTS_IN_ONE_LINE); i++) {
            HostResult h = failed.get(i);
            out.append(i == 0 ? "" : ", ").append(h.host()).append(reason(h));
        }
        if (failed.size() > HOSTS_IN_ONE_LINE) {
            out.append(" and ").append(failed.size() - HOSTS_IN_ONE_LINE).append(" more");
        }
        return out.toString();
    }

    /** {@code " (first line of the error)"} without the host it starts with, or nothing when there is no error. */
    private static String reason(HostResult h) {
        String error = h.error();
        if (error == null || error.isBlank()) {
            return "";
        }
        String line = error.strip().lines().findFirst().orElse("");
        String prefix = h.host() + ": ";
        if (line.startsWith(prefix)) {
            line = line.substring(prefix.length());
        }
        line = line.strip();
        if (line.length() > 160) {
            line = line.substring(0, 157) + "...";
        }
        return line.isEmpty() ? "" : " (" + line + ")";
    }
}
