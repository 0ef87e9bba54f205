package io.jenkins.plugins.essay.plain;

import dev.essay.core.api.DeployRequest;
import dev.essay.core.api.DeployResult;
import dev.essay.core.api.ReleaseRequest;
import dev.essay.core.api.ReleaseResult;
import dev.essay.core.api.RepairRequest;
import dev.essay.core.api.RepairResult;
import dev.essay.core.api.RestartRequest;
import dev.essay.core.api.SlotResult;
import dev.essay.core.api.StatusReport;
import dev.essay.core.api.StatusRequest;
import dev.essay.core.api.SwitchRequest;
import dev.essay.core.api.SwitchResult;
import dev.essay.core.error.CancelledException;
import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.error.PartialFailureException;
import dev.essay.core.ledger.LedgerEntry;
import dev.essay.core.pkg.PackageRequest;
import dev.essay.core.pkg.PackageResult;
import java.io.PrintWriter;
import java.io.Serializable;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What an engine call on the agent came to, built there from the engine's results, as plain serializable values:
 * only this plugin's and JDK types cross the channel back, since the controller's class filter refuses classes of the
 * libraries a plugin bundles (essay-core among them). Results use the ledger's words: {@code ok}, {@code failed},
 * {@code refused}, {@code cancelled}.
 *
 * @param result  {@link #OK}, {@link #FAILED}, {@link #REFUSED} or {@link #CANCELLED}
 * @param subject what the operation was about
 * @param hosts   each host's part (a deploy's hosts, a switch's health check); empty for the others
 * @param failure null when ok; otherwise what went wrong
 * @param status  a status's document ({@link StatusReport#toMap()}: JDK maps, lists, strings, booleans); null for the
 *                other operations
 * @param ledger  the router's newest ledger entries, read on the agent at the end of a step that reaches the fleet;
 *                null for a package, or when the ledger could not be read
 */
public record Outcome(String result, Subject subject, List<HostResult> hosts, Failure failure, Map<String, Object> status,
                      LedgerView ledger) implements Serializable {
    public static final String OK = "ok";
    public static final String FAILED = "failed";
    public static final String REFUSED = "refused";
    public static final String CANCELLED = "cancelled";
    /** Every result, in the order the Releases page offers them as filters. */
    public static final List<String> RESULTS = List.of(OK, FAILED, REFUSED, CANCELLED);

    public Outcome {
        hosts = new ArrayList<>(hosts); // a plain list: ReleaseRecord keeps it in build.xml
    }

    public Outcome(String result, Subject subject, List<HostResult> hosts, Failure failure, Map<String, Object> status) {
        this(result, subject, hosts, failure, status, null);
    }

    public Outcome(String result, Subject subject, List<HostResult> hosts, Failure failure) {
        this(result, subject, hosts, failure, null, null);
    }

    /** The same outcome with the ledger as the step read it at its end. */
    public Outcome withLedger(LedgerView read) {
        return new Outcome(result, subject, hosts, failure, status, read);
    }

    /**
     * What an operation was about: the ledger's action, the version, the role and the slots; for a package, what it
     * was built from and the files uploaded ({@code name url}).
     */
    public record Subject(String action, String version, String role, String from, String to, String source,
                   List<String> files) implements Serializable {
        public Subject {
            files = new ArrayList<>(files);
        }

        /** The actions of a slot's processes ({@code essayRestart}, {@code essayStop}, {@code essayStart}). */
        static final List<String> SLOT_ACTIONS = List.of("restart", "stop", "start");

        /** A switch, rollback or release to a slot ({@link LedgerEntry#LIVE_ACTIONS}): when it ended ok, that slot is live. */
        public boolean putsLive() {
            return LedgerEntry.LIVE_ACTIONS.contains(action) && to != null;
        }

        /**
         * {@code from → to} for switches, {@code into to} for deploys, nothing for packages and for a switch that
         * ended before either slot was known.
         */
        public String slots() {
            if ("package".equals(action)) {
                return "";
            }
            if ("deploy".equals(action)) {
                return to == null ? "" : "into " + to;
            }
            if ("repair".equals(action)) {
                return to == null ? "" : "live " + to;
            }
            if (SLOT_ACTIONS.contains(action)) {
                return to == null ? "live" : to;
            }
            if (from == null && to == null) {
                return ""; // stopped before it knew either (an abort before the engine answered): nothing to claim
            }
            return (from == null ? "none" : from) + " → " + (to == null ? "?" : to);
        }

        /** One line for people: {@code essay deploy 1.5.0 into slot a}, {@code essay switch to slot b (1.4.0), from slot a}. */
        public String summary() {
            StringBuilder out = new StringBuilder("essay ").append(action);
            if ("package".equals(action)) {
                out.append(version == null ? "" : " " + version).append(source == null ? "" : " from " + source);
            } else if ("deploy".equals(action)) {
                out.append(version == null ? "" : " " + version).append(to == null ? "" : " into slot " + to);
            } else if ("repair".equals(action)) {
                out.append(to == null ? "" : " of live slot " + to).append(version == null ? "" : " (" + version + ")");
            } else if (SLOT_ACTIONS.contains(action)) {
                out.append(to == null ? " of the live slot" : " of slot " + to);
            } else {
                out.append(to == null ? "" : " to slot " + to).append(version == null ? "" : " (" + version + ")")
                        .append(from == null ? "" : ", from slot " + from);
            }
            return out.toString();
        }

        /** The Releases page's line for the slot this switch or rollback put live, {@code by} whom. */
        public String liveText(String by) {
            return "Live: slot " + to + (version == null ? "" : " running " + version) + ", put live by " + by
                    + " (as this job last set it; `essay status` asks the routers)";
        }

        /** What the request asked for, before the engine answered. */
        static Subject requested(Serializable request) {
            String action = Requests.action(request);
            if (request instanceof DeployRequest d) {
                return new Subject(action, d.version(), d.role(), null, d.slot(), null, List.of());
            }
            if (request instanceof SwitchRequest s) {
                return new Subject(action, null, null, null, s.to(), null, List.of());
            }
            if (request instanceof ReleaseRequest r) {
                return new Subject(action, r.pkg().version(), null, null, r.slot(), null, List.of());
            }
            if (request instanceof StatusRequest s) {
                return new Subject(action, null, s.role(), null, null, null, List.of());
            }
            if (request instanceof RepairRequest r) {
                return new Subject(action, null, r.role(), null, null, null, List.of());
            }
            if (request instanceof RestartRequest r) {
                return new Subject(action, null, r.role(), null, r.slot(), null, List.of());
            }
            if (request instanceof SlotCommandConfig.StopStart s) {
                return new Subject(action, null, s.request().role(), null, s.request().slot(), null, List.of());
            }
            return new Subject(action, ((PackageRequest) request).version(), null, null, null, null, List.of());
        }
    }

    /**
     * Why an operation did not end ok.
     *
     * @param message    the one line that says what went wrong
     * @param detail     more lines (the engine's detail), or null
     * @param suggestion what to do about it, or null
     * @param exitCode   the engine's exit code name ({@code USAGE}, {@code REFUSED}, {@code LOCK_HELD}, ...)
     * @param stackTrace only for errors essay does not classify (a bug): printed to the build log
     */
    public record Failure(String message, String detail, String suggestion, String exitCode, String stackTrace)
            implements Serializable {
    }

    public static Outcome deployed(DeployResult r) {
        List<HostResult> hosts = hostsOf(r.fleet().hosts());
        Subject subject = new Subject("deploy", r.version(), r.role(), null, r.slot(), null, List.of());
        if (r.ok()) {
            return new Outcome(OK, subject, hosts, null);
        }
        PartialFailureException failure = r.failure(null);
        return new Outcome(FAILED, subject, hosts, new Failure(failure.getMessage(), null,
                "read each host's FAILED lines above; slot " + r.slot()
                        + " is not live, so no traffic reached the failed hosts", failure.exitCode().name(), null));
    }

    public static Outcome switched(SwitchResult r) {
        return new Outcome(OK, new Subject(r.action(), r.version(), null, r.from(), r.to(), null, List.of()),
                hostsOf(r.health().hosts()), null);
    }

    public static Outcome packaged(PackageResult r) {
        return new Outcome(OK, new Subject("package", r.version(), null, null, null, source(r), files(r)), List.of(),
                null);
    }

    /**
     * A release: the version packaged, the slot it went into and the one that was live, each host's deploy; failed
     * when the deploy failed on some host (then nothing was switched). A failed package or switch throws instead
     * ({@link #failed}).
     */
    /**
     * A repair: each host's result ({@code unchanged}: in sync, not touched; {@code ok}: repaired; {@code failed};
     * {@code skipped}: not attempted after a batch that did not come back healthy).
     */
    public static Outcome repaired(RepairResult r) {
        return onHosts(new Subject("repair", r.version(), r.role(), null, r.slot(), null, List.of()), r.fleet(),
                r::failure);
    }

    /** A restart, stop or start of a slot: every host's result ({@code skipped}: a restart stopped before it). */
    public static Outcome slot(SlotResult r) {
        return onHosts(new Subject(r.action(), null, r.role(), null, r.slot(), null, List.of()), r.fleet(), r::failure);
    }

    /** Ok when every host of {@code fleet} is; otherwise failed as {@code failure} says (the engine's hint kept). */
    private static Outcome onHosts(Subject subject, dev.essay.core.run.FleetResult fleet,
                                   java.util.function.Supplier<PartialFailureException> failure) {
        List<HostResult> hosts = hostsOf(fleet.hosts());
        if (fleet.ok()) {
            return new Outcome(OK, subject, hosts, null);
        }
        PartialFailureException f = failure.get();
        return new Outcome(FAILED, subject, hosts, new Failure(f.getMessage(), null, f.suggestion(), f.exitCode().name(),
                null));
    }

    public static Outcome released(ReleaseResult r) {
        List<HostResult> hosts = hostsOf(r.deploy().fleet().hosts());
        String slot = r.deploy().slot();
        String from = r.switched() == null ? null : r.switched().from();
        Subject subject = new Subject("release", r.version(), r.deploy().role(), from, slot,
                r.pkg() == null ? null : source(r.pkg()), r.pkg() == null ? List.of() : files(r.pkg()));
        if (r.ok()) {
            return new Outcome(OK, subject, hosts, null);
        }
        PartialFailureException failure = r.failure();
        return new Outcome(FAILED, subject, hosts, new Failure(failure.getMessage(), null,
                "read each host's FAILED lines above; slot " + slot + " is not live, so no traffic reached the failed"
                        + " hosts. " + r.version() + " is on the index: once those hosts are fixed, finish with essayDeploy"
                        + " version: '" + r.version() + "', slot: '" + slot + "' and essaySwitch to: '" + slot + "'",
                failure.exitCode().name(), null));
    }

    /** A status: ok, whatever the fleet's health; the document is {@link #status()}. */
    public static Outcome status(StatusRequest request, StatusReport report) {
        return new Outcome(OK, new Subject("status", null, request.role(), null, report.liveSlot(), null, List.of()),
                List.of(), null, report.toMap());
    }

    private static String source(PackageResult r) {
        return r.source() + (r.commit() == null ? "" : " (" + r.commit() + ")");
    }

    private static List<String> files(PackageResult r) {
        return r.files().stream().map(f -> f.name() + " " + f.url()).collect(Collectors.toList());
    }

    /**
     * The engine refused, failed or was cancelled, with what a user needs to know. A cancelled deploy, switch, repair
     * or release keeps what it was about and every host's result as far as it got (the {@link CancelledException}
     * carries them), as the ledger's {@code cancelled} entry does.
     */
    public static Outcome failed(Serializable request, EssayException e) {
        ExitCode code = e.exitCode() == null ? ExitCode.ERROR : e.exitCode();
        String result = switch (code) {
            case CANCELLED -> CANCELLED;
            case REFUSED, LOCK_HELD -> REFUSED;
            default -> FAILED;
        };
        Subject subject = Subject.requested(request);
        List<HostResult> hosts = List.of();
        if (e instanceof CancelledException c) {
            Optional<DeployResult> deploy = c.result(DeployResult.class);
            Optional<SwitchResult> switched = c.result(SwitchResult.class);
            Optional<RepairResult> repair = c.result(RepairResult.class);
            Optional<ReleaseResult> release = c.result(ReleaseResult.class);
            Optional<SlotResult> slot = c.result(SlotResult.class);
            if (deploy.isPresent()) {
                DeployResult d = deploy.get();
                subject = new Subject("deploy", d.version(), d.role(), null, d.slot(), null, List.of());
                hosts = hostsOf(d.fleet().hosts());
            } else if (switched.isPresent()) {
                SwitchResult s = switched.get();
                subject = new Subject(s.action(), s.version(), null, s.from(), s.to(), null, List.of());
                hosts = s.health() == null ? List.of() : hostsOf(s.health().hosts());
            } else if (repair.isPresent()) {
                RepairResult r = repair.get();
                subject = new Subject("repair", r.version(), r.role(), null, r.slot(), null, List.of());
                hosts = hostsOf(r.fleet().hosts());
            } else if (slot.isPresent()) {
                SlotResult r = slot.get();
                subject = new Subject(r.action(), null, r.role(), null, r.slot(), null, List.of());
                hosts = hostsOf(r.fleet().hosts());
            } else if (release.isPresent() && release.get().deploy() != null) {
                ReleaseResult r = release.get();
                subject = new Subject("release", r.version(), r.deploy().role(), null, r.deploy().slot(),
                        r.pkg() == null ? null : source(r.pkg()), r.pkg() == null ? List.of() : files(r.pkg()));
                hosts = hostsOf(r.deploy().fleet().hosts());
            }
        }
        return new Outcome(result, subject, hosts,
                new Failure(String.valueOf(e.getMessage()), e.detail(), e.suggestion(), code.name(), null));
    }

    /** A problem in the input (an unknown role or slot, a bad key): no stack trace needed. */
    public static Outcome invalid(Serializable request, String message, String suggestion) {
        return new Outcome(FAILED, Subject.requested(request), List.of(),
                new Failure(message, null, suggestion, ExitCode.USAGE.name(), null));
    }

    /** Something essay does not classify: a bug or an environment problem; the trace goes to the log. */
    public static Outcome unexpected(Serializable request, Throwable t) {
        StringWriter trace = new StringWriter();
        t.printStackTrace(new PrintWriter(trace));
        return new Outcome(FAILED, Subject.requested(request), List.of(), new Failure("essay failed unexpectedly: " + t,
                null, "this is probably a bug in essay; please report it with the stack trace above",
                ExitCode.ERROR.name(), trace.toString()));
    }

    /** Stopped before the engine said how it ended (the agent did not answer in time, or packaging was stopped). */
    public static Outcome cancelledWithoutAnswer(Serializable request, String why) {
        String suggestion = request instanceof PackageRequest
                ? "a file uploaded before the stop stays on the index (`essay versions` lists the versions there);"
                        + " run the packaging again for a new version"
                : "run `essay status` to see the state the fleet was left in, and `essay unlock` if the lock is still"
                        + " held";
        return new Outcome(CANCELLED, Subject.requested(request), List.of(),
                new Failure("cancelled; " + why, null, suggestion, ExitCode.CANCELLED.name(), null));
    }

    /** {@code result} when it is one of {@link #RESULTS}, else null (the Releases page then shows every result). */
    public static String knownResult(String result) {
        return result != null && RESULTS.contains(result) ? result : null;
    }

    /** A duration for people: {@code 12.3s}. */
    public static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
    }

    private static List<HostResult> hostsOf(List<dev.essay.core.run.HostResult> results) {
        return results.stream().map(HostResult::of).collect(Collectors.toList());
    }

    public boolean ok() {
        return OK.equals(result);
    }

    public boolean cancelled() {
        return CANCELLED.equals(result);
    }

    public String action() {
        return subject.action();
    }

    /** Message, detail and hint, as the build log's final error shows them. */
    public String failureText() {
        if (failure == null) {
            return action() + " " + result;
        }
        StringBuilder out = new StringBuilder(failure.message() == null ? action() + " " + result : failure.message());
        if (failure.detail() != null && !failure.detail().isBlank()) {
            out.append('\n').append(failure.detail().stripTrailing());
        }
        if (failure.suggestion() != null && !failure.suggestion().isBlank()) {
            out.append("\nhint: ").append(failure.suggestion());
        }
        return out.toString();
    }

    /**
     * How it ended, as the build log shows it before the final error: what a package uploaded, the slot a deploy or
     * switch left running, or each failed host and the remote stack trace of an error essay does not classify.
     */
    public List<String> report() {
        List<String> lines = new ArrayList<>();
        if (status != null) {
            return StatusText.summary(status);
        }
        if (ok() && "package".equals(action())) {
            lines.add("[essay] package ok: " + subject.version() + " from " + subject.source());
            subject.files().forEach(f -> lines.add("[essay] uploaded: " + f));
            return lines;
        }
        if (ok()) {
            lines.add("[essay] " + action() + " ok" + (subject.to() == null ? "" : ": slot " + subject.to())
                    + (subject.version() == null ? "" : " runs " + subject.version())
                    + ("deploy".equals(action()) ? "" : " and is live"));
            subject.files().forEach(f -> lines.add("[essay] uploaded: " + f));
            return lines;
        }
        if (failure != null && failure.stackTrace() != null) {
            lines.add(failure.stackTrace().stripTrailing());
        }
        for (HostResult h : hosts) {
            if (!h.isOk()) {
                lines.add("[essay] " + h.getHost() + ": " + h.getResult() + " after " + h.getDuration()
                        + (h.getError() == null ? "" : ": " + h.getNote()));
            }
        }
        // an aborted build ends without an ERROR line: the cancel's own words (what was undone, released) end here
        lines.add("[essay] " + action() + " " + result.toUpperCase(Locale.ROOT)
                + (cancelled() && failure != null && failure.message() != null ? ": " + failure.message() : ""));
        return lines;
    }

    /** The per-host map essayDeploy returns: host → [result:, duration: (ms), detail:, error:]. */
    public Map<String, Object> hostMap() {
        return hostMap(hosts);
    }

    /** {@code hosts} as {@link #hostMap()} shows them. */
    public static Map<String, Object> hostMap(List<HostResult> hosts) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (HostResult h : hosts) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("result", h.getResult());
            entry.put("duration", h.getMillis());
            entry.put("detail", h.getDetail());
            entry.put("error", h.getError());
            map.put(h.getHost(), entry);
        }
        return map;
    }

    @Override
    public String toString() {
        return action() + " " + result.toUpperCase(Locale.ROOT) + (failure == null ? "" : ": " + failure.message());
    }
}
