package dev.essay.core.flow;

import dev.essay.core.event.EssayEvent;
import dev.essay.core.api.SwitchRequest;
import dev.essay.core.api.SwitchResult;
import dev.essay.core.deploy.HealthCheck;
import dev.essay.core.error.CancelledException;
import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.ledger.LedgerEntry;
import dev.essay.core.model.HostAddress;
import dev.essay.core.plan.StepReport;
import dev.essay.core.policy.LivePolicy;
import dev.essay.core.policy.SlotPolicy;
import dev.essay.core.router.RouterSessions;
import dev.essay.core.router.Upstream;
import dev.essay.core.run.FleetResult;
import dev.essay.core.run.HostResult;
import dev.essay.core.transport.Session;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Switch, rollback and adopt: check the target slot on every host, ask the {@link SlotPolicy} (target, quorum,
 * versions), then stage, reload and prove on every router, undoing the switch on all of them on any failure.
 */
public final class SwitchFlow extends Flow {
    private final Clock clock;

    public SwitchFlow(FlowContext ctx) {
        super(ctx);
        this.clock = ctx.clock();
    }

    public SwitchResult switchSlot(SwitchRequest request) {
        ctx.checkCancelled();
        if (request.to() != null) {
            project.slot(request.to());
        }
        String action = request.adopt() ? "adopt" : request.rollback() ? "rollback" : "switch";
        try (RouterSessions routers = ctx.routers()) {
            List<RouterSessions.RouterState> states = ctx.lockOrJoin(routers, request.lock(), ctx.holder(action, request.to()));
            if (request.lock() != null) {
                // the shards' deploys go in the ledger before the switch that puts them live
                ctx.recordShards(routers, request.lock());
            }
            return switchLocked(routers, states, request, entry -> ctx.record(routers, entry));
        }
    }

    /**
     * The switch, rollback or adopt, under the lock the caller holds; its ledger entry, whatever the end, goes to
     * {@code ledger} (a switch records it, a release makes it part of its own entry).
     */
    SwitchResult switchLocked(RouterSessions routers, List<RouterSessions.RouterState> states, SwitchRequest request,
                              Consumer<LedgerEntry> ledger) {
        String action = request.adopt() ? "adopt" : request.rollback() ? "rollback" : "switch";
        String role = project.router().role();
        List<HostAddress> hosts = project.hosts(role);
        Upstream.State current = states.get(0).upstream();
        Map<HostAddress, String> profiles = new ConcurrentHashMap<>();
        FleetResult health = null;
        String version = null;
        String live = LivePolicy.decide(states, project.router().upstreamFile()).slot();
        String target = request.to();
        boolean[] undone = {false};
        try {
            LivePolicy.Live seen = request.adopt() ? LivePolicy.decide(states, project.router().upstreamFile())
                    : ctx.live(states, request.force());
            live = seen.slot();
            target = request.adopt() ? policy.adoptTarget(seen, request.to(), request.force())
                    : target(request, live, current);
            String to = target;
            listener.on(new EssayEvent.Info(action + " " + project.name() + ": " + (live == null ? "no live slot" : "slot " + live + " is live")
                    + "; checking slot " + target + " on " + hosts.size() + " host(s)" + (transport.dryRun() ? " (dry run)" : "")));
            ctx.checkCancelled();
            health = ctx.onFleet("health of slot " + target, hosts, host -> checkSlot(host, to, request.force(), profiles));
            listener.on(new EssayEvent.FleetFinished(health));
            ctx.checkCancelled();
            List<HostAddress> healthy = health.hosts().stream().filter(HostResult::ok).map(HostResult::host).toList();
            version = policy.agreedVersion(health.hosts().stream().filter(HostResult::ok).map(HostResult::detail)
                    .toList(), target);
            policy.checkQuorum(action, target, live, healthy.size(), hosts.size(),
                    health.exitCode() == ExitCode.CONNECTION, transport.dryRun());
            String include = Upstream.render(project, transport.dryRun() ? hosts : healthy, target,
                    version == null ? "unknown" : version, current, Instant.now(clock).truncatedTo(ChronoUnit.SECONDS));
            putLive(routers, include, target, healthy.size(), undone);
        } catch (EssayException e) {
            boolean cancelled = e.exitCode() == ExitCode.CANCELLED || ctx.cancelled(); // a step the cancel cut short
            if (cancelled && health == null) {
                // cancelled before the health check asked the hosts: the entry says so host by host
                health = new FleetResult("health of slot " + target, hosts.stream().map(h -> new HostResult(h,
                        HostResult.Status.SKIPPED, Duration.ZERO, "not checked: cancelled before the health check", null))
                        .toList());
                listener.on(new EssayEvent.FleetFinished(health));
            }
            String outcome = cancelled ? "cancelled" : undone[0] ? "undone"
                    : e.exitCode() == ExitCode.REFUSED || e.exitCode() == ExitCode.CONNECTION ? "refused" : "failed";
            ledger.accept(ctx.entry(action, version, role, live, target, outcome, profileOf(profiles), health,
                    e.getMessage()));
            if (cancelled) {
                throw FlowContext.cancelled(e, new SwitchResult(action, live, target, version, health));
            }
            throw e;
        }
        ledger.accept(ctx.entry(action, version, role, live, target, "ok", profileOf(profiles), health, null));
        listener.on(new EssayEvent.Info((transport.dryRun() ? "dry run: nothing ran; " + action + " would put" : action + " done:") + " slot " + target + (version == null ? "" : " (" + version + ")")
                + (transport.dryRun() ? " live" : " is live") + (live == null || live.equals(target) ? ""
                : "; slot " + live + " keeps running for rollback")));
        return new SwitchResult(action, live, target, version, health);
    }

    private static String profileOf(Map<HostAddress, String> profiles) {
        return profiles.values().stream().filter(Objects::nonNull).findFirst().orElse(null);
    }

    private String target(SwitchRequest request, String live, Upstream.State current) {
        SlotPolicy.Decision target = policy.switchTarget(request.rollback(), request.to(), live, current.previous(),
                transport.dryRun());
        target.note().ifPresent(i -> listener.on(new EssayEvent.Info(i)));
        return target.slot();
    }

    private HostResult checkSlot(HostAddress host, String slot, boolean force, Map<HostAddress, String> profiles) {
        long start = System.nanoTime();
        try (Session session = ctx.openHost(host)) {
            StepReport report = ctx.runStep(session, slots.health(host, slot, null, 1));
            Map<String, String> stamp = report.values("read-slot");
            if (stamp.get("stamp.profile") != null) {
                profiles.put(host, stamp.get("stamp.profile"));
            }
            List<HealthCheck.Probe> probes = HealthCheck.parse(report.output("check-health"));
            String version = probes.stream().map(HealthCheck.Probe::version).filter(Objects::nonNull).findFirst()
                    .orElse(stamp.get("stamp.version"));
            if (!report.ok() && !transport.dryRun()) {
                String problems = probes.stream().filter(p -> !p.ok()).map(p -> p.url() + ": " + p.problem())
                        .reduce((a, b) -> a + "\n" + b).orElse(report.result().tail(10));
                return new HostResult(host, HostResult.Status.FAILED, ctx.since(start), version,
                        host + ": slot " + slot + " is not healthy\n" + problems);
            }
            SlotPolicy.Unfinished unfinished = policy.unfinished(host.toString(), slot, stamp.get("deploying.version"),
                    version, force, transport.dryRun());
            if (unfinished.failed()) {
                return new HostResult(host, HostResult.Status.FAILED, ctx.since(start), version, unfinished.failure());
            }
            if (unfinished.warning() != null) {
                listener.on(new EssayEvent.HostInfo(host, unfinished.warning()));
            }
            return new HostResult(host, HostResult.Status.OK, ctx.since(start), version, null);
        } catch (EssayException e) {
            return ctx.failed(host, start, e);
        }
    }

    /**
     * Stage on all routers, reload all, prove on all; any failure (or a cancel) undoes the switch on every router: the
     * routers' journals decide what is put back, so a router the switch had not reached yet is left as it is.
     */
    private void putLive(RouterSessions routers, String include, String target, int healthyHosts, boolean[] undone) {
        String journal = "switch to=" + target + " by=" + actor.user() + " at=" + ctx.now();
        try {
            for (HostAddress router : routers.hosts()) {
                routers.runChecked(router, routers.scripts().stage(include, journal),
                        "nginx rejected the new include; the previous one is back and nginx was not reloaded");
                listener.on(new EssayEvent.SwitchStaged(router, target));
            }
            ctx.checkCancelled();
            routers.onAll(routers.scripts().reload(), "nginx could not reload; check its error log");
            int consecutive = Math.min(20, Math.max(3, 2 * healthyHosts * project.processCount()));
            for (HostAddress router : routers.hosts()) {
                routers.runChecked(router, routers.scripts().prove(target, consecutive),
                        "requests through nginx did not reach slot " + target + "; check router.url"
                                + (project.health().slotHeader().isEmpty() ? " and router.probe"
                                : " and that the service sends the " + project.health().slotHeader() + " header"));
                listener.on(new EssayEvent.SwitchProven(router, target, consecutive));
            }
            routers.onAll(routers.scripts().commit(), null);
        } catch (RuntimeException e) {
            if (transport.dryRun()) {
                throw e;
            }
            listener.on(new EssayEvent.Warning("switch failed; putting the previous upstream back where the switch changed it"));
            for (HostAddress router : routers.hosts()) {
                StepReport restore = routers.run(router, routers.scripts().restore());
                if ("yes".equals(restore.values("restore-upstream").get("restored"))) {
                    undone[0] = true;
                }
                if (!restore.ok()) {
                    listener.on(new EssayEvent.Warning(router + ": could not restore: " + restore.result().tail(10)));
                }
            }
            if (ctx.cancelled()) {
                throw new CancelledException("cancelled during the switch; " + (undone[0]
                        ? "the switch was undone" : "nothing had changed on the routers") + " and the release lock"
                        + " was released", "run essay status to see the state the fleet was left in", e);
            }
            if (e instanceof EssayException ee && ee.exitCode() != ExitCode.CANCELLED) {
                throw new EssayException(ExitCode.REFUSED, ee.getMessage() + "; switch undone, the previous slot is live",
                        ee.detail(), ee.suggestion(), ee);
            }
            throw e;
        }
    }
}
