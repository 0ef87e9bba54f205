package dev.essay.core;

import dev.essay.core.api.ExecRequest;
import dev.essay.core.api.LogsRequest;
import dev.essay.core.api.PsReport;
import dev.essay.core.api.PsRequest;
import dev.essay.core.api.RepairRequest;
import dev.essay.core.api.RestartRequest;
import dev.essay.core.api.SlotResult;
import dev.essay.core.api.StopStartRequest;
import dev.essay.core.run.FleetResult;
import dev.essay.core.api.RepairResult;
import dev.essay.core.api.SwitchResult;
import dev.essay.core.api.SwitchRequest;
import dev.essay.core.api.StatusReport;
import dev.essay.core.api.ReleaseResult;
import dev.essay.core.api.ReleaseRequest;
import dev.essay.core.api.DeployResult;
import dev.essay.core.api.DeployRequest;
import dev.essay.core.event.EngineListener;
import dev.essay.core.flow.DeployFlow;
import dev.essay.core.flow.FlowContext;
import dev.essay.core.flow.ProcessFlow;
import dev.essay.core.flow.ReleaseFlow;
import dev.essay.core.flow.RepairFlow;
import dev.essay.core.flow.StatusFlow;
import dev.essay.core.flow.SwitchFlow;
import dev.essay.core.ledger.LedgerEntry;
import dev.essay.core.lock.LockHolder;
import dev.essay.core.model.Actor;
import dev.essay.core.model.Project;
import dev.essay.core.model.Secret;
import dev.essay.core.pkg.Packager;
import dev.essay.core.transport.Transport;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * essay's API: release, deploy, switch, rollback, repair, status, history, unlock, and the day-2 commands on a slot's
 * processes (restart, stop, start, exec, logs, ps). Front ends build one from a
 * {@link Project}, a {@link Transport} (SSH, or printing for dry runs) and a listener for progress.
 * Every fleet-changing operation runs under the release lock on the router host and is recorded in
 * the ledger there.
 */
public final class Engine {
    private final Project project;
    private final FlowContext context;
    private final DeployFlow deploy;
    private final SwitchFlow switchFlow;
    private final ReleaseFlow release;
    private final StatusFlow status;
    private final RepairFlow repair;
    private final ProcessFlow processes;

    private Engine(Builder b) {
        this.project = Objects.requireNonNull(b.project, "project");
        this.context = new FlowContext(project, Objects.requireNonNull(b.transport, "transport"),
                b.listener == null ? EngineListener.SILENT : b.listener, b.actor == null ? Actor.local("essay") : b.actor,
                b.indexPassword, b.environment == null ? System::getenv : b.environment,
                b.clock == null ? Clock.systemUTC() : b.clock);
        this.deploy = new DeployFlow(context);
        this.switchFlow = new SwitchFlow(context);
        this.release = new ReleaseFlow(context);
        this.status = new StatusFlow(context);
        this.repair = new RepairFlow(context);
        this.processes = new ProcessFlow(context);
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
        context.cancel();
    }

    /** Deploys a version into a slot on every host of a role (see {@link DeployFlow}). */
    public DeployResult deploy(DeployRequest request) {
        return context.cancellable(() -> deploy.deploy(request));
    }

    /** Switches, rolls back or adopts the live slot (see {@link SwitchFlow}). */
    public SwitchResult switchSlot(SwitchRequest request) {
        return context.cancellable(() -> switchFlow.switchSlot(request));
    }

    /**
     * Package, deploy into the slot that is not live, switch: one command under one lock (see {@link ReleaseFlow}).
     */
    public ReleaseResult release(ReleaseRequest request, Packager packager) {
        return context.cancellable(() -> release.release(request, packager));
    }

    /**
     * Heals drift: reinstalls the live version into the live slot on the hosts of a role where that slot is missing,
     * stopped, unhealthy or on another version, a batch at a time, health-gated; hosts in sync and the routers are not
     * touched (see {@link RepairFlow}). A result with hosts that failed or were not attempted carries its
     * {@link RepairResult#failure()}.
     */
    public RepairResult repair(RepairRequest request) {
        return context.cancellable(() -> repair.repair(request));
    }

    /**
     * Rolling restart of a slot's processes (the live slot by default), a batch of hosts at a time, each batch healthy
     * before the next; on the live slot no batch takes every host of the role. Stops at the first batch that is not
     * healthy: the result's {@link SlotResult#failure()} names the hosts that failed and those not attempted.
     */
    public SlotResult restart(RestartRequest request) {
        return context.cancellable(() -> processes.restart(request));
    }

    /** Stops a slot's supervisord and processes; refused on the live slot unless forced. */
    public SlotResult stop(StopStartRequest request) {
        return context.cancellable(() -> processes.stop(request));
    }

    /** Starts a slot's supervisord and waits until its processes are healthy; refused on the live slot unless forced. */
    public SlotResult start(StopStartRequest request) {
        return context.cancellable(() -> processes.start(request));
    }

    /**
     * Runs a command in a slot's virtualenv on every host (output as {@link dev.essay.core.event.EssayEvent.HostOutput}
     * events); each host's exit code is in {@link SlotResult#exitCodes()}.
     */
    public SlotResult exec(ExecRequest request) {
        return context.cancellable(() -> processes.exec(request));
    }

    /**
     * The program logs of a slot's processes, line by line as {@link dev.essay.core.event.EssayEvent.HostOutput}
     * events; with {@code follow}, until {@link #cancel()} (which ends the remote tails and makes this return).
     */
    public FleetResult logs(LogsRequest request) {
        return processes.logs(request);
    }

    /** The processes of the slots on every host: supervisord and each program's process, PID, memory, uptime. */
    public PsReport ps(PsRequest request) {
        return processes.ps(request);
    }

    /** What the routers and the hosts of a role (null: the default role) show now. */
    public StatusReport status(String role) {
        return status.status(role);
    }

    /** The newest {@code limit} ledger entries from the primary router, oldest first. */
    public List<LedgerEntry> history(int limit) {
        return status.history(limit);
    }

    /**
     * Breaks the release lock: whoever holds it, or with {@code id} only when that holder still has it (so a lock taken
     * anew meanwhile is not broken). The broken holder's attempt goes in the ledger as interrupted. Returns who held it,
     * or null if it was free (or held by another id).
     */
    public LockHolder unlock(String id) {
        return status.unlock(id).holder();
    }

    /**
     * Takes the release lock and keeps it for a sharded release: deploys ({@link DeployRequest#under}, each on a
     * {@link dev.essay.core.api.Shard} of the hosts, from as many machines as there are shards) and a switch
     * ({@link SwitchRequest#under}) run under it with its id; {@link #release(String)} ends it. {@code note} says what
     * holds it (shown by status), e.g. the Jenkins build.
     */
    public LockHolder hold(String note) {
        return status.hold(note);
    }

    /**
     * Ends a lock {@link #hold} took: records the deploys its shards kept (one ledger entry per deploy, with every
     * host; a switch under the lock records them first) and releases it. Returns those entries; none when the lock
     * is no longer {@code lockId}'s (it was broken: whoever broke it recorded them).
     */
    public List<LedgerEntry> release(String lockId) {
        return status.unlock(Objects.requireNonNull(lockId, "lockId")).shards();
    }

    public static final class Builder {
        private final Project project;
        private Transport transport;
        private EngineListener listener;
        private Actor actor;
        private Secret indexPassword;
        private java.util.function.Function<String, String> environment;
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

        /**
         * Where essay.yaml's {@code {env: VAR}} secrets and {@code pip.proxy_env} are read (default: this process's
         * environment); the Jenkins plugin passes the build's, so credentials bound with {@code withCredentials} reach
         * them.
         */
        public Builder environment(java.util.function.Function<String, String> environment) {
            this.environment = environment;
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
