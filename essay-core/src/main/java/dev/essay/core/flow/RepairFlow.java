package dev.essay.core.flow;

import dev.essay.core.api.RepairRequest;
import dev.essay.core.api.RepairResult;
import dev.essay.core.deploy.HealthCheck;
import dev.essay.core.deploy.SupervisorConfig;
import dev.essay.core.error.CancelledException;
import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.event.EssayEvent;
import dev.essay.core.ledger.LedgerEntry;
import dev.essay.core.model.HostAddress;
import dev.essay.core.model.Secret;
import dev.essay.core.pkg.IndexCredentials;
import dev.essay.core.plan.RemoteStepException;
import dev.essay.core.plan.StepReport;
import dev.essay.core.policy.LivePolicy;
import dev.essay.core.policy.RepairPolicy;
import dev.essay.core.router.RouterSessions;
import dev.essay.core.run.FleetResult;
import dev.essay.core.run.HostResult;
import dev.essay.core.transport.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Repair: under the release lock, read the live slot from the routers and its version from the ledger, probe that
 * slot on every host of the role, ask the {@link RepairPolicy} which hosts drifted (missing, stopped, unhealthy, on
 * another version, an unfinished deploy), and redeploy the live version on those hosts only, a batch at a time,
 * stopping at the first batch that does not come back healthy. Hosts in sync and the routers are never touched; when
 * nothing drifted nothing changes, not even the ledger.
 */
public final class RepairFlow extends Flow {
    /** How many switch entries of the ledger are read to find the newest successful one. */
    static final int SWITCH_ENTRIES = 50;

    private final DeployFlow deployFlow;
    private final RepairPolicy repair;

    public RepairFlow(FlowContext ctx) {
        super(ctx);
        this.deployFlow = new DeployFlow(ctx);
        this.repair = new RepairPolicy(List.copyOf(project.slots().keySet()));
    }

    public RepairResult repair(RepairRequest request) {
        ctx.checkCancelled();
        String role = request.role() == null ? project.router().role() : request.role();
        List<HostAddress> hosts = project.hosts(role);
        RepairPolicy.batches(List.of(), request.batch()); // a bad --batch is a usage error before any host is contacted
        try (RouterSessions routers = ctx.routers()) {
            List<RouterSessions.RouterState> states = ctx.lock(routers, ctx.holder("repair", null));
            return repairLocked(routers, states, role, hosts, request.batch());
        }
    }

    private RepairResult repairLocked(RouterSessions routers, List<RouterSessions.RouterState> states, String role,
                                      List<HostAddress> hosts, int batchSize) {
        RepairPolicy.Target target = null;
        Map<HostAddress, HostResult> results = new ConcurrentHashMap<>();
        try {
            LivePolicy.Live live = LivePolicy.decide(states, project.router().upstreamFile());
            List<String> switching = states.stream().filter(RouterSessions.RouterState::journal)
                    .map(s -> s.host().toString()).toList();
            target = repair.target(live, switching, transport.dryRun() ? null : lastSwitch(routers), project.profile(),
                    transport.dryRun());
            if (!transport.dryRun()) {
                live.unproven().forEach(u -> listener.on(new EssayEvent.Warning("could not prove the live slot through"
                        + " nginx: " + u)));
            }
            RepairPolicy.Target t = target;
            listener.on(new EssayEvent.Info("repair " + project.name() + ": slot " + t.slot() + " is live at "
                    + t.version() + "; checking it on " + hosts.size() + " host(s) of role " + role
                    + (transport.dryRun() ? " (dry run: nothing runs)" : "")));
            if (t.note() != null) {
                listener.on(new EssayEvent.Info(t.note()));
            }
            SupervisorConfig.check(project, hosts.get(0), t.slot(), t.version(), t.profile());
            ctx.secrets(t.profile());
            ctx.pipProxy();
            ctx.checkCancelled();
            Map<HostAddress, List<RepairPolicy.Drift>> drift = new ConcurrentHashMap<>();
            ctx.onFleet("probe of slot " + t.slot(), hosts, host -> probeHost(host, t, drift))
                    .hosts().forEach(h -> results.put(h.host(), h));
            ctx.checkCancelled();
            List<HostAddress> drifted = hosts.stream().filter(drift::containsKey).toList();
            List<List<HostAddress>> batches = RepairPolicy.batches(drifted, batchSize);
            if (!drifted.isEmpty()) {
                listener.on(new EssayEvent.Info(drifted.size() + " of " + hosts.size() + " host(s) drifted; repairing them "
                        + batchSize + " at a time (" + batches.size() + " batch(es)); the others are not touched"));
                Secret password = ctx.indexPassword() != null ? ctx.indexPassword() : IndexCredentials.password(project);
                for (int i = 0; i < batches.size(); i++) {
                    ctx.checkCancelled();
                    FleetResult batch = ctx.onFleet("repair", batches.get(i),
                            host -> repairHost(host, t, drift.get(host), password));
                    batch.hosts().forEach(h -> results.put(h.host(), h));
                    if (!batch.ok()) {
                        List<HostAddress> rest = batches.subList(i + 1, batches.size()).stream()
                                .flatMap(List::stream).toList();
                        listener.on(new EssayEvent.RepairStopped(i + 1, rest));
                        rest.forEach(h -> results.put(h, new HostResult(h, HostResult.Status.SKIPPED,
                                java.time.Duration.ZERO, "not attempted: an earlier batch did not come back healthy",
                                null)));
                        break;
                    }
                }
            }
            FleetResult fleet = new FleetResult("repair", hosts.stream().map(results::get).toList());
            List<RepairResult.Drifted> found = drifted.stream().map(h -> new RepairResult.Drifted(h,
                    drift.get(h).stream().map(RepairPolicy.Drift::why).toList())).toList();
            RepairResult result = new RepairResult(role, t.slot(), t.version(), found, fleet);
            // decided once: the ledger and the caller say the same (a cancel after this finds the repair done)
            boolean cancelled = ctx.cancelled();
            if (!result.nothingDrifted()) {
                boolean failed = !result.ok();
                ctx.record(routers, entry(role, t, cancelled ? "cancelled" : failed ? "failed" : "ok", fleet,
                        cancelled ? "cancelled; " + (failed ? result.failure().getMessage() : "every drifted host was"
                                + " repaired") : failed ? result.failure().getMessage()
                                : drifted.size() + " drifted host(s) repaired"));
            }
            listener.on(new EssayEvent.FleetFinished(fleet));
            if (cancelled) {
                throw ctx.cancelledError().withResult(result);
            }
            return result;
        } catch (CancelledException e) {
            if (e.result(RepairResult.class).isPresent()) {
                throw e; // recorded above
            }
            return cancelledRepair(routers, role, hosts, target, results, e);
        } catch (EssayException e) {
            if (ctx.cancelled()) {
                // a step the cancel cut short (reading the ledger, say): the cancel it was
                return cancelledRepair(routers, role, hosts, target, results, FlowContext.cancelled(e, null));
            }
            List<HostResult> partial = hosts.stream().map(results::get).filter(Objects::nonNull).toList();
            ctx.record(routers, entry(role, target, e.exitCode() == ExitCode.CANCELLED ? "cancelled"
                    : e.exitCode() == ExitCode.REFUSED ? "refused" : "failed",
                    partial.isEmpty() ? null : new FleetResult("repair", partial), e.getMessage()));
            throw e;
        }
    }

    /**
     * Records a repair cancelled before its result was complete, every host with its result so far or as not
     * attempted, and throws the cancel carrying them.
     */
    private RepairResult cancelledRepair(RouterSessions routers, String role, List<HostAddress> hosts,
                                         RepairPolicy.Target target, Map<HostAddress, HostResult> results,
                                         CancelledException e) {
        FleetResult fleet = new FleetResult("repair", hosts.stream().map(h -> results.getOrDefault(h,
                new HostResult(h, HostResult.Status.SKIPPED, java.time.Duration.ZERO,
                        "not attempted: cancelled before the repair reached it", null))).toList());
        ctx.record(routers, entry(role, target, "cancelled", fleet, e.getMessage()));
        listener.on(new EssayEvent.FleetFinished(fleet));
        throw e.withResult(new RepairResult(role, target == null ? null : target.slot(),
                target == null ? null : target.version(), List.of(), fleet));
    }

    /** The newest successful release, switch, rollback or adopt the primary router's ledger records, or null. */
    private LedgerEntry lastSwitch(RouterSessions routers) {
        StepReport report = routers.runChecked(routers.primary(), routers.scripts().switches(SWITCH_ENTRIES),
                "check that the ledger in " + project.router().stateDir() + " is readable");
        List<LedgerEntry> entries = report.output("read-switches").lines().map(LedgerEntry::parse)
                .filter(Objects::nonNull).filter(LedgerEntry::putSlotLive).toList();
        return entries.isEmpty() ? null : entries.get(entries.size() - 1);
    }

    /** Reads the live slot on one host and asks the policy whether it drifted: in sync is UNCHANGED, drifted SKIPPED. */
    private HostResult probeHost(HostAddress host, RepairPolicy.Target target,
                                 Map<HostAddress, List<RepairPolicy.Drift>> drift) {
        long start = System.nanoTime();
        try (Session session = ctx.openHost(host)) {
            StepReport probe = ctx.runStep(session, slots.probe(host, target.slot(), true));
            if (!probe.ok()) {
                throw RemoteStepException.of(host, probe, "check that the host can run /bin/sh and reach its slot directory");
            }
            Map<String, String> v = probe.values("read-slot");
            List<HealthCheck.Probe> health = HealthCheck.parse(probe.output("check-health"));
            RepairPolicy.SlotState state = new RepairPolicy.SlotState("yes".equals(v.get("venv")), v.get("stamp.version"),
                    v.get("deploying.version"), "running".equals(v.get("supervisord")), health.size(),
                    health.stream().filter(p -> !p.ok()).map(p -> p.url() + ": " + p.problem()).toList(),
                    health.stream().map(HealthCheck.Probe::version).filter(Objects::nonNull).findFirst().orElse(null),
                    probe.values("read-installed").get("installed"));
            List<RepairPolicy.Drift> why = repair.drift(target.slot(), state, target.version(), transport.dryRun());
            if (why.isEmpty()) {
                listener.on(new EssayEvent.InSync(host, target.slot(), target.version()));
                return new HostResult(host, HostResult.Status.UNCHANGED, ctx.since(start), "in sync: "
                        + DeployFlow.spelled(state.stamped(), target.version()), null);
            }
            drift.put(host, why);
            listener.on(new EssayEvent.DriftFound(host, target.slot(), target.version(),
                    why.stream().map(RepairPolicy.Drift::why).toList()));
            // not attempted until its batch runs: a repair cancelled before then records it as such, not as ok
            return new HostResult(host, HostResult.Status.SKIPPED, ctx.since(start), "drifted (" + kinds(why)
                    + "); not attempted", null);
        } catch (EssayException e) {
            return ctx.failed(host, start, e);
        }
    }

    /** Reinstalls the live version into the live slot of a drifted host: the deploy's step, health-gated. */
    private HostResult repairHost(HostAddress host, RepairPolicy.Target target, List<RepairPolicy.Drift> why,
                                  Secret password) {
        long start = System.nanoTime();
        try (Session session = ctx.openHost(host)) {
            SupervisorConfig.Rendered config = deployFlow.config(host, target.slot(), target.version(), target.profile());
            String installed = deployFlow.install(session, host, target.slot(), target.version(), config,
                    target.profile(), password, true);
            if (transport.dryRun()) {
                return new HostResult(host, HostResult.Status.OK, ctx.since(start), "would reinstall "
                        + target.version(), null);
            }
            listener.on(new EssayEvent.HostRepaired(host, target.slot(), installed));
            return new HostResult(host, HostResult.Status.OK, ctx.since(start), "repaired (" + kinds(why) + "): runs "
                    + DeployFlow.spelled(installed, target.version()), null);
        } catch (RuntimeException e) {
            if (ctx.cancelled()) {
                return new HostResult(host, HostResult.Status.FAILED, ctx.since(start), null, host
                        + ": cancelled while repairing; the live slot " + target.slot() + " may be half-deployed there:"
                        + " run essay repair again");
            }
            return e instanceof EssayException ee ? ctx.failed(host, start, ee)
                    : new HostResult(host, HostResult.Status.FAILED, ctx.since(start), null, host + ": " + e);
        }
    }

    private static String kinds(List<RepairPolicy.Drift> why) {
        return String.join(", ", why.stream().map(d -> d.kind().name().toLowerCase(Locale.ROOT)).distinct().toList());
    }

    /** The ledger entry of a repair: every host's result, with what was found and done there. */
    private LedgerEntry entry(String role, RepairPolicy.Target target, String result, FleetResult fleet, String detail) {
        List<LedgerEntry.HostResult> outcomes = fleet == null ? List.of() : fleet.hosts().stream()
                .map(h -> new LedgerEntry.HostResult(h.host().toString(), h.status().name().toLowerCase(Locale.ROOT),
                        h.duration().toMillis(), h.error() != null ? h.error().lines().findFirst().orElse(h.error())
                        : h.detail()))
                .toList();
        return new LedgerEntry(ctx.now(), actor.user(), actor.cause(), "repair", target == null ? null : target.version(),
                role, null, target == null ? null : target.slot(), result, outcomes, detail,
                target == null ? null : target.profile());
    }
}
