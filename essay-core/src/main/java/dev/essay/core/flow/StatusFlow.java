package dev.essay.core.flow;

import dev.essay.core.api.StatusReport;
import dev.essay.core.deploy.HealthCheck;
import dev.essay.core.error.EssayException;
import dev.essay.core.ledger.LedgerEntry;
import dev.essay.core.ledger.ShardEntries;
import dev.essay.core.lock.LockHolder;
import dev.essay.core.model.HostAddress;
import dev.essay.core.plan.StepReport;
import dev.essay.core.policy.LivePolicy;
import dev.essay.core.router.RouterSessions;
import dev.essay.core.run.FleetRunner;
import dev.essay.core.transport.Session;
import dev.essay.core.transport.TransportException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Status, history and unlock: what the routers and hosts show, the ledger, and breaking a stale release lock.
 */
public final class StatusFlow extends Flow {

    public StatusFlow(FlowContext ctx) {
        super(ctx);
    }

    public StatusReport status(String role) {
        List<HostAddress> hosts = project.hosts(role == null ? project.defaultRole() : role);
        List<StatusReport.RouterStatus> routerStatus = new ArrayList<>();
        List<RouterSessions.RouterState> states = new ArrayList<>();
        // each router on its own: one that cannot be read is reported, and neither hides the others nor the hosts
        for (HostAddress router : project.router().hosts()) {
            try {
                states.add(RouterSessions.readState(project, transport, router));
            } catch (TransportException e) {
                // not reached, not trusted, or the connection broke; anything else (an unusable key) is the caller's
                routerStatus.add(StatusReport.RouterStatus.unreadable(router, e.getMessage()));
            }
        }
        for (RouterSessions.RouterState s : states) {
            String includeSlot = s.upstream().slot() != null ? s.upstream().slot()
                    : s.includeSlots().size() == 1 ? s.includeSlots().iterator().next() : null;
            LockHolder holder = s.lockHolder();
            routerStatus.add(new StatusReport.RouterStatus(s.host(), includeSlot, s.upstream().version(),
                    s.upstream().previous(), s.upstream().time(), holder == null ? null : holder.toString(), s.journal(),
                    List.copyOf(s.observation().slots()), holder == null ? null : holder.id(),
                    holder == null ? null : holder.gone().orElse(null), null));
        }
        LivePolicy.Live live = LivePolicy.decide(states, project.router().upstreamFile());
        List<StatusReport.HostStatus> hostStatus = new ArrayList<>();
        try {
            for (FleetRunner.Outcome<StatusReport.HostStatus> o : new FleetRunner(project.parallelism()).run(hosts, this::hostStatus)) {
                hostStatus.add(o.ok() ? o.value() : new StatusReport.HostStatus(o.host(), List.of(), String.valueOf(o.error().getMessage())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ctx.cancelledError();
        }
        return new StatusReport(routerStatus, hostStatus,
                new StatusReport.Live(live.slot(), live.proven(), live.disagreements(), live.unproven()));
    }

    private StatusReport.HostStatus hostStatus(HostAddress host) {
        try (Session session = ctx.openHost(host)) {
            List<StatusReport.SlotStatus> result = new ArrayList<>();
            for (String slot : project.slots().keySet()) {
                StepReport r = ctx.runStep(session, slots.status(host, slot));
                Map<String, String> v = r.values("read-slot");
                List<HealthCheck.Probe> probes = HealthCheck.parse(r.output("check-health"));
                List<String> processes = r.output("process-states").lines().filter(l -> !l.isBlank())
                        .map(l -> l.replaceAll("\\s+", " ").strip()).toList();
                String answering = probes.stream().map(HealthCheck.Probe::version).filter(Objects::nonNull).findFirst()
                        .orElse(null);
                List<String> problems = new ArrayList<>(probes.stream().filter(p -> !p.ok())
                        .map(p -> p.url() + ": " + p.problem()).toList());
                String unfinished = v.get("deploying.version");
                if (unfinished != null) {
                    problems.add("the deploy of " + unfinished + " did not finish (failed, cancelled or killed); the slot"
                            + " answers as " + (answering == null ? "nothing" : answering) + "; deploy it again before"
                            + " switching to it");
                }
                result.add(new StatusReport.SlotStatus(slot, v.get("stamp.version"), "running".equals(v.get("supervisord")),
                        processes, !probes.isEmpty() && probes.stream().allMatch(HealthCheck.Probe::ok), problems,
                        answering, unfinished));
            }
            return new StatusReport.HostStatus(host, result, null);
        } catch (EssayException e) {
            return new StatusReport.HostStatus(host, List.of(), e.getMessage());
        }
    }

    /** The newest {@code limit} ledger entries from the primary router, oldest first. */
    public List<LedgerEntry> history(int limit) {
        try (RouterSessions routers = ctx.routers()) {
            StepReport report = routers.runChecked(routers.primary(), routers.scripts().readLedger(limit), null);
            return report.output("read-ledger").lines().map(LedgerEntry::parse).filter(Objects::nonNull).toList();
        }
    }


    /**
     * Breaks the release lock: whoever holds it, or with {@code id} only when that holder still has it (so a lock taken
     * anew meanwhile is not broken). The broken holder's attempt goes in the ledger as interrupted, except the end of a
     * lock held for a sharded release ({@link #hold}) by its own id; the deploys its shards kept under it are recorded
     * (one entry each). Returns who held it (null if it was free or held by another id) and what the shards recorded.
     */
    public Unlocked unlock(String id) {
        try (RouterSessions routers = ctx.routers()) {
            StepReport report = routers.runChecked(routers.primary(), routers.scripts().breakLock(id), null);
            Map<String, String> v = report.values("break-lock");
            if (!"broken".equals(v.get("lock"))) {
                return new Unlocked(null, List.of());
            }
            Map<String, String> fields = new java.util.LinkedHashMap<>();
            v.forEach((k, val) -> {
                if (k.startsWith("holder.")) {
                    fields.put(k.substring(7), val);
                }
            });
            LockHolder holder = LockHolder.fromFields(fields);
            boolean endOfHold = id != null && holder.isHold();
            if (!endOfHold) {
                ctx.record(routers, ctx.attempt(holder, holder.user(), holder.cause(), "interrupted", "its process ended"
                        + " without releasing the lock (held since " + holder.started() + (holder.pid() == null ? ""
                        : ", " + holder.process()) + "); lock broken by " + actor.user()));
            }
            List<LedgerEntry> shards = ShardEntries.merge(ShardEntries.parse(report.output("break-lock")));
            for (LedgerEntry e : shards) {
                ctx.record(routers, e);
            }
            // what the dead holder left half done on the routers is undone now, under a lock of our own: afterwards the
            // include says what nginx serves, so a plain reload (logrotate) cannot move traffic to an unproven slot
            ctx.recoverInterruptedSwitch(routers, ctx.lock(routers, ctx.holder("unlock", null)));
            return new Unlocked(holder, shards);
        }
    }

    /** Who held the lock {@link #unlock} removed (null: none), and the shards' deploys it recorded. */
    public record Unlocked(LockHolder holder, List<LedgerEntry> shards) {
    }

    /**
     * Takes the release lock and keeps it after this call, for a sharded release: deploys and a switch given its id
     * run under it (each shard of the deploy on its own machine), and {@link #unlock} with its id ends it. The holder
     * names no process (the lock outlives this one), so it is never taken for stale; {@code note} says what holds it.
     */
    public LockHolder hold(String note) {
        ctx.checkCancelled();
        LockHolder holder = new LockHolder(java.util.UUID.randomUUID().toString(), actor.user(), actor.cause(),
                LockHolder.HOLD + (note == null || note.isBlank() ? "" : " " + note.strip()), ctx.now());
        try (RouterSessions routers = ctx.routers()) {
            ctx.lockOrJoin(routers, null, holder);
            routers.keepLock();
            return holder;
        }
    }
}
