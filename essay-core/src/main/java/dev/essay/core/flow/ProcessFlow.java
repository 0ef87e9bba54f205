package dev.essay.core.flow;

import dev.essay.core.api.ExecRequest;
import dev.essay.core.api.LogsRequest;
import dev.essay.core.api.PsReport;
import dev.essay.core.api.PsRequest;
import dev.essay.core.api.RestartRequest;
import dev.essay.core.api.Shard;
import dev.essay.core.api.SlotResult;
import dev.essay.core.api.StopStartRequest;
import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.event.EssayEvent;
import dev.essay.core.ledger.LedgerEntry;
import dev.essay.core.model.HostAddress;
import dev.essay.core.plan.RemoteStepException;
import dev.essay.core.plan.Step;
import dev.essay.core.plan.StepReport;
import dev.essay.core.policy.LivePolicy;
import dev.essay.core.policy.ProcessPolicy;
import dev.essay.core.router.RouterSessions;
import dev.essay.core.run.FleetResult;
import dev.essay.core.run.FleetRunner;
import dev.essay.core.run.HostResult;
import dev.essay.core.transport.Session;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The day-2 commands on a slot's processes. {@code restart} (rolling, a batch of hosts at a time, each healthy before
 * the next), {@code stop}, {@code start} and {@code exec} change state: they run under the release lock and go in the
 * ledger. {@code logs} and {@code ps} only read. Every one checks its slot, role and hosts before contacting anything;
 * the slot defaults to the live one as the routers show it ({@link ProcessPolicy}).
 */
public final class ProcessFlow extends Flow {
    public ProcessFlow(FlowContext ctx) {
        super(ctx);
    }

    /** Restarts the slot's processes, {@code batch} hosts at a time; stops at the first batch that is not healthy. */
    public SlotResult restart(RestartRequest request) {
        ProcessPolicy.restartBatches(null, false, null, 1, List.of(), request.batch(), true); // a bad --batch first
        return underLock("restart", request.slot(), request.role(), request.shard(), request.force(), null,
                (slot, live, role, hosts) -> {
                    List<List<HostAddress>> batches = ProcessPolicy.restartBatches(slot, live, role,
                            project.hosts(role).size(), hosts, request.batch(), request.force());
                    if (live && request.force() && Math.min(request.batch(), hosts.size()) >= project.hosts(role).size()) {
                        listener.on(new EssayEvent.Warning("--force: every host of role " + role + " restarts at once;"
                                + " the live slot " + slot + " serves nothing until they are healthy"));
                    }
                    return new Plan(batches, live && !transport.dryRun() ? request.pause() : Duration.ZERO);
                }, slot -> host -> stepOn(host, slots.restart(host, slot), "restarted; healthy",
                        "see the process states and log tails above; essay logs --slot " + slot + " shows more"));
    }

    /** Stops a slot that is not live (the live one only with {@code force}). */
    public SlotResult stop(StopStartRequest request) {
        return stopOrStart("stop", request, slot -> host -> stepOn(host, slots.stop(slot), null, null));
    }

    /** Starts a slot that is not live and waits until its processes are healthy. */
    public SlotResult start(StopStartRequest request) {
        return stopOrStart("start", request, slot -> host -> stepOn(host, slots.start(host, slot), "started; healthy",
                "see the process states and log tails above; essay logs --slot " + slot + " shows more"));
    }

    /** Runs a command in the slot's virtualenv on every host; its output is reported line by line per host. */
    public SlotResult exec(ExecRequest request) {
        Map<String, Integer> exits = new ConcurrentHashMap<>();
        // the ledger names the program only: its arguments may carry what must not be recorded
        SlotResult result = underLock("exec", request.slot(), request.role(), request.shard(), false,
                "ran " + request.command().get(0), (slot, live, role, hosts) -> Plan.once(hosts),
                slot -> host -> execOn(host, slot, request.command(), exits));
        return new SlotResult(result.action(), result.role(), result.slot(), result.fleet(), exits);
    }

    /**
     * Prints the last lines of the slot's program logs on each host as {@link EssayEvent.HostOutput}; with follow,
     * then every new line until {@link dev.essay.core.Engine#cancel}, which closes the sessions (the remote tails end
     * with them) and makes this return normally.
     */
    public FleetResult logs(LogsRequest request) {
        if (request.lines() < 0) {
            throw new EssayException(ExitCode.USAGE, "--lines must be 0 or more, not " + request.lines(), null);
        }
        String role = role(request.role());
        List<HostAddress> hosts = hosts(role, request.shard());
        checkSlot(request.slot());
        String slot = request.slot() != null ? request.slot() : ProcessPolicy.slotOrLive(null, readLive());
        Step step = slots.logs(slot, request.lines(), request.follow());
        FleetResult fleet = ctx.onFleet("logs", hosts, host -> {
            long start = System.nanoTime();
            try (Session session = ctx.openHost(host)) {
                StepReport report = stream(session, step);
                if (!report.ok() && !ctx.cancelled()) {
                    throw RemoteStepException.of(host, report, "check that the slot " + slot + " exists on " + host);
                }
                return new HostResult(host, HostResult.Status.OK, FlowContext.since(start), null, null);
            } catch (EssayException e) {
                return ctx.cancelled() ? new HostResult(host, HostResult.Status.OK, FlowContext.since(start),
                        "stopped following", null) : ctx.failed(host, start, e);
            }
        });
        return new FleetResult("logs of slot " + slot, fleet.hosts());
    }

    /** Supervisord and the processes of each slot (or of {@code request.slot()}) on every host, read only. */
    public PsReport ps(PsRequest request) {
        String role = role(request.role());
        List<HostAddress> hosts = hosts(role, request.shard());
        checkSlot(request.slot());
        List<String> which = request.slot() != null ? List.of(request.slot()) : List.copyOf(project.slots().keySet());
        String live = null;
        try {
            live = readLive().slot();
        } catch (RuntimeException e) {
            listener.on(new EssayEvent.Warning("could not read which slot is live: " + e.getMessage()));
        }
        List<PsReport.HostProcesses> result = new ArrayList<>();
        try {
            for (FleetRunner.Outcome<PsReport.HostProcesses> o : new FleetRunner(project.parallelism())
                    .run(hosts, host -> psOn(host, which))) {
                result.add(o.ok() ? o.value() : new PsReport.HostProcesses(o.host(), List.of(),
                        String.valueOf(o.error().getMessage())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ctx.cancelledError();
        }
        return new PsReport(role, live, result);
    }

    // ------------------------------------------------------------------ the shared shape

    /** What a state-changing command decides under the lock: the batches of the selected hosts. */
    private interface Batches {
        Plan of(String slot, boolean live, String role, List<HostAddress> hosts);
    }

    /** The batches, one after the other, and how long to wait after each that came back healthy, before the next. */
    private record Plan(List<List<HostAddress>> batches, Duration pause) {
        static Plan once(List<HostAddress> hosts) {
            return new Plan(List.of(hosts), Duration.ZERO);
        }
    }

    private SlotResult stopOrStart(String action, StopStartRequest request,
                                   Function<String, FlowContext.HostWork> work) {
        return underLock(action, request.slot(), request.role(), request.shard(), request.force(), null,
                (slot, live, role, hosts) -> Plan.once(hosts), work, (slot, live) -> {
                    String warning = ProcessPolicy.stopOrStart(action, slot, live, request.force());
                    if (warning != null) {
                        listener.on(new EssayEvent.Warning(warning));
                    }
                });
    }

    private SlotResult underLock(String action, String slotArg, String roleArg, Shard shard, boolean force,
                                 String detail, Batches plan, Function<String, FlowContext.HostWork> work) {
        return underLock(action, slotArg, roleArg, shard, force, detail, plan, work, (slot, live) -> { });
    }

    /**
     * Checks the input, takes the release lock, decides the slot (the live one by default) and the batches, runs
     * {@code work} on each batch in turn (stopping at the first that is not ok: the later hosts are not attempted),
     * records the outcome in the ledger, and reports the summary.
     */
    private SlotResult underLock(String action, String slotArg, String roleArg, Shard shard, boolean force,
                                 String detail, Batches plan, Function<String, FlowContext.HostWork> work,
                                 java.util.function.BiConsumer<String, LivePolicy.Live> check) {
        ctx.checkCancelled();
        String role = role(roleArg);
        List<HostAddress> hosts = hosts(role, shard);
        checkSlot(slotArg);
        if (slotArg == null && transport.dryRun()) {
            throw new EssayException(ExitCode.USAGE, "a dry run reads nothing from the routers, so it cannot tell which"
                    + " slot is live", "name the slot with --slot");
        }
        try (RouterSessions routers = ctx.routers()) {
            List<RouterSessions.RouterState> states = ctx.lockOrJoin(routers, null, ctx.holder(action, slotArg));
            String slot = slotArg;
            Map<HostAddress, HostResult> results = new ConcurrentHashMap<>();
            try {
                LivePolicy.Live live = ctx.live(states, force);
                slot = ProcessPolicy.slotOrLive(slotArg, live);
                check.accept(slot, live);
                Plan decided = plan.of(slot, ProcessPolicy.isLive(slot, live), role, hosts);
                List<List<HostAddress>> batches = decided.batches();
                listener.on(new EssayEvent.Info(action + " slot " + slot + (ProcessPolicy.isLive(slot, live)
                        ? " (live)" : "") + " on " + hosts.size() + " host(s) of role " + role
                        + (batches.size() > 1 ? ", " + batches.get(0).size() + " at a time (" + batches.size()
                        + " batches), each healthy before the next" + (decided.pause().isZero() ? "" : " and "
                        + decided.pause().toSeconds() + "s apart (nginx's fail_timeout)") : "")
                        + (transport.dryRun() ? " (dry run: nothing runs)" : "")));
                FlowContext.HostWork onHost = work.apply(slot);
                for (int i = 0; i < batches.size(); i++) {
                    ctx.checkCancelled();
                    FleetResult batch = ctx.onFleet(action, batches.get(i), onHost);
                    batch.hosts().forEach(h -> results.put(h.host(), h));
                    if (!batch.ok() && action.equals("restart")) {
                        List<HostAddress> rest = batches.subList(i + 1, batches.size()).stream()
                                .flatMap(List::stream).toList();
                        listener.on(new EssayEvent.BatchFailed(action, i + 1, rest));
                        rest.forEach(h -> results.put(h, new HostResult(h, HostResult.Status.SKIPPED, Duration.ZERO,
                                "not attempted: an earlier batch did not come back healthy", null)));
                        break;
                    }
                    if (i + 1 < batches.size()) {
                        pause(decided.pause());
                    }
                }
                FleetResult fleet = new FleetResult(action, hosts.stream().map(results::get).toList());
                SlotResult result = new SlotResult(action, role, slot, fleet, Map.of());
                ctx.record(routers, entry(action, role, slot, result.ok() ? "ok" : ctx.cancelled() ? "cancelled"
                        : "failed", fleet, result.ok() ? detail : result.failure().getMessage()));
                listener.on(new EssayEvent.FleetFinished(fleet));
                ctx.checkCancelled();
                return result;
            } catch (EssayException e) {
                List<HostResult> partial = hosts.stream().map(results::get).filter(Objects::nonNull).toList();
                ctx.record(routers, entry(action, role, slot, e.exitCode() == ExitCode.CANCELLED ? "cancelled"
                        : e.exitCode() == ExitCode.REFUSED ? "refused" : "failed",
                        partial.isEmpty() ? null : new FleetResult(action, partial), e.getMessage()));
                throw e;
            }
        }
    }

    /**
     * Waits {@code pause} between two batches of a restart of the live slot: nginx sends no request for its
     * {@code fail_timeout} to a server it saw fail (a process restarting refuses connections for a moment), so the
     * next batch must not go down before the last one is back in nginx's rotation. A cancel ends the wait.
     */
    private void pause(Duration pause) {
        if (pause.isZero()) {
            return;
        }
        listener.on(new EssayEvent.Info("waiting " + pause.toSeconds() + "s for nginx to send requests to the restarted"
                + " hosts again (--pause) before the next batch"));
        long deadline = System.nanoTime() + pause.toNanos();
        for (long left = pause.toNanos(); left > 0; left = deadline - System.nanoTime()) {
            ctx.checkCancelled();
            try {
                java.util.concurrent.TimeUnit.NANOSECONDS.sleep(Math.min(left, 100_000_000L));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ctx.cancel();
                throw ctx.cancelledError();
            }
        }
        ctx.checkCancelled();
    }

    /** Runs one step of the slot on a host: ok with the step's last line (or {@code done}), or failed with its output. */
    private HostResult stepOn(HostAddress host, Step step, String done, String suggestion) {
        long start = System.nanoTime();
        try (Session session = ctx.openHost(host)) {
            StepReport report = ctx.runStep(session, step);
            if (!report.ok()) {
                throw RemoteStepException.of(host, report, suggestion);
            }
            String last = step.operations().get(step.operations().size() - 1).name();
            String said = report.output(last).strip().lines().reduce((a, b) -> b).orElse("");
            return new HostResult(host, HostResult.Status.OK, FlowContext.since(start),
                    transport.dryRun() ? "would run " + step.name() : done != null ? done : said, null);
        } catch (EssayException e) {
            return ctx.failed(host, start, e);
        }
    }

    /** Runs the command on one host, its output line by line as it comes; the host failed when it exits non-zero. */
    private HostResult execOn(HostAddress host, String slot, List<String> command, Map<String, Integer> exits) {
        long start = System.nanoTime();
        try (Session session = ctx.openHost(host)) {
            StepReport report = stream(session, slots.exec(slot, command));
            if (transport.dryRun()) {
                return new HostResult(host, HostResult.Status.OK, FlowContext.since(start), "would run", null);
            }
            if (report.ok()) {
                exits.put(host.toString(), 0);
                return new HostResult(host, HostResult.Status.OK, FlowContext.since(start), "exit 0", null);
            }
            if (report.failedOperation().filter("run-command"::equals).isPresent()
                    && report.result().exitStatus() != RemoteStepException.NO_EXIT_STATUS) {
                int exit = report.result().exitStatus();
                exits.put(host.toString(), exit);
                return new HostResult(host, HostResult.Status.FAILED, FlowContext.since(start), "exit " + exit,
                        host + ": " + command.get(0) + " exited " + exit);
            }
            throw RemoteStepException.of(host, report, "deploy slot " + slot + " there first");
        } catch (EssayException e) {
            return ctx.failed(host, start, e);
        }
    }

    /** Runs a step, reporting each line it prints (not the markers) as the host's output. */
    private StepReport stream(Session session, Step step) {
        ctx.checkCancelled();
        return new StepReport(session.run(step.toScript(), line -> {
            if (StepReport.Marker.parse(line) == null) {
                listener.on(new EssayEvent.HostOutput(session.host(), line));
            }
        }));
    }

    private static final Pattern STATUS = Pattern.compile("(\\S+)\\s+(\\S+)\\s*(.*)");
    private static final Pattern PID = Pattern.compile("\\bpid (\\d+)");

    private PsReport.HostProcesses psOn(HostAddress host, List<String> which) {
        try (Session session = ctx.openHost(host)) {
            List<PsReport.SlotProcesses> result = new ArrayList<>();
            for (String slot : which) {
                StepReport report = ctx.runStep(session, slots.ps(slot));
                if (!report.ok()) {
                    throw RemoteStepException.of(host, report, "check that " + host + " can run supervisorctl and ps");
                }
                result.add(slotProcesses(slot, report.output("read-processes")));
            }
            return new PsReport.HostProcesses(host, result, null);
        } catch (EssayException e) {
            return new PsReport.HostProcesses(host, List.of(), e.getMessage());
        }
    }

    /** Reads the lines of {@link dev.essay.core.deploy.SlotScripts#ps}. */
    static PsReport.SlotProcesses slotProcesses(String slot, String output) {
        String version = null;
        Long supervisord = null;
        List<String> status = new ArrayList<>();
        Map<Long, long[]> usage = new java.util.HashMap<>();
        for (String line : output.lines().toList()) {
            int eq = line.indexOf('=');
            String key = eq < 0 ? "" : line.substring(0, eq);
            String value = eq < 0 ? "" : line.substring(eq + 1).strip();
            switch (key) {
                case "stamp.version" -> version = value;
                case "supervisord" -> supervisord = value.matches("\\d+") ? Long.valueOf(value) : null;
                case "process" -> {
                    if (!value.isEmpty()) {
                        status.add(value);
                    }
                }
                case "usage" -> {
                    String[] w = value.split("\\s+");
                    if (w.length == 3 && w[0].matches("\\d+") && w[1].matches("\\d+") && w[2].matches("\\d+")) {
                        usage.put(Long.valueOf(w[0]), new long[] {Long.parseLong(w[1]), Long.parseLong(w[2])});
                    }
                }
                default -> { }
            }
        }
        PsReport.Process sup = supervisord == null ? null : process("supervisord", "RUNNING", supervisord, usage);
        List<PsReport.Process> processes = new ArrayList<>();
        if (sup != null) {
            for (String line : status) {
                Matcher m = STATUS.matcher(line);
                if (!m.matches()) {
                    continue;
                }
                Matcher pid = PID.matcher(m.group(3));
                processes.add(process(m.group(1), m.group(2), pid.find() ? Long.valueOf(pid.group(1)) : null, usage));
            }
        }
        return new PsReport.SlotProcesses(slot, version, sup, processes);
    }

    private static PsReport.Process process(String name, String state, Long pid, Map<Long, long[]> usage) {
        long[] u = pid == null ? null : usage.get(pid);
        return new PsReport.Process(name, state, pid, u == null ? null : u[0], u == null ? null : u[1]);
    }

    // ------------------------------------------------------------------ input

    private String role(String role) {
        String r = role == null ? project.defaultRole() : role;
        try {
            project.hosts(r);
        } catch (IllegalArgumentException e) {
            throw new EssayException(ExitCode.USAGE, e.getMessage(), null);
        }
        return r;
    }

    private List<HostAddress> hosts(String role, Shard shard) {
        List<HostAddress> all = project.hosts(role);
        if (shard == null) {
            return all;
        }
        try {
            List<HostAddress> picked = shard.select(role, all);
            if (picked.isEmpty()) {
                throw new IllegalArgumentException(shard.describe() + " has no host of role " + role);
            }
            return picked;
        } catch (IllegalArgumentException e) {
            throw new EssayException(ExitCode.USAGE, "--hosts: " + e.getMessage(), null);
        }
    }

    private void checkSlot(String slot) {
        if (slot == null) {
            return;
        }
        try {
            project.slot(slot);
        } catch (IllegalArgumentException e) {
            throw new EssayException(ExitCode.USAGE, e.getMessage(), null);
        }
    }

    /** Which slot is live, read from the routers without the lock (the read-only commands). */
    private LivePolicy.Live readLive() {
        try (RouterSessions routers = ctx.routers()) {
            return LivePolicy.decide(routers.state(), project.router().upstreamFile());
        }
    }

    private LedgerEntry entry(String action, String role, String slot, String result, FleetResult fleet,
                              String detail) {
        List<LedgerEntry.HostResult> outcomes = fleet == null ? List.of() : fleet.hosts().stream()
                .map(h -> new LedgerEntry.HostResult(h.host().toString(), h.status().name().toLowerCase(Locale.ROOT),
                        h.duration().toMillis(), h.error() != null ? h.error().lines().findFirst().orElse(h.error())
                        : h.detail()))
                .toList();
        return new LedgerEntry(ctx.now(), actor.user(), actor.cause(), action, null, role, null, slot, result, outcomes,
                detail);
    }
}
