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
import dev.essay.core.policy.LivePolicy;
import dev.essay.core.policy.SlotPolicy;
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
import dev.essay.core.transport.TransportException;
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

/**
 * essay's API: release, deploy, switch, rollback, status, history, unlock. Front ends build one from a
 * {@link Project}, a {@link Transport} (SSH, or printing for dry runs) and a listener for progress.
 * Every fleet-changing operation runs under the release lock on the router host and is recorded in
 * the ledger there.
 */
public final class Engine {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Project project;
    private final Transport transport;
    private final EngineListener listener;
    private final Actor actor;
    private final Secret indexPassword;
    private final Clock clock;
    private final SlotScripts slots;
    private final SlotPolicy policy;
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
        this.policy = SlotPolicy.of(project);
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
        String version = SlotPolicy.version(request.version());
        Target target = target(request.slot(), request.role(), request.profile());
        checkTemplate(target, version);
        try (Routers routers = routers()) {
            // An interrupted switch is put back first: which slot is live decides where a deploy may go.
            List<Routers.RouterState> states = recoverInterruptedSwitch(routers, lock(routers, holder("deploy", version)));
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
        String p = SlotPolicy.profile(profile == null ? project.profile() : profile);
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
        FleetResult fleet = null;
        try {
            Secret password = indexPassword != null ? indexPassword : IndexCredentials.password(project);
            listener.info("deploy " + project.name() + " " + version + " into slot " + slot + " on " + target.hosts().size()
                    + " host(s) of role " + target.role() + (transport.dryRun() ? " (dry run: nothing runs)" : ""));
            LivePolicy.Live live = live(states, force);
            policy.deployInto(live, slot, force).note().ifPresent(listener::warn);
            checkCancelled();
            fleet = onFleet("deploy", target.hosts(), host -> deployHost(host, slot, version, target.profile(), password));
        } catch (EssayException e) {
            record(routers, new LedgerEntry(now(), actor.user(), actor.cause(), "deploy", version, target.role(), null, slot,
                    e.exitCode() == ExitCode.CANCELLED ? "cancelled" : e.exitCode() == ExitCode.REFUSED ? "refused"
                            : "failed", List.of(), e.getMessage(), target.profile()));
            throw e;
        }
        record(routers, new LedgerEntry(now(), actor.user(), actor.cause(), "deploy", version, target.role(), null, slot,
                fleet.ok() ? "ok" : cancelled ? "cancelled" : "failed", outcomes(fleet),
                fleet.ok() ? null : fleet.failed().size() + " host(s) failed", target.profile()));
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
                    && (project.health().versionHeader().isEmpty() || Pep440.equal(version, p.version())));
            String stamped = state.get("stamp.version");
            if (Pep440.equal(version, stamped) && config.digest().equals(state.get("stamp.config"))
                    && state.get("deploying.version") == null
                    && "running".equals(state.get("supervisord")) && healthy && !transport.dryRun()) {
                listener.host(host, "slot " + slot + " already runs " + spelled(stamped, version) + " and is healthy;"
                        + " nothing to do");
                return new HostResult(host, HostResult.Status.UNCHANGED, since(start), "already " + spelled(stamped, version),
                        null);
            }
            StepReport deploy = runStep(session, slots.deploy(host, slot, version, config, profile, password));
            if (!deploy.ok()) {
                throw RemoteStepException.of(host, deploy, suggestionFor(deploy));
            }
            if (transport.dryRun()) {
                return new HostResult(host, HostResult.Status.OK, since(start), "would install " + version, null);
            }
            String installed = deploy.values("installed-version").getOrDefault("installed", version);
            return new HostResult(host, HostResult.Status.OK, since(start), "installed " + spelled(installed, version),
                    null);
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

    /** The version a slot runs, and the version asked for when pip resolved it to a PEP 440-equal spelling. */
    private static String spelled(String runs, String asked) {
        return runs.equals(asked) ? runs : runs + " (asked for " + asked + ")";
    }

    private String suggestionFor(StepReport report) {
        String operation = report.failedOperation().orElse("");
        return switch (operation) {
            case "installed-version" -> "check that the slot's Python has importlib.metadata (Python 3.8 or later) and"
                    + " that the package installs as " + project.name();
            case "pip-install" -> "check that " + project.name() + " at this version is on " + project.index().url()
                    + " (essay package uploads it) and that the host can reach the index";
            case "ensure-venv" -> "check that " + project.venv().python() + " with the venv module exists on the host"
                    + " (Debian: apt-get install python3-venv)";
            case "start-slot" -> "check the supervisord template " + project.supervisor().template();
            case "wait-healthy" -> healthHint(HealthCheck.parse(report.output(operation)));
            default -> operation.startsWith("pre-deploy") || operation.startsWith("post-deploy")
                    ? "fix the hook in essay.yaml (hooks)" : null;
        };
    }

    /** What the failed health probes of a deploy say happened, from the problem each printed. */
    private String healthHint(List<HealthCheck.Probe> probes) {
        List<String> hints = new ArrayList<>();
        for (HealthCheck.Probe p : probes) {
            String problem = p.problem() == null ? "" : p.problem();
            if (p.ok() || problem.isEmpty()) {
                continue;
            }
            String port = port(p.url());
            String hint;
            if (problem.startsWith("version ")) {
                hint = "another version (" + (p.version() == null ? "none" : p.version()) + ") answers on port " + port
                        + ": something else runs there, or the install did not take; read the process log above";
            } else if (problem.startsWith("slot ")) {
                hint = p.slot() == null ? "the service does not send the " + project.health().slotHeader() + " header,"
                        + " which the switch needs to tell slots apart through nginx: have it answer with the ESSAY_SLOT"
                        + " environment variable the template sets, or set health.slot_header: \"\" and router.probe"
                        : "slot " + p.slot() + " answers on port " + port + ": another slot's process runs there (check"
                        + " the slots' port_prefix and the template's ESSAY_SLOT)";
            } else if (problem.startsWith("status ")) {
                hint = "the service answered " + project.health().path() + " on port " + port + " with "
                        + problem.substring("status ".length()) + "; read the process log above";
            } else {
                hint = "the slot did not answer " + project.health().path() + " on port " + port
                        + " in time; read the process log above";
            }
            if (!hints.contains(hint)) {
                hints.add(hint);
            }
        }
        if (hints.isEmpty()) {
            hints.add("the slot did not pass its health check; read the process log above");
        }
        return String.join("; ", hints) + " (the live slot was not touched)";
    }

    private static String port(String url) {
        try {
            int port = java.net.URI.create(url).getPort();
            return port < 0 ? url : Integer.toString(port);
        } catch (IllegalArgumentException | NullPointerException e) {
            return String.valueOf(url);
        }
    }

    // ---------------------------------------------------------------- switch and rollback

    public SwitchResult switchSlot(SwitchRequest request) {
        checkCancelled();
        if (request.to() != null) {
            project.slot(request.to());
        }
        String action = request.adopt() ? "adopt" : request.rollback() ? "rollback" : "switch";
        try (Routers routers = routers()) {
            List<Routers.RouterState> states = recoverInterruptedSwitch(routers, lock(routers, holder(action, request.to())));
            return switchLocked(routers, states, request);
        }
    }

    private SwitchResult switchLocked(Routers routers, List<Routers.RouterState> states, SwitchRequest request) {
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
                    : live(states, request.force());
            live = seen.slot();
            target = request.adopt() ? policy.adoptTarget(seen, request.to(), request.force())
                    : target(request, live, current);
            String to = target;
            listener.info(action + " " + project.name() + ": " + (live == null ? "no live slot" : "slot " + live + " is live")
                    + "; checking slot " + target + " on " + hosts.size() + " host(s)" + (transport.dryRun() ? " (dry run)" : ""));
            checkCancelled();
            health = onFleet("health of slot " + target, hosts, host -> checkSlot(host, to, request.force(), profiles));
            listener.info(health.table().stripTrailing());
            checkCancelled();
            List<HostAddress> healthy = health.hosts().stream().filter(HostResult::ok).map(HostResult::host).toList();
            version = policy.agreedVersion(health.hosts().stream().filter(HostResult::ok).map(HostResult::detail)
                    .toList(), target);
            policy.checkQuorum(action, target, live, healthy.size(), hosts.size(),
                    health.exitCode() == ExitCode.CONNECTION, transport.dryRun());
            String include = Upstream.render(project, transport.dryRun() ? hosts : healthy, target,
                    version == null ? "unknown" : version, current, Instant.now(clock).truncatedTo(ChronoUnit.SECONDS));
            putLive(routers, include, target, healthy.size(), undone);
        } catch (EssayException e) {
            String outcome = e.exitCode() == ExitCode.CANCELLED ? "cancelled" : undone[0] ? "undone"
                    : e.exitCode() == ExitCode.REFUSED || e.exitCode() == ExitCode.CONNECTION ? "refused" : "failed";
            record(routers, entry(action, version, role, live, target, outcome, profileOf(profiles), health,
                    e.getMessage()));
            throw e;
        }
        record(routers, entry(action, version, role, live, target, "ok", profileOf(profiles), health, null));
        listener.info((transport.dryRun() ? "dry run: nothing ran; " + action + " would put" : action + " done:") + " slot " + target + (version == null ? "" : " (" + version + ")")
                + (transport.dryRun() ? " live" : " is live") + (live == null || live.equals(target) ? ""
                : "; slot " + live + " keeps running for rollback"));
        return new SwitchResult(action, live, target, version, health);
    }

    private static String profileOf(Map<HostAddress, String> profiles) {
        return profiles.values().stream().filter(Objects::nonNull).findFirst().orElse(null);
    }

    private String target(SwitchRequest request, String live, Upstream.State current) {
        SlotPolicy.Decision target = policy.switchTarget(request.rollback(), request.to(), live, current.previous(),
                transport.dryRun());
        target.note().ifPresent(listener::info);
        return target.slot();
    }

    private HostResult checkSlot(HostAddress host, String slot, boolean force, Map<HostAddress, String> profiles) {
        long start = System.nanoTime();
        try (Session session = openHost(host)) {
            StepReport report = runStep(session, slots.health(host, slot, null, 1));
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
                return new HostResult(host, HostResult.Status.FAILED, since(start), version,
                        host + ": slot " + slot + " is not healthy\n" + problems);
            }
            SlotPolicy.Unfinished unfinished = policy.unfinished(host.toString(), slot, stamp.get("deploying.version"),
                    version, force, transport.dryRun());
            if (unfinished.failed()) {
                return new HostResult(host, HostResult.Status.FAILED, since(start), version, unfinished.failure());
            }
            if (unfinished.warning() != null) {
                listener.host(host, unfinished.warning());
            }
            return new HostResult(host, HostResult.Status.OK, since(start), version, null);
        } catch (EssayException e) {
            return failed(host, start, e);
        }
    }

    /**
     * Stage on all routers, reload all, prove on all; any failure (or a cancel) undoes the switch on every router: the
     * routers' journals decide what is put back, so a router the switch had not reached yet is left as it is.
     */
    private void putLive(Routers routers, String include, String target, int healthyHosts, boolean[] undone) {
        String journal = "switch to=" + target + " by=" + actor.user() + " at=" + now();
        try {
            for (HostAddress router : routers.hosts()) {
                routers.runChecked(router, routers.scripts().stage(include, journal),
                        "nginx rejected the new include; the previous one is back and nginx was not reloaded");
                listener.host(router, "staged the upstream of slot " + target + "; nginx -t ok");
            }
            checkCancelled();
            routers.onAll(routers.scripts().reload(), "nginx could not reload; check its error log");
            int consecutive = Math.min(20, Math.max(3, 2 * healthyHosts * project.processCount()));
            for (HostAddress router : routers.hosts()) {
                routers.runChecked(router, routers.scripts().prove(target, consecutive),
                        "requests through nginx did not reach slot " + target + "; check router.url"
                                + (project.health().slotHeader().isEmpty() ? " and router.probe"
                                : " and that the service sends the " + project.health().slotHeader() + " header"));
                listener.host(router, "proven: " + consecutive + " requests in a row through nginx reached slot " + target);
            }
            routers.onAll(routers.scripts().commit(), null);
        } catch (RuntimeException e) {
            if (transport.dryRun()) {
                throw e;
            }
            listener.warn("switch failed; putting the previous upstream back where the switch changed it");
            for (HostAddress router : routers.hosts()) {
                StepReport restore = routers.run(router, routers.scripts().restore());
                if ("yes".equals(restore.values("restore-upstream").get("restored"))) {
                    undone[0] = true;
                }
                if (!restore.ok()) {
                    listener.warn(router + ": could not restore: " + restore.result().tail(10));
                }
            }
            if (cancelled) {
                throw new EssayException(ExitCode.CANCELLED, "cancelled during the switch; " + (undone[0]
                        ? "the switch was undone" : "nothing had changed on the routers") + " and the release lock"
                        + " was released", null, "run essay status to see the state the fleet was left in", e);
            }
            if (e instanceof EssayException ee && ee.exitCode() != ExitCode.CANCELLED) {
                throw new EssayException(ExitCode.REFUSED, ee.getMessage() + "; switch undone, the previous slot is live",
                        ee.detail(), ee.suggestion(), ee);
            }
            throw e;
        }
    }

    /**
     * Undoes a switch that was interrupted (its journal is still on the router: the process was killed, or its
     * connection lost), records that in the ledger, and returns the routers' state as it is afterwards.
     */
    private List<Routers.RouterState> recoverInterruptedSwitch(Routers routers, List<Routers.RouterState> states) {
        boolean recovered = false;
        for (Routers.RouterState state : states) {
            if (state.journal() && !transport.dryRun()) {
                listener.warn(state.host() + ": an earlier switch was interrupted; putting back the include it replaced");
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

    // ---------------------------------------------------------------- release

    /**
     * Package, deploy into the slot that is not live, switch: one command under one lock, stopping at the first
     * failed stage with the live slot untouched. The deploy goes to the hosts of the router's role (the hosts the
     * switch puts live). In a dry run nothing is built: the version is the one a package would get now.
     */
    public ReleaseResult release(ReleaseRequest request, Packager packager) {
        checkCancelled();
        if (request.pkg().version() != null) {
            SlotPolicy.version(request.pkg().version());
        }
        Target target = target(request.slot(), project.router().role(), request.profile());
        checkTemplate(target, request.pkg().version() == null ? "0" : request.pkg().version());
        try (Routers routers = routers()) {
            List<Routers.RouterState> states = recoverInterruptedSwitch(routers, lock(routers, holder("release", null)));
            LivePolicy.Live seen = live(states, false);
            String live = seen.slot();
            String slot = policy.releaseSlot(seen, target.slot());
            listener.info("release " + project.name() + ": " + (live == null ? "no slot is live" : "slot " + live + " is live")
                    + "; releasing into slot " + slot + (transport.dryRun() ? " (dry run: nothing runs)" : ""));
            PackageResult pkg = null;
            String version;
            if (transport.dryRun()) {
                version = request.pkg().version() != null ? request.pkg().version()
                        : packager.nextVersion(request.pkg().suffix());
                listener.info("dry run: would package " + project.name() + " " + version + " and upload it to "
                        + project.index().url());
            } else {
                try {
                    pkg = packager.pack(request.pkg());
                } catch (RuntimeException e) {
                    record(routers, new LedgerEntry(now(), actor.user(), actor.cause(), "package", null, target.role(),
                            null, null, cancelled ? "cancelled" : "failed", List.of(), e.getMessage()));
                    throw e;
                }
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

    // ---------------------------------------------------------------- status, history, unlock

    public StatusReport status(String role) {
        List<HostAddress> hosts = project.hosts(role == null ? project.defaultRole() : role);
        List<StatusReport.RouterStatus> routerStatus = new ArrayList<>();
        List<Routers.RouterState> states = new ArrayList<>();
        // each router on its own: one that cannot be read is reported, and neither hides the others nor the hosts
        for (HostAddress router : project.router().hosts()) {
            try {
                states.add(Routers.readState(project, transport, router));
            } catch (TransportException e) {
                // not reached, not trusted, or the connection broke; anything else (an unusable key) is the caller's
                routerStatus.add(StatusReport.RouterStatus.unreadable(router, e.getMessage()));
            }
        }
        for (Routers.RouterState s : states) {
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
            throw cancelledError();
        }
        return new StatusReport(routerStatus, hostStatus,
                new StatusReport.Live(live.slot(), live.proven(), live.disagreements(), live.unproven()));
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
        try (Routers routers = routers()) {
            StepReport report = routers.runChecked(routers.primary(), routers.scripts().readLedger(limit), null);
            return report.output("read-ledger").lines().map(LedgerEntry::parse).filter(Objects::nonNull).toList();
        }
    }

    /**
     * Breaks the release lock: whoever holds it, or with {@code id} only when that holder still has it (so a lock taken
     * anew meanwhile is not broken). The broken holder's attempt goes in the ledger as interrupted. Returns who held it,
     * or null if it was free (or held by another id).
     */
    public LockHolder unlock(String id) {
        try (Routers routers = routers()) {
            StepReport report = routers.runChecked(routers.primary(), routers.scripts().breakLock(id), null);
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
            LockHolder holder = LockHolder.fromFields(fields);
            record(routers, attempt(holder, holder.user(), holder.cause(), "interrupted", "its process ended without"
                    + " releasing the lock (held since " + holder.started() + (holder.pid() == null ? "" : ", "
                    + holder.process()) + "); lock broken by " + actor.user()));
            // what the dead holder left half done on the routers is undone now, under a lock of our own: afterwards the
            // include says what nginx serves, so a plain reload (logrotate) cannot move traffic to an unproven slot
            recoverInterruptedSwitch(routers, lock(routers, holder("unlock", null)));
            return holder;
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
        Session session;
        try {
            session = transport.open(host);
        } catch (TransportException e) {
            throw e.whileConnecting();
        }
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
            StepReport.Marker m = StepReport.Marker.parse(line);
            if (m == null) {
                return;
            }
            if (m.kind() == StepReport.Marker.Kind.BEGIN) {
                started[0] = System.nanoTime();
            } else if (m.kind() == StepReport.Marker.Kind.END && !step.name().equals("probe")
                    && !step.name().equals("health") && !step.name().equals("status")) {
                listener.host(session.host(), m.operation() + " ok (" + String.format(java.util.Locale.ROOT, "%.1fs",
                        (System.nanoTime() - started[0]) / 1e9) + ")");
            } else if (m.kind() == StepReport.Marker.Kind.FAIL && m.exit() != null) {
                listener.host(session.host(), m.operation() + " FAILED (exit " + m.exit() + ")");
            }
        }));
    }

    /**
     * The live slot as the routers show it (see {@link LivePolicy}): refuses when their evidence disagrees, unless
     * forced (then warns and goes on with what nginx serves).
     */
    private LivePolicy.Live live(List<Routers.RouterState> states, boolean force) {
        LivePolicy.Live live = LivePolicy.decide(states, project.router().upstreamFile());
        policy.checkLive(live, force, transport.dryRun()).forEach(listener::warn);
        return live;
    }

    /**
     * Takes the release lock; a lock step that a cancel cut short is reported as the cancel it was, and the attempt
     * is recorded as cancelled.
     */
    private List<Routers.RouterState> lock(Routers routers, LockHolder holder) {
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
     * A ledger entry for the attempt a lock holder names ({@code "deploy 2.0.0"}, {@code "switch b"}): its action, and
     * the version (deploy) or target slot (others) when the holder names one.
     */
    private LedgerEntry attempt(LockHolder holder, String user, String cause, String result, String detail) {
        String[] words = holder.action() == null ? new String[] {"unknown"} : holder.action().split(" ");
        String named = words.length > 1 ? words[1] : null;
        boolean deploy = words[0].equals("deploy");
        return new LedgerEntry(now(), user, cause, words[0], deploy ? named : null, null, null, deploy ? null : named,
                result, List.of(), detail);
    }

    private LockHolder holder(String action, String detail) {
        return LockHolder.forThisProcess(UUID.randomUUID().toString(), actor.user(), actor.cause(),
                action + (detail == null ? "" : " " + detail), now());
    }

    /**
     * Appends an entry on every router; an append cut short (a cancel closed the session, the connection broke) is
     * tried once more on a new session, and the entry's id keeps it from being written twice.
     */
    private void record(Routers routers, LedgerEntry entry) {
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
                listener.warn(router + ": could not append to the ledger: " + problem);
            }
        }
    }

    private LedgerEntry entry(String action, String version, String role, String from, String to, String result,
                              String profile, FleetResult fleet, String detail) {
        return new LedgerEntry(now(), actor.user(), actor.cause(), action, version, role, from, to, result,
                fleet == null ? List.of() : outcomes(fleet), detail, profile);
    }

    private static List<LedgerEntry.HostOutcome> outcomes(FleetResult fleet) {
        return fleet.hosts().stream().map(h -> new LedgerEntry.HostOutcome(h.host().toString(),
                h.status().name().toLowerCase(java.util.Locale.ROOT), h.duration().toMillis())).toList();
    }

    private HostResult failed(HostAddress host, long start, EssayException e) {
        String error = e.getMessage() + (e.detail() == null || e.detail().isBlank() ? "" : "\n" + e.detail())
                + (e.suggestion() == null ? "" : "\nhint: " + e.suggestion());
        return new HostResult(host, HostResult.Status.FAILED, since(start), null, error,
                e instanceof TransportException t && t.connecting());
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

    private static String randomPassword() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
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
