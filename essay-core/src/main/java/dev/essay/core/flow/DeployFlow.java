package dev.essay.core.flow;

import dev.essay.core.event.EssayEvent;
import dev.essay.core.api.DeployRequest;
import dev.essay.core.api.DeployResult;
import dev.essay.core.api.Shard;
import dev.essay.core.pkg.IndexClient;
import dev.essay.core.pkg.IndexCredentials;
import dev.essay.core.deploy.HealthCheck;
import dev.essay.core.deploy.SupervisorConfig;
import dev.essay.core.error.CancelledException;
import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.ledger.LedgerEntry;
import dev.essay.core.model.HostAddress;
import dev.essay.core.model.Pep440;
import dev.essay.core.model.Project;
import dev.essay.core.model.Secret;
import dev.essay.core.plan.RemoteStepException;
import dev.essay.core.plan.StepReport;
import dev.essay.core.policy.LivePolicy;
import dev.essay.core.policy.SlotPolicy;
import dev.essay.core.router.RouterSessions;
import dev.essay.core.run.FleetResult;
import dev.essay.core.run.HostResult;
import dev.essay.core.transport.Session;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Deploy: a version into a slot on every host of a role, under the release lock; refused by the {@link SlotPolicy}
 * before any host is touched when the slot serves traffic.
 */
public final class DeployFlow extends Flow {
    private final Secret indexPassword;
    private static final SecureRandom RANDOM = new SecureRandom();

    public DeployFlow(FlowContext ctx) {
        super(ctx);
        this.indexPassword = ctx.indexPassword();
    }

    public DeployResult deploy(DeployRequest request) {
        ctx.checkCancelled();
        String version = version(request.version());
        Target whole = target(request.slot(), request.role(), request.profile());
        checkTemplate(whole, version);
        Target target = whole.part(request.shard());
        try (RouterSessions routers = ctx.routers()) {
            // An interrupted switch is put back first: which slot is live decides where a deploy may go.
            List<RouterSessions.RouterState> states = ctx.lockOrJoin(routers, request.lock(), ctx.holder("deploy", version));
            return deployLocked(routers, states, version, target, request.force(),
                    entry -> record(routers, request.lock(), target, entry));
        }
    }

    /**
     * The version to deploy: the one asked for, or for {@value SlotPolicy#LATEST} the newest on the index, read now
     * (and said: the log names the version taken, the ledger records it).
     */
    private String version(String asked) {
        if (!SlotPolicy.isLatest(asked)) {
            return SlotPolicy.version(asked);
        }
        Project.Index index = project.index();
        Secret password = index.username() == null ? null
                : indexPassword != null ? indexPassword : IndexCredentials.password(project);
        IndexClient client = new IndexClient(index.url(), index.uploadUrl(), index.username(), password);
        String version = SlotPolicy.latest(client.versions(project.name()), project.name(), index.url());
        listener.on(new EssayEvent.Info("latest: deploying " + version + ", the newest version of " + project.name()
                + " on " + index.url()));
        return version;
    }

    /**
     * Where a deploy goes: a slot on the hosts of a role (or a shard of them), rendered with a profile (all
     * validated).
     */
    record Target(String slot, String role, List<HostAddress> hosts, String profile, Shard shard) {
        Target(String slot, String role, List<HostAddress> hosts, String profile) {
            this(slot, role, hosts, profile, null);
        }

        /** The same target on {@code part} of its hosts (null: all of them). */
        Target part(Shard part) {
            return part == null ? this : new Target(slot, role, part.select(role, hosts), profile, part);
        }
    }

    Target target(String slot, String role, String profile) {
        String name = slot == null ? null : project.slot(slot).name();
        String r = role == null ? project.defaultRole() : role;
        List<HostAddress> hosts = project.hosts(r);
        String p = SlotPolicy.profile(profile == null ? project.profile() : profile);
        return new Target(name, r, hosts, p);
    }

    /**
     * A template error, or a secret that cannot be read, is one usage error before any host is contacted, not one
     * failure per host.
     */
    void checkTemplate(Target target, String version) {
        SupervisorConfig.check(project, target.hosts().get(0),
                target.slot() != null ? target.slot() : project.slots().keySet().iterator().next(), version, target.profile());
        ctx.secrets(target.profile());
        ctx.pipProxy();
    }

    /**
     * The deploy, once the lock is taken (or joined); its ledger entry, whatever the end, goes to {@code ledger}: a
     * deploy records it (or keeps a shard's under the held lock, see {@link #record}), a release makes it part of its
     * own entry. A cancelled deploy's entry is {@code cancelled} with every host's result, and it throws the
     * {@link CancelledException} that carries them (hosts it never reached are {@code skipped}).
     */
    DeployResult deployLocked(RouterSessions routers, List<RouterSessions.RouterState> states, String version,
                              Target target, boolean force, Consumer<LedgerEntry> ledger) {
        String slot = target.slot();
        FleetResult fleet = null;
        try {
            Secret password = indexPassword != null ? indexPassword : IndexCredentials.password(project);
            listener.on(new EssayEvent.Info("deploy " + project.name() + " " + version + " into slot " + slot + " on " + target.hosts().size()
                    + " host(s) of role " + target.role() + (target.shard() == null ? "" : " (" + target.shard().describe()
                    + " of " + project.hosts(target.role()).size() + " hosts, under the held release lock)")
                    + (transport.dryRun() ? " (dry run: nothing runs)" : "")));
            LivePolicy.Live live = ctx.live(states, force);
            policy.deployInto(live, slot, force).note().ifPresent(w -> listener.on(new EssayEvent.Warning(w)));
            ctx.checkCancelled();
            fleet = ctx.onFleet("deploy", target.hosts(), host -> deployHost(host, slot, version, target.profile(), password));
        } catch (EssayException e) {
            if (e.exitCode() == ExitCode.CANCELLED || ctx.cancelled()) {
                // cancelled before the hosts were asked: none was touched, and the entry says so host by host
                FleetResult none = new FleetResult("deploy", target.hosts().stream().map(h -> new HostResult(h,
                        HostResult.Status.SKIPPED, Duration.ZERO, "not attempted: cancelled before the deploy reached it",
                        null)).toList());
                throw cancelled(ledger, new DeployResult(version, slot, target.role(), none), target, e);
            }
            ledger.accept(new LedgerEntry(ctx.now(), actor.user(), actor.cause(), "deploy", version, target.role(), null, slot,
                    e.exitCode() == ExitCode.REFUSED ? "refused" : "failed", List.of(), e.getMessage(), target.profile()));
            throw e;
        }
        DeployResult result = new DeployResult(version, slot, target.role(), fleet);
        if (ctx.cancelled()) {
            throw cancelled(ledger, result, target, ctx.cancelledError());
        }
        ledger.accept(new LedgerEntry(ctx.now(), actor.user(), actor.cause(), "deploy", version, target.role(), null, slot,
                fleet.ok() ? "ok" : "failed", ctx.outcomes(fleet),
                fleet.ok() ? null : fleet.failed().size() + " host(s) failed", target.profile()));
        listener.on(new EssayEvent.FleetFinished(fleet));
        return result; // a cancel that comes once the entry is written finds the deploy done, as the entry says
    }

    /** Records a cancelled deploy with every host's result, shows them, and returns the error that carries them. */
    private CancelledException cancelled(Consumer<LedgerEntry> ledger, DeployResult result, Target target,
                                         EssayException e) {
        FleetResult fleet = result.fleet();
        long done = fleet.hosts().stream().filter(HostResult::ok).count();
        ledger.accept(new LedgerEntry(ctx.now(), actor.user(), actor.cause(), "deploy", result.version(),
                target.role(), null, result.slot(), "cancelled", ctx.outcomes(fleet), "cancelled; " + done + " of "
                + fleet.hosts().size() + " host(s) run " + result.version() + " in slot " + result.slot(),
                target.profile()));
        listener.on(new EssayEvent.FleetFinished(fleet));
        return FlowContext.cancelled(e, result);
    }

    /** Records a deploy's entry, or keeps a shard's under the held lock (its detail then names the shard). */
    private void record(RouterSessions routers, String lockId, Target target, LedgerEntry entry) {
        if (lockId == null) {
            ctx.record(routers, entry);
            return;
        }
        String part = target.shard() == null ? "all hosts" : target.shard().describe();
        ctx.keepShard(routers, lockId, new LedgerEntry(entry.time(), entry.user(), entry.cause(), entry.action(),
                entry.version(), entry.role(), entry.from(), entry.to(), entry.result(), entry.hosts(),
                part + " " + entry.result() + (entry.detail() == null ? "" : " (" + entry.detail() + ")"), entry.profile()));
    }

    private HostResult deployHost(HostAddress host, String slot, String version, String profile, Secret password) {
        long start = System.nanoTime();
        boolean[] opened = {false};
        try (Session session = ctx.openHost(host)) {
            opened[0] = true;
            StepReport probe = ctx.runStep(session, slots.probe(host, slot));
            if (!probe.ok()) {
                throw RemoteStepException.of(host, probe, "check that the host can run /bin/sh and reach its slot directory");
            }
            Map<String, String> state = probe.values("read-slot");
            // the remote shell fills in the home (~/): a dry run shows the script a real run sends
            SupervisorConfig.Rendered config = config(host, slot, version, profile);
            List<HealthCheck.Probe> health = HealthCheck.parse(probe.output("check-health"));
            boolean healthy = !health.isEmpty() && health.stream().allMatch(p -> p.ok()
                    && (project.health().versionHeader().isEmpty() || Pep440.equal(version, p.version())));
            String stamped = state.get("stamp.version");
            if (Pep440.equal(version, stamped) && config.digest().equals(state.get("stamp.config"))
                    && state.get("deploying.version") == null
                    && "running".equals(state.get("supervisord")) && healthy && !transport.dryRun()) {
                listener.on(new EssayEvent.HostInfo(host, "slot " + slot + " already runs " + spelled(stamped, version) + " and is healthy;"
                        + " nothing to do"));
                return new HostResult(host, HostResult.Status.UNCHANGED, ctx.since(start), "already " + spelled(stamped, version),
                        null);
            }
            String installed = install(session, host, slot, version, config, profile, password, false);
            if (transport.dryRun()) {
                return new HostResult(host, HostResult.Status.OK, ctx.since(start), "would install " + version, null);
            }
            return new HostResult(host, HostResult.Status.OK, ctx.since(start), "installed " + spelled(installed, version),
                    null);
        } catch (RuntimeException e) {
            if (ctx.cancelled() && !opened[0]) {
                return new HostResult(host, HostResult.Status.SKIPPED, ctx.since(start),
                        "not attempted: cancelled before the deploy reached it", null);
            }
            if (ctx.cancelled()) {
                return new HostResult(host, HostResult.Status.FAILED, ctx.since(start), null, host
                        + ": cancelled while deploying; slot " + slot + " may be half-deployed (the live slot was not"
                        + " touched): deploy again to finish it");
            }
            return e instanceof EssayException ee ? ctx.failed(host, start, ee)
                    : new HostResult(host, HostResult.Status.FAILED, ctx.since(start), null, host + ": " + e);
        }
    }

    /**
     * The slot's supervisord config (with a new password for its control socket, and the profile's env and secrets)
     * and its extra files; the remote shell fills in the home.
     */
    SupervisorConfig.Rendered config(HostAddress host, String slot, String version, String profile) {
        return SupervisorConfig.render(project, host, slot, project.venv().slotDir(slot), version, profile,
                Secret.of(randomPassword()), ctx.secrets(profile));
    }

    /**
     * Runs the deploy step: installs {@code version} from the index into the slot, writes its config, restarts it and
     * waits until every process is healthy. Returns the version pip installed; throws the step's failure with a hint
     * ({@code liveSlot}: the slot serves traffic, as in a repair, so the hint does not say the live slot was untouched).
     */
    String install(Session session, HostAddress host, String slot, String version, SupervisorConfig.Rendered config,
                   String profile, Secret password, boolean liveSlot) {
        Secret proxy = ctx.pipProxy();
        List<String> hidden = new ArrayList<>(ctx.secrets(profile).values().stream().map(Secret::reveal).toList());
        for (Secret s : new Secret[] {proxy, password}) {
            if (s != null) {
                hidden.add(s.reveal());
            }
        }
        StepReport deploy = ctx.runStep(session, slots.deploy(host, slot, version, config, profile, password, proxy))
                .masked(hidden);
        if (!deploy.ok()) {
            throw RemoteStepException.of(host, deploy, suggestionFor(deploy, liveSlot));
        }
        return deploy.values("installed-version").getOrDefault("installed", version);
    }

    /** The version a slot runs, and the version asked for when pip resolved it to a PEP 440-equal spelling. */
    static String spelled(String runs, String asked) {
        return runs.equals(asked) ? runs : runs + " (asked for " + asked + ")";
    }

    private String suggestionFor(StepReport report, boolean liveSlot) {
        String operation = report.failedOperation().orElse("");
        return switch (operation) {
            case "installed-version" -> "check that the slot's Python has importlib.metadata (Python 3.8 or later) and"
                    + " that the package installs as " + project.name();
            case "pip-install" -> "check that " + project.name() + " at this version is on " + project.index().url()
                    + " (essay package uploads it) and that the host can reach the index";
            case "ensure-venv" -> "check that " + project.venv().python() + " with the venv module exists on the host"
                    + " (Debian: apt-get install python3-venv)";
            case "start-slot" -> "check the supervisord template " + project.supervisor().template();
            case "wait-healthy" -> healthHint(HealthCheck.parse(report.output(operation)), liveSlot);
            default -> operation.startsWith("pre-deploy") || operation.startsWith("post-deploy")
                    ? "fix the hook in essay.yaml (hooks)" : null;
        };
    }

    /** What the failed health probes of a deploy say happened, from the problem each printed. */
    private String healthHint(List<HealthCheck.Probe> probes, boolean liveSlot) {
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
        return String.join("; ", hints) + (liveSlot ? "" : " (the live slot was not touched)");
    }

    private static String port(String url) {
        try {
            int port = java.net.URI.create(url).getPort();
            return port < 0 ? url : Integer.toString(port);
        } catch (IllegalArgumentException | NullPointerException e) {
            return String.valueOf(url);
        }
    }


    private static String randomPassword() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
