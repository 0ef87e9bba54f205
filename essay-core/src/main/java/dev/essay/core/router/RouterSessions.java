package dev.essay.core.router;

import dev.essay.core.event.EssayEvent;
import dev.essay.core.event.EngineListener;
import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.lock.LockHeldException;
import dev.essay.core.lock.LockHolder;
import dev.essay.core.model.HostAddress;
import dev.essay.core.model.Project;
import dev.essay.core.plan.RemoteStepException;
import dev.essay.core.plan.Step;
import dev.essay.core.plan.StepReport;
import dev.essay.core.transport.RemoteScript;
import dev.essay.core.transport.Session;
import dev.essay.core.transport.Transport;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sessions to every router host, opened once per operation. The first router holds the lock; every
 * router gets the include and the ledger line.
 */
public final class RouterSessions implements AutoCloseable {
    private final Project project;
    private final RouterScripts scripts;
    private final Transport transport;
    private final boolean dryRun;
    private final EngineListener listener;
    private final Map<HostAddress, Session> sessions = new LinkedHashMap<>();
    /** RouterSessions whose session {@link #interrupt} closed: the next step there opens a new one. */
    private final Set<HostAddress> interrupted = new HashSet<>();
    private boolean closed;
    private LockHolder held;

    private RouterSessions(Project project, Transport transport, EngineListener listener) {
        this.project = project;
        this.scripts = new RouterScripts(project);
        this.transport = transport;
        this.dryRun = transport.dryRun();
        this.listener = listener;
    }

    /** Connects to every router host; fails (closing what was opened) if any cannot be reached. */
    public static RouterSessions open(Project project, Transport transport, EngineListener listener) {
        RouterSessions routers = new RouterSessions(project, transport, listener);
        try {
            for (HostAddress host : project.router().hosts()) {
                routers.sessions.put(host, transport.open(host));
            }
        } catch (RuntimeException e) {
            routers.close();
            throw e;
        }
        return routers;
    }

    public List<HostAddress> hosts() {
        return List.copyOf(sessions.keySet());
    }

    public HostAddress primary() {
        return sessions.keySet().iterator().next();
    }

    public RouterScripts scripts() {
        return scripts;
    }

    /**
     * What a router says: its include (essay's header, and the slots whose ports its servers use), an interrupted
     * switch (journal), the lock holder, and which slots answered through nginx.
     */
    public record RouterState(HostAddress host, Upstream.State upstream, boolean journal, LockHolder lockHolder,
                              boolean includePresent, java.util.Set<String> includeSlots, Observation observation,
                              String journalText) {
    }

    /** Takes the release lock on the primary router; returns the state of every router read under it. */
    public List<RouterState> lock(LockHolder holder) {
        StepReport report = run(primary(), scripts.lock(holder));
        Map<String, String> values = report.values("acquire-lock");
        if (!dryRun && !"acquired".equals(values.get("lock"))) {
            if (!"held".equals(values.get("lock"))) {
                // the step ended before it said (a cancel closed the session, the connection broke): the mkdir may
                // have taken the lock, so give back what is ours (only if our id holds it) before failing
                held = holder;
                unlock();
                throw RemoteStepException.of(primary(), report, "the lock step did not finish; run the command again");
            }
            throw new LockHeldException(primary().toString(), LockHolder.fromFields(holderFields(values)));
        }
        held = holder;
        if (!dryRun) {
            listener.on(new EssayEvent.LockAcquired(primary(), holder.toString()));
        }
        List<RouterState> states = new ArrayList<>();
        states.add(parseState(project, primary(), report));
        for (HostAddress host : sessions.keySet()) {
            if (!host.equals(primary())) {
                states.add(parseState(project, host, run(host, scripts.state())));
            }
        }
        return states;
    }

    /**
     * Works under a release lock held for a sharded release ({@code Engine.hold}) instead of taking it: reads every
     * router's state and checks that the primary router's lock is still that holder's. Closing these sessions leaves
     * the lock held.
     *
     * @throws EssayException (refused) naming the router and who holds the lock now, when it is not {@code lockId}'s
     */
    public List<RouterState> join(String lockId) {
        List<RouterState> states = state();
        LockHolder holder = states.get(0).lockHolder();
        if (!dryRun && (holder == null || !lockId.equals(holder.id()))) {
            throw new EssayException(ExitCode.REFUSED, "the release lock " + lockId + " is not held on " + primary()
                    + " (" + (holder == null ? "the lock is free" : "it is held by " + holder + ", id " + holder.id())
                    + "): the block that held it has ended, or the lock was broken", null,
                    "run the deploy or switch inside the block that holds the lock (essayLock), or without a lock id",
                    null);
        }
        return states;
    }

    /** Leaves the lock held when these sessions close (a lock held for a sharded release outlives the command). */
    public void keepLock() {
        held = null;
    }

    /** Reads every router's state without locking (status, dry runs). */
    public List<RouterState> state() {
        List<RouterState> states = new ArrayList<>();
        for (HostAddress host : sessions.keySet()) {
            states.add(parseState(project, host, run(host, scripts.state())));
        }
        return states;
    }

    /**
     * Reads one router's state on a session of its own, without locking ({@code essay status}: a router that cannot
     * be reached must not hide the others).
     */
    public static RouterState readState(Project project, Transport transport, HostAddress host) {
        try (Session session = transport.open(host)) {
            return parseState(project, host, new StepReport(session.run(new RouterScripts(project).state().toScript(), line -> {
            })));
        }
    }

    private static RouterState parseState(Project project, HostAddress host, StepReport report) {
        Map<String, String> v = report.values("read-state");
        LockHolder holder = "held".equals(v.get("lock")) ? LockHolder.fromFields(holderFields(v)) : null;
        java.util.Set<String> includeSlots = new java.util.LinkedHashSet<>();
        for (String line : report.output("read-state").split("\n")) {
            if (line.startsWith("server=")) {
                String slot = slotOfServer(project, line.substring("server=".length()));
                if (slot != null) {
                    includeSlots.add(slot);
                }
            }
        }
        return new RouterState(host, Upstream.parse(v.get("header")), "present".equals(v.get("journal")), holder,
                "present".equals(v.get("include")), includeSlots, Observation.parse(project, report.output("observe-nginx")),
                v.get("journal.text"));
    }

    /** The slot whose ports an include's {@code server host:port} uses, or null. */
    private static String slotOfServer(Project project, String server) {
        int colon = server.lastIndexOf(':');
        if (colon < 0 || !server.substring(colon + 1).matches("[0-9]{1,5}")) {
            return null;
        }
        int port = Integer.parseInt(server.substring(colon + 1));
        return project.slots().values().stream().filter(s -> s.ports(project.processCount()).contains(port))
                .map(Project.Slot::name).findFirst().orElse(null);
    }

    private static Map<String, String> holderFields(Map<String, String> values) {
        Map<String, String> f = new LinkedHashMap<>();
        values.forEach((k, val) -> {
            if (k.startsWith("holder.")) {
                f.put(k.substring(7), val);
            }
        });
        return f;
    }

    /** Releases the lock if we hold it; never throws (runs on failure paths and on Ctrl-C). */
    public void unlock() {
        if (held == null) {
            return;
        }
        String problem = null;
        // a cancel may close the session while the unlock runs: then once more, on a new session
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                String lock = run(primary(), scripts.unlock(held.id())).values("release-lock").get("lock");
                if ("released".equals(lock) || "not-ours".equals(lock)) {
                    if ("released".equals(lock)) {
                        listener.on(new EssayEvent.LockReleased(primary()));
                    }
                    held = null;
                    return;
                }
                problem = "the unlock step did not finish";
            } catch (RuntimeException e) {
                problem = e.getMessage();
            }
            reconnect(primary());
        }
        listener.on(new EssayEvent.Warning("could not release the lock on " + primary() + ": " + problem
                + "; run `essay unlock --id " + held.id() + "` once that host is reachable"));
    }

    /** The next step on {@code host} opens a new session (the current one was closed, or broke). */
    public synchronized void reconnect(HostAddress host) {
        if (!closed && sessions.containsKey(host)) {
            try {
                sessions.get(host).close();
            } catch (RuntimeException ignored) {
                // it may be closed already
            }
            interrupted.add(host);
        }
    }

    /** Runs one step on every router in order; on the first failure throws with that router's output. */
    public void onAll(Step step, String suggestion) {
        for (HostAddress host : sessions.keySet()) {
            runChecked(host, step, suggestion);
        }
    }

    public StepReport runChecked(HostAddress host, Step step, String suggestion) {
        StepReport report = run(host, step);
        if (!report.ok()) {
            throw RemoteStepException.of(host, report, suggestion);
        }
        return report;
    }

    public StepReport run(HostAddress host, Step step) {
        Session session = session(host);
        RemoteScript script = step.toScript();
        return new StepReport(session.run(script, line -> {
            StepReport.Marker m = StepReport.Marker.parse(line);
            if (m != null && m.kind() == StepReport.Marker.Kind.FAIL) {
                listener.on(new EssayEvent.StepFailed(host, script.name(), m.operation(), m.exit()));
            }
        }));
    }

    private synchronized Session session(HostAddress host) {
        if (interrupted.remove(host)) {
            sessions.put(host, transport.open(host));
        }
        return sessions.get(host);
    }

    /**
     * Ends the steps running on the routers now (from any thread, e.g. on Ctrl-C) by closing their sessions; a step
     * run afterwards (putting the previous include back, releasing the lock) opens a new session.
     */
    public synchronized void interrupt() {
        if (closed) {
            return;
        }
        for (Map.Entry<HostAddress, Session> e : sessions.entrySet()) {
            interrupted.add(e.getKey());
            try {
                e.getValue().close();
            } catch (RuntimeException ignored) {
                // closing is best effort
            }
        }
    }

    /** Round trips per router so far. */
    public int roundTrips() {
        return sessions.values().stream().mapToInt(Session::roundTrips).sum();
    }

    @Override
    public void close() {
        unlock();
        synchronized (this) {
            closed = true;
            interrupted.clear();
        }
        for (Session s : sessions.values()) {
            try {
                s.close();
            } catch (RuntimeException ignored) {
                // closing is best effort
            }
        }
        sessions.clear();
    }
}
