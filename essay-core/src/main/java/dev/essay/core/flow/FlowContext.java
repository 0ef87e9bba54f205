package dev.essay.core.flow;

import dev.essay.core.event.EssayEvent;
import dev.essay.core.deploy.SlotScripts;
import dev.essay.core.error.CancelledException;
import dev.essay.core.error.EssayException;
import dev.essay.core.event.EngineListener;
import dev.essay.core.ledger.LedgerEntry;
import dev.essay.core.ledger.ShardEntries;
import dev.essay.core.lock.LockHolder;
import dev.essay.core.model.Actor;
import dev.essay.core.model.HostAddress;
import dev.essay.core.model.Project;
import dev.essay.core.model.Secret;
import dev.essay.core.plan.RemoteStepException;
import dev.essay.core.plan.Step;
import dev.essay.core.plan.StepReport;
import dev.essay.core.policy.LivePolicy;
import dev.essay.core.policy.SlotPolicy;
import dev.essay.core.router.RouterSessions;
import dev.essay.core.run.FleetResult;
import dev.essay.core.run.FleetRunner;
import dev.essay.core.run.HostResult;
import dev.essay.core.transport.RemoteScript;
import dev.essay.core.transport.Session;
import dev.essay.core.transport.Transport;
import dev.essay.core.transport.TransportException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the flows share for one {@link dev.essay.core.Engine}: the project, transport, listener, actor and clock; the
 * open sessions a cancel closes; the release lock, the ledger and the recovery of an interrupted switch.
 */
public final class FlowContext {
    private final Project project;
    private final Transport transport;
    private final EngineListener listener;
    private final Actor actor;
    private final Secret indexPassword;
    private final java.util.function.Function<String, String> environment;
    private final Clock clock;
    private final SlotScripts slots;
    private final SlotPolicy policy;
    private final Set<Session> openHostSessions = ConcurrentHashMap.newKeySet();
    private final Set<RouterSessions> openRouters = ConcurrentHashMap.newKeySet();
    private volatile boolean cancelled;

    public FlowContext(Project project, Transport transport, EngineListener listener, Actor actor, Secret indexPassword,
                       Clock clock) {
        this(project, transport, listener, actor, indexPassword, System::getenv, clock);
    }

    /** @param environment where {@code {env: VAR}} secrets are read: essay's environment, or a Jenkins build's */
    public FlowContext(Project project, Transport transport, EngineListener listener, Actor actor, Secret indexPassword,
                       java.util.function.Function<String, String> environment, Clock clock) {
        this.environment = environment;
        this.project = project;
        this.transport = transport;
        this.listener = listener;
        this.actor = actor;
        this.indexPassword = indexPassword;
        this.clock = clock;
        this.slots = new SlotScripts(project);
        this.policy = SlotPolicy.of(project);
    }

    Project project() {
        return project;
    }

    Transport transport() {
        return transport;
    }

    EngineListener listener() {
        return listener;
    }

    Actor actor() {
        return actor;
    }

    Secret indexPassword() {
        return indexPassword;
    }

    /** The secrets of {@code profile} (essay.yaml {@code secrets}), read where essay runs; a usage error when one is missing. */
    Map<String, Secret> secrets(String profile) {
        return dev.essay.core.deploy.ServiceSecrets.read(project, profile, environment);
    }

    /** The proxy pip uses when essay.yaml names a variable or file holding it, or null. */
    Secret pipProxy() {
        return dev.essay.core.deploy.ServiceSecrets.pipProxy(project, environment);
    }

    Clock clock() {
        return clock;
    }

    SlotScripts slots() {
        return slots;
    }

    SlotPolicy policy() {
        return policy;
    }

    boolean cancelled() {
        return cancelled;
    }

    /**
     * Stops work in progress: closes host and router sessions (remote steps end with their connection) and makes
     * the running operation undo a switch in progress, release the lock (on new router sessions) and throw a
     * CANCELLED error. Safe from any thread. Only the first call acts: a second one (the Jenkins plugin's stop arrives
     * from the agent's interrupt and from the controller's cancel) must not close the new router sessions on which
     * the operation is undoing the switch, recording the cancel and releasing the lock.
     */
    public void cancel() {
        synchronized (this) {
            if (cancelled) {
                return;
            }
            cancelled = true;
        }
        for (Session s : openHostSessions) {
            s.close();
        }
        for (RouterSessions r : openRouters) {
            r.interrupt();
        }
    }


    /**
     * Undoes a switch that was interrupted (its journal is still on the router: the process was killed, or its
     * connection lost), records that in the ledger, and returns the routers' state as it is afterwards.
     */
    List<RouterSessions.RouterState> recoverInterruptedSwitch(RouterSessions routers, List<RouterSessions.RouterState> states) {
        boolean recovered = false;
        for (RouterSessions.RouterState state : states) {
            if (state.journal() && !transport.dryRun()) {
                listener.on(new EssayEvent.Warning(state.host() + ": an earlier switch was interrupted; putting back the include it replaced"));
                StepReport r = routers.runChecked(state.host(), routers.scripts().restore(),
                        "restore the include by hand from " + project.router().upstreamFile() + ".essay-prev, run nginx -t"
                                + " and reload, then remove " + project.router().stateDir() + "/switch.journal");
                Map<String, String> v = r.values("restore-upstream");
                String journal = state.journalText();
                String to = journal == null ? null : journal.replaceFirst("^.*\\bto=(\\S+).*$", "$1");
                record(routers, new LedgerEntry(now(), actor.user(), actor.cause(), "switch", null, project.router().role(),
                        null, journal != null && journal.contains("to=") ? to : null, "undone", List.of(),
                        "interrupted" + (journal == null ? "" : " (" + journal + ")") + "; undone on " + state.host()
                                + " by the next command" + ("yes".equals(v.get("changed"))
                                ? ": the previous include is back and nginx was reloaded" : ": the include had not changed"),
                        null));
                recovered = true;
            }
        }
        return recovered ? routers.state() : states;
    }

    interface HostWork {
        HostResult run(HostAddress host);
    }

    FleetResult onFleet(String action, List<HostAddress> hosts, HostWork work) {
        try {
            List<HostResult> results = new ArrayList<>();
            for (FleetRunner.Outcome<HostResult> o : new FleetRunner(project.parallelism()).run(hosts, work::run)) {
                results.add(o.ok() ? o.value() : new HostResult(o.host(), HostResult.Status.FAILED, Duration.ZERO, null,
                        o.host() + ": " + o.error()));
            }
            FleetResult fleet = new FleetResult(action, results);
            for (HostResult failed : fleet.failed()) {
                listener.on(new EssayEvent.HostFailed(failed.host(), failed.error()));
            }
            return fleet;
        } catch (InterruptedException e) {
            cancel();
            Thread.currentThread().interrupt();
            throw cancelledError();
        }
    }

    /** Sessions to the routers for one operation; {@link #cancel} interrupts the steps running there. */
    RouterSessions routers() {
        RouterSessions routers = RouterSessions.open(project, transport, listener);
        openRouters.add(routers);
        return routers;
    }

    Session openHost(HostAddress host) {
        checkCancelled();
        Session session;
        try {
            session = transport.open(host);
        } catch (TransportException e) {
            throw e.whileConnecting();
        }
        openHostSessions.add(session);
        return Session.of(host, session::run, () -> {
            openHostSessions.remove(session);
            session.close();
        });
    }

    /** Runs a step, turning its markers into progress lines for the host. */
    StepReport runStep(Session session, Step step) {
        checkCancelled();
        RemoteScript script = step.toScript();
        long[] started = {System.nanoTime()};
        boolean shown = !step.name().equals("probe") && !step.name().equals("health") && !step.name().equals("status");
        return new StepReport(session.run(script, line -> {
            StepReport.Marker m = StepReport.Marker.parse(line);
            if (m == null) {
                return;
            }
            if (m.kind() == StepReport.Marker.Kind.BEGIN) {
                started[0] = System.nanoTime();
                listener.on(new EssayEvent.StepStarted(session.host(), step.name(), m.operation()));
            } else if (m.kind() == StepReport.Marker.Kind.END) {
                listener.on(new EssayEvent.StepFinished(session.host(), step.name(), m.operation(),
                        Duration.ofNanos(System.nanoTime() - started[0]), shown));
            } else if (m.kind() == StepReport.Marker.Kind.FAIL && m.exit() != null) {
                listener.on(new EssayEvent.StepFailed(session.host(), step.name(), m.operation(), m.exit()));
            }
        }));
    }

    /**
     * The live slot as the routers show it (see {@link LivePolicy}): refuses when their evidence disagrees, unless
     * forced (then warns and goes on with what nginx serves).
     */
    LivePolicy.Live live(List<RouterSessions.RouterState> states, boolean force) {
        LivePolicy.Live live = LivePolicy.decide(states, project.router().upstreamFile());
        policy.checkLive(live, force, transport.dryRun()).forEach(w -> listener.on(new EssayEvent.Warning(w)));
        return live;
    }

    /**
     * Takes the release lock; a lock step that a cancel cut short is reported as the cancel it was, and the attempt
     * is recorded as cancelled.
     */
    List<RouterSessions.RouterState> lock(RouterSessions routers, LockHolder holder) {
        try {
            return routers.lock(holder);
        } catch (RemoteStepException | dev.essay.core.transport.TransportException e) {
            if (cancelled) {
                record(routers, attempt(holder, actor.user(), actor.cause(), "cancelled",
                        "cancelled while taking the release lock"));
                throw cancelledError();
            }
            throw e;
        }
    }

    /**
     * Takes the release lock for {@code holder}, or works under the held lock {@code lockId} when it is given (a shard
     * of a sharded release), then puts back a switch that was interrupted; returns the routers' state.
     */
    List<RouterSessions.RouterState> lockOrJoin(RouterSessions routers, String lockId, LockHolder holder) {
        return recoverInterruptedSwitch(routers, lockId == null ? lock(routers, holder) : routers.join(lockId));
    }

    /**
     * Keeps a shard's deploy entry under the held lock {@code lockId} (on the primary router), to be merged with the
     * other shards' into one ledger entry by {@link #recordShards}; warns when it could not be kept.
     */
    void keepShard(RouterSessions routers, String lockId, LedgerEntry entry) {
        if (transport.dryRun()) {
            return;
        }
        LedgerEntry e = entry.id() == null ? entry.withId(UUID.randomUUID().toString()) : entry;
        String problem;
        try {
            StepReport r = routers.run(routers.primary(), routers.scripts().keepShard(lockId, e.toJson(), e.id()));
            String kept = r.values("keep-shard").get("shard");
            problem = "kept".equals(kept) ? null : "no-lock".equals(kept)
                    ? "the release lock " + lockId + " is no longer held" : r.result().tail(5);
        } catch (RuntimeException ex) {
            problem = ex.getMessage();
        }
        if (problem != null) {
            listener.on(new EssayEvent.Warning(routers.primary() + ": could not keep this shard's entry for the ledger ("
                    + problem + "); recording it on its own"));
            record(routers, e);
        }
    }

    /**
     * Records the deploys the shards kept under the held lock {@code lockId} as one ledger entry each (see
     * {@link ShardEntries#merge}) and forgets them; returns what was recorded.
     */
    List<LedgerEntry> recordShards(RouterSessions routers, String lockId) {
        if (transport.dryRun()) {
            return List.of();
        }
        List<LedgerEntry> merged = ShardEntries.merge(ShardEntries.parse(
                routers.runChecked(routers.primary(), routers.scripts().readShards(lockId), null).output("read-shards")));
        for (LedgerEntry e : merged) {
            record(routers, e);
        }
        if (!merged.isEmpty()) {
            routers.run(routers.primary(), routers.scripts().clearShards(lockId));
        }
        return merged;
    }

    /**
     * A ledger entry for the attempt a lock holder names ({@code "deploy 2.0.0"}, {@code "switch b"}): its action, and
     * the version (deploy) or target slot (others) when the holder names one.
     */
    LedgerEntry attempt(LockHolder holder, String user, String cause, String result, String detail) {
        String[] words = holder.action() == null ? new String[] {"unknown"} : holder.action().split(" ");
        String named = words.length > 1 ? words[1] : null;
        boolean deploy = words[0].equals("deploy");
        return new LedgerEntry(now(), user, cause, words[0], deploy ? named : null, null, null, deploy ? null : named,
                result, List.of(), detail);
    }

    LockHolder holder(String action, String detail) {
        return LockHolder.forThisProcess(UUID.randomUUID().toString(), actor.user(), actor.cause(),
                action + (detail == null ? "" : " " + detail), now());
    }

    /**
     * Appends an entry on every router; an append cut short (a cancel closed the session, the connection broke) is
     * tried once more on a new session, and the entry's id keeps it from being written twice.
     */
    void record(RouterSessions routers, LedgerEntry entry) {
        if (transport.dryRun()) {
            return;
        }
        LedgerEntry e = entry.id() == null ? entry.withId(UUID.randomUUID().toString()) : entry;
        for (HostAddress router : routers.hosts()) {
            String problem = null;
            for (int attempt = 0; attempt < 2; attempt++) {
                try {
                    StepReport r = routers.run(router, routers.scripts().appendLedger(e.toJson(), e.id()));
                    if (r.ok()) {
                        problem = null;
                        break;
                    }
                    problem = r.result().tail(5);
                } catch (RuntimeException ex) {
                    problem = ex.getMessage();
                }
                routers.reconnect(router);
            }
            if (problem != null) {
                listener.on(new EssayEvent.Warning(router + ": could not append to the ledger: " + problem));
            }
        }
    }

    LedgerEntry entry(String action, String version, String role, String from, String to, String result,
                              String profile, FleetResult fleet, String detail) {
        return new LedgerEntry(now(), actor.user(), actor.cause(), action, version, role, from, to, result,
                fleet == null ? List.of() : outcomes(fleet), detail, profile);
    }

    static List<LedgerEntry.HostResult> outcomes(FleetResult fleet) {
        return fleet.hosts().stream().map(h -> new LedgerEntry.HostResult(h.host().toString(),
                h.status().name().toLowerCase(java.util.Locale.ROOT), h.duration().toMillis())).toList();
    }

    HostResult failed(HostAddress host, long start, EssayException e) {
        String error = e.getMessage() + (e.detail() == null || e.detail().isBlank() ? "" : "\n" + e.detail())
                + (e.suggestion() == null ? "" : "\nhint: " + e.suggestion());
        return new HostResult(host, HostResult.Status.FAILED, since(start), null, error,
                e instanceof TransportException t && t.connecting());
    }

    void checkCancelled() {
        if (cancelled || Thread.currentThread().isInterrupted()) {
            throw cancelledError();
        }
    }

    CancelledException cancelledError() {
        return new CancelledException(CANCELLED, CANCELLED_HINT, null);
    }

    private static final String CANCELLED = "cancelled; the release lock was released";
    private static final String CANCELLED_HINT = "run essay status to see the state the fleet was left in";

    /**
     * The cancelled error of an operation that got as far as {@code partial} (its result: every host's part; null
     * for none): {@code e} itself when it is one (keeping a result it already carries), else the cancel that cut
     * {@code e} short.
     */
    static CancelledException cancelled(EssayException e, Object partial) {
        CancelledException c = e instanceof CancelledException ce ? ce : new CancelledException(CANCELLED, CANCELLED_HINT, e);
        return partial == null || c.result(Object.class).isPresent() ? c : c.withResult(partial);
    }

    /**
     * Runs an operation of the engine; an error it throws after a cancel is the cancel it was (a step the cancel cut
     * short fails as a broken connection, say), so front ends report and record it as cancelled.
     */
    public <T> T cancellable(java.util.function.Supplier<T> operation) {
        try {
            return operation.get();
        } catch (EssayException e) {
            throw cancelled ? cancelled(e, null) : e;
        }
    }

    String now() {
        return Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
