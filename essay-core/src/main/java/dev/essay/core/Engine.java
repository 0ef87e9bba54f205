package dev.essay.core;

import dev.essay.core.deploy.HealthCheck;
import dev.essay.core.deploy.SlotScripts;
import dev.essay.core.deploy.SupervisorConfig;
import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.event.EngineListener;
import dev.essay.core.ledger.LedgerEntry;
import dev.essay.core.lock.LockHolder;
import dev.essay.core.model.Actor;
import dev.essay.core.model.HostAddress;
import dev.essay.core.model.Pep440;
import dev.essay.core.model.Project;
import dev.essay.core.model.Secret;
import dev.essay.core.pkg.PackageResult;
import dev.essay.core.pkg.Packager;
import dev.essay.core.plan.RemoteStepException;
import dev.essay.core.plan.Step;
import dev.essay.core.plan.StepReport;
import dev.essay.core.router.Routers;
import dev.essay.core.router.Upstream;
import dev.essay.core.run.FleetResult;
import dev.essay.core.run.FleetRunner;
import dev.essay.core.run.HostResult;
import dev.essay.core.transport.RemoteScript;
import dev.essay.core.transport.Session;
import dev.essay.core.transport.Transport;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * essay's API: release, deploy, switch, rollback, status, history, unlock. Front ends build one from a
 * {@link Project}, a {@link Transport} (SSH, or printing for dry runs) and a listener for progress.
 * Every fleet-changing operation runs under the release lock on the router host and is recorded in
 * the ledger there.
 */
public final class Engine {
    private static final Pattern PROFILE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Project project;
    private final Transport transport;
    private final EngineListener listener;
    private final Actor actor;
    private final Secret indexPassword;
    private final Clock clock;
    private final SlotScripts slots;
    private final Set<Session> openHostSessions = ConcurrentHashMap.newKeySet();
    private final Set<Routers> openRouters = ConcurrentHashMap.newKeySet();
    private volatile boolean cancelled;

    private Engine(Builder b) {
        this.project = Objects.requireNonNull(b.project, "project");
        this.transport = Objects.requireNonNull(b.transport, "transport");
        this.listener = b.listener == null ? EngineListener.SILENT : b.listener;
        this.actor = b.actor == null ? Actor.local("essay") : b.actor;
        this.indexPassword = b.indexPassword;
        this.clock = b.clock == null ? Clock.systemUTC() : b.clock;
        this.slots = new SlotScripts(project);
    }

    public static Builder builder(Project project) {
        return new Builder(project);
    }

    public Project project() {
        return project;
    }

    /**
     * Stops work in progress: closes host and router sessions (remote steps end with their connection) and makes
     * the running operation undo a switch in progress, release the lock (on new router sessions) and throw a
     * CANCELLED error. Safe from any thread.
     */
    public void cancel() {
        cancelled = true;
        for (Session s : openHostSessions) {
            s.close();
        }
        for (Routers r : openRouters) {
            r.interrupt();
        }
    }

    // ---------------------------------------------------------------- deploy

    public DeployResult deploy(DeployRequest request) {
        checkCancelled();
        String version = validVersion(request.version());
        Target target = target(request.slot(), request.role(), request.profile());
        checkTemplate(target, version);
        try (Routers routers = routers()) {
            // An interrupted switch is put back first: which slot is live decides where a deploy may go.
            List<Routers.RouterState> states = recoverInterruptedSwitch(routers, routers.lock(holder("deploy", version)));
            return deployLocked(routers, states, version, target, request.force());
        }
    }

    /** Where a deploy goes: a slot on the hosts of a role, rendered with a profile (all validated). */
    private record Target(String slot, String role, List<HostAddress> hosts, String profile) {
    }

    private Target target(String slot, String role, String profile) {
        String name = slot == null ? null : project.slot(slot).name();
        String r = role == null ? project.defaultRole() : role;
        List<HostAddress> hosts = project.hosts(r);
        String p = profile == null ? project.profile() : profile;
        if (!PROFILE.matcher(p).matches()) {
            throw usage("profile '" + p + "' may hold only letters, digits, '_', '.' and '-'");
        }
        return new Target(name, r, hosts, p);
    }

    /** A template error is one usage error before any host is contacted, not one failure per host. */
    private void checkTemplate(Target target, String version) {
        SupervisorConfig.check(project, target.hosts().get(0),
                target.slot() != null ? target.slot() : project.slots().keySet().iterator().next(), version, target.profile());
    }

    private DeployResult deployLocked(Routers routers, List<Routers.RouterState> states, String version, Target target,
                                      boolean force) {
        String slot = target.slot();
        Secret password = indexPassword != null ? indexPassword : IndexCredentials.password(project);
        listener.info("deploy " + project.name() + " " + version + " into slot " + slot + " on " + target.hosts().size()
                + " host(s) of role " + target.role() + (transport.dryRun() ? " (dry run: nothing runs)" : ""));
        String live = liveSlot(states, force);
        if (slot.equals(live) && !force) {
            throw refused("slot " + slot + " is live on " + routers.primary() + "; deploying into it would touch live traffic",
                    "deploy into " + otherSlot(slot) + " (--slot " + otherSlot(slot) + "), or pass --force if you really mean it");
        }
        if (slot.equals(live)) {
            listener.warn("--force: deploying into the live slot " + slot);
        }
        checkCancelled();
        FleetResult fleet = onFleet("deploy", target.hosts(),
                host -> deployHost(host, slot, version, target.profile(), password));
        record(routers, new LedgerEntry(now(), actor.user(), actor.cause(), "deploy", version, target.role(), null, slot,
                fleet.ok() ? "ok" : cancelled ? "cancelled" : "failed", outcomes(fleet),
                fleet.ok() ? null : fleet.failed().size() + " host(s) failed"));
        listener.info(fleet.table().stripTrailing());
        checkCancelled();
        return new DeployResult(version, slot, target.role(), fleet);
    }

    private HostResult deployHost(HostAddress host, String slot, String version, String profile, Secret password) {
        long start = System.nanoTime();
        try (Session session = openHost(host)) {
            StepReport probe = runStep(session, slots.probe(host, slot));
            if (!probe.ok()) {
                throw RemoteStepException.of(host, probe, "check that the host can run /bin/sh and reach its slot directory");
            }
            Map<String, String> state = probe.values("read-slot");
            // the remote shell fills in the home (~/): a dry run shows the script a real run sends
            SupervisorConfig.Rendered config = SupervisorConfig.render(project, host, slot, project.venv().slotDir(slot),
                    version, profile,
                    Secret.of(randomPassword()));
            List<HealthCheck.Probe> health = HealthCheck.parse(probe.output("check-health"));
            boolean healthy = !health.isEmpty() && health.stream().allMatch(p -> p.ok()
                    && (project.health().versionHeader().isEmpty() || version.equals(p.version())));
            if (version.equals(state.get("stamp.version")) && config.digest().equals(state.get("stamp.config"))
                    && "running".equals(state.get("supervisord")) && healthy && !transport.dryRun()) {
                listener.host(host, "slot " + slot + " already runs " + version + " and is healthy; nothing to do");
                return new HostResult(host, HostResult.Status.UNCHANGED, since(start), "already " + version, null);
            }
            StepReport deploy = runStep(session, slots.deploy(host, slot, version, config, profile, password));
            if (!deploy.ok()) {
                throw RemoteStepException.of(host, deploy, suggestionFor(deploy.failedOperation().orElse("")));
            }
            return new HostResult(host, HostResult.Status.OK, since(start),
                    (transport.dryRun() ? "would install " : "installed ") + version, null);
        } catch (RuntimeException e) {
            if (cancelled) {
                return new HostResult(host, HostResult.Status.FAILED, since(start), null, host
                        + ": cancelled while deploying; slot " + slot + " may be half-deployed (the live slot was not"
                        + " touched): deploy again to finish it");
            }
            return e instanceof EssayException ee ? failed(host, start, ee)
                    : new HostResult(host, HostResult.Status.FAILED, since(start), null, host + ": " + e);
        }
    }

    private String suggestionFor(String operation) {
        return switch (operation) {
            case "pip-install" -> "check that " + project.name() + " at this version is on " + project.index().url()
                    + " (essay package uploads it) and that the host can reach the index";
            case "ensure-venv" -> "check that " + project.venv().python() + " with the venv module exists on the host"
                    + " (Debian: apt-get install python3-venv)";
            case "start-slot" -> "check the supervisord template " + project.supervisor().template();
            case "wait-healthy" -> "the slot did not answer " + project.health().path()
                    + " in time; read the process log above (the live slot was not touched)";
            default -> operation.startsWith("pre-deploy") || operation.startsWith("post-deploy")
                    ? "fix the hook in essay.yaml (hooks)" : null;
        };
    }

    // ---------------------------------------------------------------- switch and rollback

    public SwitchResult switchSlot(SwitchRequest request) {
        checkCancelled();
        if (request.to() != null) {
            project.slot(request.to());
        }
        try (Routers routers = routers()) {
            List<Routers.RouterState> states = recoverInterruptedSwitch(routers,
                    routers.lock(holder(request.rollback() ? "rollback" : "switch", request.to())));
            return switchLocked(routers, states, request);
        }
    }

    private SwitchResult switchLocked(Routers routers, List<Routers.RouterState> states, SwitchRequest request) {
        String action = request.rollback() ? "rollback" : "switch";
        String role = project.router().role();
        List<HostAddress> hosts = project.hosts(role);
        String live = liveSlot(states, request.force());
        Upstream.State current = states.get(0).upstream();
        String target = target(request, live, current);
        listener.info(action + " " + project.name() + ": " + (live == null ? "no live slot" : "slot " + live + " is live")
                + "; checking slot " + target + " on " + hosts.size() + " host(s)" + (transport.dryRun() ? " (dry run)" : ""));
        checkCancelled();
        FleetResult health = onFleet("health of slot " + target, hosts, host -> checkSlot(host, target));
        listener.info(health.table().stripTrailing());
        List<HostAddress> healthy = health.hosts().stream().filter(HostResult::ok).map(HostResult::host).toList();
        String version = agreedVersion(health, target);
        int needed = (int) Math.ceil(hosts.size() * project.health().quorum() / 100.0);
        if (healthy.size() < needed && !transport.dryRun()) {
            record(routers, entry(action, version, role, live, target, "refused", health,
                    healthy.size() + " of " + hosts.size() + " host(s) healthy, " + needed + " needed"));
            throw refused(action + " refused: slot " + target + " is healthy on " + healthy.size() + " of "
                            + hosts.size() + " host(s), " + needed + " needed; " + live + " stays live",
                    "fix or redeploy slot " + target + " on the failed hosts (essay deploy VERSION --slot " + target + ")");
        }
        String include = Upstream.render(project, transport.dryRun() ? hosts : healthy, target,
                version == null ? "unknown" : version, current, Instant.now(clock).truncatedTo(ChronoUnit.SECONDS));
        putLive(routers, include, target, version, healthy.size());
        record(routers, entry(action, version, role, live, target, "ok", health, null));
        listener.info((transport.dryRun() ? "dry run: nothing ran; " + action + " would put" : action + " done:") + " slot " + target + (version == null ? "" : " (" + version + ")")
                + (transport.dryRun() ? " live" : " is live") + (live == null ? "" : "; slot " + live + " keeps running for rollback"));
        return new SwitchResult(action, live, target, version, health);
    }

    private String target(SwitchRequest request, String live, Upstream.State current) {
        String target;
        if (request.rollback()) {
            target = request.to() != null ? request.to() : current.previous();
            if (target == null && transport.dryRun()) {
                target = otherSlot(live == null ? project.slots().keySet().iterator().next() : live);
                listener.info("dry run: the router's previous slot is not read; showing a rollback to slot " + target);
            }
            if (target == null) {
                throw refused("rollback refused: the router records no previous slot", "switch explicitly with essay switch --to SLOT");
            }
        } else if (request.to() != null) {
            target = request.to();
        } else if (live == null) {
            target = project.slots().keySet().iterator().next();
            listener.info("no slot is live yet; switching to the first slot, " + target);
        } else if (project.slots().size() == 2) {
            target = otherSlot(live);
        } else {
            throw usage("with more than two slots, name the target: essay switch --to SLOT");
        }
        if (target.equals(live)) {
            throw refused("slot " + target + " is already live", null);
        }
        return target;
    }

    private HostResult checkSlot(HostAddress host, String slot) {
        long start = System.nanoTime();
        try (Session session = openHost(host)) {
            StepReport report = runStep(session, slots.health(host, slot, null, 1));
            List<HealthCheck.Probe> probes = HealthCheck.parse(report.output("check-health"));
            String version = probes.stream().map(HealthCheck.Probe::version).filter(Objects::nonNull).findFirst()
                    .orElse(report.values("read-slot").get("stamp.version"));
            if (!report.ok() && !transport.dryRun()) {
                String problems = probes.stream().filter(p -> !p.ok()).map(p -> p.url() + ": " + p.problem())
                        .reduce((a, b) -> a + "\n" + b).orElse(report.result().tail(10));
                return new HostResult(host, HostResult.Status.FAILED, since(start), version,
                        host + ": slot " + slot + " is not healthy\n" + problems);
            }
            return new HostResult(host, HostResult.Status.OK, since(start), version, null);
        } catch (EssayException e) {
            return failed(host, start, e);
        }
    }

    /** The version the healthy hosts run in the target slot; refuses when they disagree. */
    private String agreedVersion(FleetResult health, String slot) {
        List<String> versions = health.hosts().stream().filter(HostResult::ok).map(HostResult::detail)
                .filter(Objects::nonNull).distinct().toList();
        if (versions.size() > 1) {
            throw refused("switch refused: hosts run different versions in slot " + slot + ": " + String.join(", ", versions),
                    "deploy one version to every host of the role first");
        }
        return versions.isEmpty() ? null : versions.get(0);
    }

    /** Stage on all routers, reload all, prove on all; any failure puts every router back. */
    private void putLive(Routers routers, String include, String target, String version, int healthyHosts) {
        String journal = "switch to=" + target + " by=" + actor.user() + " at=" + now();
        List<HostAddress> touched = new ArrayList<>();
        boolean reloaded = false;
        try {
            for (HostAddress router : routers.hosts()) {
                touched.add(router);
                routers.runChecked(router, routers.scripts().stage(include, journal),
                        "nginx rejected the new include; the previous one is back and nginx was not reloaded");
                listener.host(router, "staged the upstream of slot " + target + "; nginx -t ok");
            }
            checkCancelled();
            reloaded = true;
            routers.onAll(routers.scripts().reload(), "nginx could not reload; check its error log");
            int consecutive = Math.min(20, Math.max(3, 2 * healthyHosts * project.processCount()));
            for (HostAddress router : routers.hosts()) {
                routers.runChecked(router, routers.scripts().prove(target, version, consecutive),
                        "requests through nginx did not reach slot " + target + "; check router.url and the service's "
                                + project.health().slotHeader() + " header");
                listener.host(router, "proven: " + consecutive + " requests in a row through nginx reached slot " + target);
            }
            routers.onAll(routers.scripts().commit(), null);
        } catch (RuntimeException e) {
            listener.warn("switch failed; putting the previous upstream back on " + touched.size() + " router(s)");
            for (HostAddress router : touched) {
                StepReport restore = routers.run(router, routers.scripts().restore(reloaded));
                if (!restore.ok()) {
                    listener.warn(router + ": could not restore: " + restore.result().tail(10));
                }
            }
            if (cancelled) {
                throw new EssayException(ExitCode.CANCELLED, "cancelled during the switch; the previous include is back"
                        + " and the release lock was released", null, "run essay status to see the state the fleet was left in", e);
            }
            if (e instanceof EssayException ee && ee.exitCode() != ExitCode.CANCELLED) {
                throw new EssayException(ExitCode.REFUSED, ee.getMessage() + "; switch undone, the previous slot is live",
                        ee.detail(), ee.suggestion(), ee);
            }
            throw e;
        }
    }

    /**
     * Puts back the include that an interrupted switch replaced (its journal is still on the router) and
     * returns the routers' state as it is afterwards.
     */
    private List<Routers.RouterState> recoverInterruptedSwitch(Routers routers, List<Routers.RouterState> states) {
        boolean recovered = false;
        for (Routers.RouterState state : states) {
            if (state.journal() && !transport.dryRun()) {
                listener.warn(state.host() + ": an earlier switch was interrupted; restoring the include it replaced");
                routers.runChecked(state.host(), routers.scripts().restore(true),
                        "restore the include by hand from " + project.router().upstreamFile() + ".essay-prev");
                recovered = true;
            }
        }
        return recovered ? routers.state() : states;
    }

    // ---------------------------------------------------------------- release

    /**
     * Package, deploy into the slot that is not live, switch: one command under one lock, stopping at the first
     * failed stage with the live slot untouched. The deploy goes to the hosts of the router's role (the hosts the
     * switch puts live). In a dry run nothing is built: the version is the one a package would get now.
     */
    public ReleaseResult release(ReleaseRequest request, Packager packager) {
        checkCancelled();
        Target target = target(request.slot(), project.router().role(), request.profile());
        checkTemplate(target, request.pkg().version() == null ? "0" : request.pkg().version());
        try (Routers routers = routers()) {
            List<Routers.RouterState> states = recoverInterruptedSwitch(routers, routers.lock(holder("release", null)));
            String live = liveSlot(states, false);
            String slot = target.slot() != null ? target.slot() : releaseSlot(live);
            if (slot.equals(live)) {
                throw refused("slot " + slot + " is live; a release deploys into a slot that is not live",
                        "leave out --slot, or name a slot that is not live");
            }
            listener.info("release " + project.name() + ": " + (live == null ? "no slot is live" : "slot " + live + " is live")
                    + "; releasing into slot " + slot + (transport.dryRun() ? " (dry run: nothing runs)" : ""));
            PackageResult pkg = null;
            String version;
            if (transport.dryRun()) {
                version = request.pkg().version() != null ? validVersion(request.pkg().version())
                        : packager.nextVersion(request.pkg().suffix());
                listener.info("dry run: would package " + project.name() + " " + version + " and upload it to "
                        + project.index().url());
            } else {
                pkg = packager.pack(request.pkg());
                version = pkg.version();
                record(routers, new LedgerEntry(now(), actor.user(), actor.cause(), "package", version, target.role(),
                        null, null, "ok", List.of(), pkg.source() + (pkg.commit() == null ? "" : " " + pkg.commit())));
            }
            checkCancelled();
            DeployResult deploy = deployLocked(routers, states, version,
                    new Target(slot, target.role(), target.hosts(), target.profile()), false);
            if (!deploy.ok()) {
                listener.warn("release stopped: the deploy failed; slot " + (live == null ? "(none)" : live)
                        + " stays live and nothing was switched");
                return new ReleaseResult(pkg, deploy, null);
            }
            return new ReleaseResult(pkg, deploy, switchLocked(routers, states, SwitchRequest.to(slot)));
        }
    }

    private String releaseSlot(String live) {
        if (live == null) {
            return project.slots().keySet().iterator().next();
        }
        if (project.slots().size() == 2) {
            return otherSlot(live);
        }
        throw usage("with more than two slots, name the slot to release into: essay release --slot SLOT");
    }

    // ---------------------------------------------------------------- status, history, unlock

    public StatusReport status(String role) {
        List<HostAddress> hosts = project.hosts(role == null ? project.defaultRole() : role);
        List<StatusReport.RouterStatus> routerStatus = new ArrayList<>();
        try (Routers routers = routers()) {
            for (Routers.RouterState s : routers.state()) {
                routerStatus.add(new StatusReport.RouterStatus(s.host(), s.upstream().slot(), s.upstream().version(),
                        s.upstream().previous(), s.upstream().time(), s.lockHolder() == null ? null : s.lockHolder().toString(),
                        s.journal()));
            }
        }
        List<StatusReport.HostStatus> hostStatus = new ArrayList<>();
        try {
            for (FleetRunner.Outcome<StatusReport.HostStatus> o : new FleetRunner(project.parallelism()).run(hosts, this::hostStatus)) {
                hostStatus.add(o.ok() ? o.value() : new StatusReport.HostStatus(o.host(), List.of(), String.valueOf(o.error().getMessage())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw cancelledError();
        }
        return new StatusReport(routerStatus, hostStatus);
    }

    private StatusReport.HostStatus hostStatus(HostAddress host) {
        try (Session session = openHost(host)) {
            List<StatusReport.SlotStatus> result = new ArrayList<>();
            for (String slot : project.slots().keySet()) {
                StepReport r = runStep(session, slots.status(host, slot));
                Map<String, String> v = r.values("read-slot");
                List<HealthCheck.Probe> probes = HealthCheck.parse(r.output("check-health"));
                List<String> processes = r.output("process-states").lines().filter(l -> !l.isBlank())
                        .map(l -> l.replaceAll("\\s+", " ").strip()).toList();
                result.add(new StatusReport.SlotStatus(slot, v.get("stamp.version"), "running".equals(v.get("supervisord")),
                        processes, !probes.isEmpty() && probes.stream().allMatch(HealthCheck.Probe::ok),
                        probes.stream().filter(p -> !p.ok()).map(p -> p.url() + ": " + p.problem()).toList()));
            }
            return new StatusReport.HostStatus(host, result, null);
        } catch (EssayException e) {
            return new StatusReport.HostStatus(host, List.of(), e.getMessage());
        }
    }

    /** The newest {@code limit} ledger entries from the primary router, oldest first. */
    public List<LedgerEntry> history(int limit) {
        try (Routers routers = routers()) {
            StepReport report = routers.runChecked(routers.primary(), routers.scripts().readLedger(limit), null);
            return report.output("read-ledger").lines().map(LedgerEntry::parse).filter(Objects::nonNull).toList();
        }
    }

    /** Breaks the release lock whoever holds it; returns who held it, or null if it was free. */
    public String unlock() {
        try (Routers routers = routers()) {
            StepReport report = routers.runChecked(routers.primary(), routers.scripts().breakLock(), null);
            Map<String, String> v = report.values("break-lock");
            if (!"broken".equals(v.get("lock"))) {
                return null;
            }
            Map<String, String> fields = new java.util.LinkedHashMap<>();
            v.forEach((k, val) -> {
                if (k.startsWith("holder.")) {
                    fields.put(k.substring(7), val);
                }
            });
            return LockHolder.fromFields(fields).toString();
        }
    }

    // ---------------------------------------------------------------- helpers

    private interface HostWork {
        HostResult run(HostAddress host);
    }

    private FleetResult onFleet(String action, List<HostAddress> hosts, HostWork work) {
        try {
            List<HostResult> results = new ArrayList<>();
            for (FleetRunner.Outcome<HostResult> o : new FleetRunner(project.parallelism()).run(hosts, work::run)) {
                results.add(o.ok() ? o.value() : new HostResult(o.host(), HostResult.Status.FAILED, Duration.ZERO, null,
                        o.host() + ": " + o.error()));
            }
            FleetResult fleet = new FleetResult(action, results);
            for (HostResult failed : fleet.failed()) {
                listener.host(failed.host(), "FAILED: " + failed.error().replace("\n", "\n    "));
            }
            return fleet;
        } catch (InterruptedException e) {
            cancel();
            Thread.currentThread().interrupt();
            throw cancelledError();
        }
    }

    /** Sessions to the routers for one operation; {@link #cancel} interrupts the steps running there. */
    private Routers routers() {
        Routers routers = Routers.open(project, transport, listener);
        openRouters.add(routers);
        return routers;
    }

    private Session openHost(HostAddress host) {
        checkCancelled();
        Session session = transport.open(host);
        openHostSessions.add(session);
        return new Session() {
            @Override
            public HostAddress host() {
                return host;
            }

            @Override
            public dev.essay.core.transport.ExecResult run(RemoteScript script, LineSink lines) {
                return session.run(script, lines);
            }

            @Override
            public int roundTrips() {
                return session.roundTrips();
            }

            @Override
            public void close() {
                openHostSessions.remove(session);
                session.close();
            }
        };
    }

    /** Runs a step, turning its markers into progress lines for the host. */
    private StepReport runStep(Session session, Step step) {
        checkCancelled();
        RemoteScript script = step.toScript();
        long[] started = {System.nanoTime()};
        return new StepReport(session.run(script, line -> {
            if (!line.startsWith(RemoteScript.MARKER)) {
                return;
            }
            String[] w = line.substring(RemoteScript.MARKER.length()).split(" ");
            if (w.length >= 2 && w[0].equals("begin")) {
                started[0] = System.nanoTime();
            } else if (w.length >= 2 && w[0].equals("end") && !step.name().equals("probe") && !step.name().equals("health")
                    && !step.name().equals("status")) {
                listener.host(session.host(), w[1] + " ok (" + String.format(java.util.Locale.ROOT, "%.1fs",
                        (System.nanoTime() - started[0]) / 1e9) + ")");
            } else if (w.length >= 3 && w[0].equals("fail")) {
                listener.host(session.host(), w[1] + " FAILED (exit " + w[2] + ")");
            }
        }));
    }

    private String liveSlot(List<Routers.RouterState> states, boolean force) {
        List<String> lives = states.stream().map(s -> s.upstream().slot()).distinct().toList();
        if (lives.size() > 1) {
            String detail = states.stream().map(s -> s.host() + " says " + (s.upstream().slot() == null ? "none" : s.upstream().slot()))
                    .reduce((a, b) -> a + ", " + b).orElse("");
            if (!force) {
                throw refused("routers disagree about the live slot: " + detail,
                        "switch explicitly (essay switch --to SLOT --force) to make them agree");
            }
            listener.warn("--force: routers disagree about the live slot (" + detail + "); using the first");
        }
        return lives.get(0);
    }

    private String otherSlot(String slot) {
        return project.slots().keySet().stream().filter(s -> !s.equals(slot)).findFirst().orElse(slot);
    }

    private LockHolder holder(String action, String detail) {
        return new LockHolder(UUID.randomUUID().toString(), actor.user(), actor.cause(),
                action + (detail == null ? "" : " " + detail), now());
    }

    private void record(Routers routers, LedgerEntry entry) {
        if (transport.dryRun()) {
            return;
        }
        for (HostAddress router : routers.hosts()) {
            StepReport r = routers.run(router, routers.scripts().appendLedger(entry.toJson()));
            if (!r.ok()) {
                listener.warn(router + ": could not append to the ledger: " + r.result().tail(5));
            }
        }
    }

    private LedgerEntry entry(String action, String version, String role, String from, String to, String result,
                              FleetResult fleet, String detail) {
        return new LedgerEntry(now(), actor.user(), actor.cause(), action, version, role, from, to, result,
                outcomes(fleet), detail);
    }

    private static List<LedgerEntry.HostOutcome> outcomes(FleetResult fleet) {
        return fleet.hosts().stream().map(h -> new LedgerEntry.HostOutcome(h.host().toString(),
                h.status().name().toLowerCase(java.util.Locale.ROOT), h.duration().toMillis())).toList();
    }

    private HostResult failed(HostAddress host, long start, EssayException e) {
        String error = e.getMessage() + (e.detail() == null || e.detail().isBlank() ? "" : "\n" + e.detail())
                + (e.suggestion() == null ? "" : "\nhint: " + e.suggestion());
        return new HostResult(host, HostResult.Status.FAILED, since(start), null, error);
    }

    private void checkCancelled() {
        if (cancelled || Thread.currentThread().isInterrupted()) {
            throw cancelledError();
        }
    }

    private EssayException cancelledError() {
        return new EssayException(ExitCode.CANCELLED, "cancelled; the release lock was released", null,
                "run essay status to see the state the fleet was left in", null);
    }

    private String now() {
        return Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private static String validVersion(String version) {
        try {
            return Pep440.require(version);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private static String randomPassword() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static EssayException usage(String message) {
        return new EssayException(ExitCode.USAGE, message, null);
    }

    private static EssayException refused(String message, String suggestion) {
        return new EssayException(ExitCode.REFUSED, message, suggestion);
    }

    public static final class Builder {
        private final Project project;
        private Transport transport;
        private EngineListener listener;
        private Actor actor;
        private Secret indexPassword;
        private Clock clock;

        private Builder(Project project) {
            this.project = project;
        }

        public Builder transport(Transport transport) {
            this.transport = transport;
            return this;
        }

        public Builder listener(EngineListener listener) {
            this.listener = listener;
            return this;
        }

        public Builder actor(Actor actor) {
            this.actor = actor;
            return this;
        }

        /** The index password, when the front end has it (a Jenkins credential); otherwise read per essay.yaml. */
        public Builder indexPassword(Secret indexPassword) {
            this.indexPassword = indexPassword;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public Engine build() {
            return new Engine(this);
        }
    }
}
