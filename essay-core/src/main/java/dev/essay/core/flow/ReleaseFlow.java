package dev.essay.core.flow;

import dev.essay.core.event.EssayEvent;
import dev.essay.core.api.DeployResult;
import dev.essay.core.api.ReleaseRequest;
import dev.essay.core.api.ReleaseResult;
import dev.essay.core.api.SwitchRequest;
import dev.essay.core.error.CancelledException;
import dev.essay.core.ledger.LedgerEntry;
import dev.essay.core.pkg.PackageResult;
import dev.essay.core.pkg.Packager;
import dev.essay.core.policy.LivePolicy;
import dev.essay.core.policy.SlotPolicy;
import dev.essay.core.router.RouterSessions;
import java.util.List;

/**
 * Release: package, deploy into the slot that is not live, switch, under one lock.
 */
public final class ReleaseFlow extends Flow {
    private final DeployFlow deployFlow;
    private final SwitchFlow switchFlow;

    public ReleaseFlow(FlowContext ctx) {
        super(ctx);
        this.deployFlow = new DeployFlow(ctx);
        this.switchFlow = new SwitchFlow(ctx);
    }


    /**
     * Package, deploy into the slot that is not live, switch: one command under one lock, stopping at the first
     * failed stage with the live slot untouched. The deploy goes to the hosts of the router's role (the hosts the
     * switch puts live). In a dry run nothing is built: the version is the one a package would get now.
     */
    public ReleaseResult release(ReleaseRequest request, Packager packager) {
        ctx.checkCancelled();
        if (request.pkg().version() != null) {
            SlotPolicy.version(request.pkg().version());
        }
        DeployFlow.Target target = deployFlow.target(request.slot(), project.router().role(), request.profile());
        deployFlow.checkTemplate(target, request.pkg().version() == null ? "0" : request.pkg().version());
        try (RouterSessions routers = ctx.routers()) {
            List<RouterSessions.RouterState> states = ctx.recoverInterruptedSwitch(routers, ctx.lock(routers, ctx.holder("release", null)));
            LivePolicy.Live seen = ctx.live(states, false);
            String live = seen.slot();
            String slot = policy.releaseSlot(seen, target.slot());
            listener.on(new EssayEvent.Info("release " + project.name() + ": " + (live == null ? "no slot is live" : "slot " + live + " is live")
                    + "; releasing into slot " + slot + (transport.dryRun() ? " (dry run: nothing runs)" : "")));
            PackageResult pkg = null;
            String version;
            if (transport.dryRun()) {
                version = request.pkg().version() != null ? request.pkg().version()
                        : packager.nextVersion(request.pkg().suffix());
                listener.on(new EssayEvent.Info("dry run: would package " + project.name() + " " + version + " and upload it to "
                        + project.index().url()));
            } else {
                try {
                    pkg = packager.pack(request.pkg());
                } catch (RuntimeException e) {
                    ctx.record(routers, new LedgerEntry(ctx.now(), actor.user(), actor.cause(), "package", null, target.role(),
                            null, null, ctx.cancelled() ? "cancelled" : "failed", List.of(), e.getMessage()));
                    throw e;
                }
                version = pkg.version();
                ctx.record(routers, new LedgerEntry(ctx.now(), actor.user(), actor.cause(), "package", version, target.role(),
                        null, null, "ok", List.of(), pkg.source() + (pkg.commit() == null ? "" : " " + pkg.commit())));
            }
            ctx.checkCancelled();
            DeployResult deploy;
            try {
                deploy = deployFlow.deployLocked(routers, states, version,
                        new DeployFlow.Target(slot, target.role(), target.hosts(), target.profile()), false);
            } catch (CancelledException e) {
                throw e.withResult(new ReleaseResult(pkg, e.result(DeployResult.class).orElse(null), null));
            }
            if (!deploy.ok()) {
                listener.on(new EssayEvent.Warning("release stopped: the deploy failed; slot " + (live == null ? "(none)" : live)
                        + " stays live and nothing was switched"));
                return new ReleaseResult(pkg, deploy, null);
            }
            try {
                return new ReleaseResult(pkg, deploy, switchFlow.switchLocked(routers, states, SwitchRequest.to(slot)));
            } catch (CancelledException e) {
                // the deploy's hosts, and no switch: the switch was undone (or had changed nothing)
                throw e.withResult(new ReleaseResult(pkg, deploy, null));
            }
        }
    }
}
