package io.jenkins.plugins.essay;

import dev.essay.core.DeployResult;
import dev.essay.core.SwitchResult;
import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.error.PartialFailureException;
import dev.essay.core.pkg.PackageResult;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import java.io.PrintWriter;
import java.io.Serializable;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What an engine call on the agent came to, as plain serializable values (no engine or JSch types cross
 * the channel). Results use the ledger's words: {@code ok}, {@code failed}, {@code refused},
 * {@code cancelled}.
 */
final class Outcome implements Serializable {
    private static final long serialVersionUID = 1L;

    static final String OK = "ok";
    static final String FAILED = "failed";
    static final String REFUSED = "refused";
    static final String CANCELLED = "cancelled";

    private final String action;
    private final String result;
    private final String version;
    private final String role;
    private final String from;
    private final String to;
    private final List<HostOutcome> hosts;
    /** Null when ok; otherwise the one line that says what went wrong. */
    private final String message;
    private final String detail;
    private final String suggestion;
    /** The engine's exit code name (USAGE, REFUSED, LOCK_HELD, ...), or null when ok. */
    private final String exitCode;
    /** Only for errors essay does not classify (a bug): the stack trace, printed to the build log. */
    private final String stackTrace;
    /** Only for a package: what was built ({@code branch main (1a2b3c...)}). */
    private final String source;

    private Outcome(String action, String result, String version, String role, String from, String to,
                    List<HostOutcome> hosts, String message, String detail, String suggestion, String exitCode,
                    String stackTrace, String source) {
        this.action = action;
        this.result = result;
        this.version = version;
        this.role = role;
        this.from = from;
        this.to = to;
        this.hosts = hosts == null ? new ArrayList<>() : new ArrayList<>(hosts);
        this.message = message;
        this.detail = detail;
        this.suggestion = suggestion;
        this.exitCode = exitCode;
        this.stackTrace = stackTrace;
        this.source = source;
    }

    static Outcome deployed(DeployResult r) {
        List<HostOutcome> hosts = r.fleet().hosts().stream().map(HostOutcome::of).collect(Collectors.toList());
        if (r.ok()) {
            return new Outcome("deploy", OK, r.version(), r.role(), null, r.slot(), hosts, null, null, null, null, null,
                    null);
        }
        PartialFailureException failure = r.failure(null);
        return new Outcome("deploy", FAILED, r.version(), r.role(), null, r.slot(), hosts, failure.getMessage(),
                null, "read each host's FAILED lines above; slot " + r.slot()
                        + " is not live, so no traffic reached the failed hosts", failure.exitCode().name(), null,
                null);
    }

    static Outcome switched(SwitchResult r) {
        List<HostOutcome> hosts = r.health().hosts().stream().map(HostOutcome::of).collect(Collectors.toList());
        return new Outcome(r.action(), OK, r.version(), null, r.from(), r.to(), hosts, null, null, null, null, null,
                null);
    }

    static Outcome packaged(PackageResult r) {
        String source = r.source() + (r.commit() == null ? "" : " (" + r.commit() + ")");
        String files = r.files().stream().map(f -> f.name() + " " + f.url()).collect(Collectors.joining("\n"));
        return new Outcome("package", OK, r.version(), null, null, null, List.of(), null, files, null, null, null,
                source);
    }

    /** The engine refused or failed, with what a user needs to know. */
    static Outcome failed(Operation op, EssayException e) {
        ExitCode code = e.exitCode() == null ? ExitCode.ERROR : e.exitCode();
        String result = switch (code) {
            case CANCELLED -> CANCELLED;
            case REFUSED, LOCK_HELD -> REFUSED;
            default -> FAILED;
        };
        return new Outcome(op.action(), result, op.version(), op.role(), null, op.slot(), List.of(),
                String.valueOf(e.getMessage()), e.detail(), e.suggestion(), code.name(), null, null);
    }

    /** A problem in the input (an unknown role or slot, a bad key): no stack trace needed. */
    static Outcome invalid(Operation op, String message, String suggestion) {
        return new Outcome(op.action(), FAILED, op.version(), op.role(), null, op.slot(), List.of(), message, null,
                suggestion, ExitCode.USAGE.name(), null, null);
    }

    /** Something essay does not classify: a bug or an environment problem; the trace goes to the log. */
    static Outcome unexpected(Operation op, Throwable t) {
        StringWriter trace = new StringWriter();
        t.printStackTrace(new PrintWriter(trace));
        return new Outcome(op.action(), FAILED, op.version(), op.role(), null, op.slot(), List.of(),
                "essay failed unexpectedly: " + t, null,
                "this is probably a bug in essay; please report it with the stack trace above",
                ExitCode.ERROR.name(), trace.toString(), null);
    }

    /** Stopped before the engine said how it ended (the agent did not answer in time, or packaging was stopped). */
    static Outcome cancelledWithoutAnswer(Operation op, String why) {
        String suggestion = op.kind() == Operation.Kind.PACKAGE
                ? "a file uploaded before the stop stays on the index (`essay versions` lists the versions there);"
                        + " run the packaging again for a new version"
                : "run `essay status` to see the state the fleet was left in, and `essay unlock` if the lock is still"
                        + " held";
        return new Outcome(op.action(), CANCELLED, op.version(), op.role(), null, op.slot(), List.of(),
                "cancelled; " + why, null, suggestion, ExitCode.CANCELLED.name(), null, null);
    }

    boolean ok() {
        return OK.equals(result);
    }

    boolean cancelled() {
        return CANCELLED.equals(result);
    }

    @NonNull String action() {
        return action;
    }

    @NonNull String result() {
        return result;
    }

    @CheckForNull String version() {
        return version;
    }

    @CheckForNull String role() {
        return role;
    }

    @CheckForNull String from() {
        return from;
    }

    @CheckForNull String to() {
        return to;
    }

    @NonNull List<HostOutcome> hosts() {
        return hosts;
    }

    @CheckForNull String message() {
        return message;
    }

    @CheckForNull String detail() {
        return detail;
    }

    @CheckForNull String suggestion() {
        return suggestion;
    }

    @CheckForNull String exitCode() {
        return exitCode;
    }

    @CheckForNull String stackTrace() {
        return stackTrace;
    }

    /** What a package was built from; null for other operations. */
    @CheckForNull String source() {
        return source;
    }

    /** Message, detail and hint, as the build log's final error shows them. */
    @NonNull String failureText() {
        StringBuilder out = new StringBuilder(message == null ? action + " " + result : message);
        if (detail != null && !detail.isBlank()) {
            out.append('\n').append(detail.stripTrailing());
        }
        if (suggestion != null && !suggestion.isBlank()) {
            out.append("\nhint: ").append(suggestion);
        }
        return out.toString();
    }

    /** The per-host map essayDeploy returns: host → [result:, duration: (ms), detail:, error:]. */
    java.util.Map<String, Object> hostMap() {
        java.util.Map<String, Object> map = new java.util.LinkedHashMap<>();
        for (HostOutcome h : hosts) {
            java.util.Map<String, Object> entry = new java.util.LinkedHashMap<>();
            entry.put("result", h.getResult());
            entry.put("duration", h.getMillis());
            entry.put("detail", h.getDetail());
            entry.put("error", h.getError());
            map.put(h.getHost(), entry);
        }
        return map;
    }

    List<HostOutcome> failedHosts() {
        List<HostOutcome> failed = new ArrayList<>();
        for (HostOutcome h : hosts) {
            if (!h.isOk()) {
                failed.add(h);
            }
        }
        return failed;
    }

    @Override
    public String toString() {
        return action + " " + result.toUpperCase(Locale.ROOT) + (message == null ? "" : ": " + message);
    }
}
