package dev.essay.core.flow;

import dev.essay.core.api.DeployResult;
import dev.essay.core.api.ReleaseRequest;
import dev.essay.core.api.ReleaseResult;
import dev.essay.core.api.SwitchRequest;
import dev.essay.core.api.SwitchResult;
import dev.essay.core.error.CancelledException;
import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.event.EssayEvent;
import dev.essay.core.ledger.LedgerEntry;
import dev.essay.core.pkg.PackageRequest;
import dev.essay.core.pkg.PackageResult;
import dev.essay.core.pkg.Packager;
import dev.essay.core.policy.LivePolicy;
import dev.essay.core.policy.SlotPolicy;
import dev.essay.core.router.RouterSessions;
import java.util.List;

/**
 * Release: package, deploy into the slot that is not live, switch, under one lock and one ledger entry (action
 * {@code release}), whatever the end.
 */
public final class ReleaseFlow extends Flow {
    private final DeployFlow deployFlow;
    private final SwitchFlow switchFlow;

    public ReleaseFlow(FlowContext ctx) {
        super(ctx);
        this.deployFlow = new DeployFlow(ctx);
        this.switchFlow = new SwitchFlow(ctx);
    }

    /** What a release needs of a {@link Packager}: the flow's unit tests give their own. */
    interface Packing {
        PackageResult pack(PackageRequest request);

        String nextVersion(String suffix);

        static Packing of(Packager packager) {
            return packager == null ? null : new Packing() {
                @Override
                public PackageResult pack(PackageRequest request) {
                    return packager.pack(request);
                }

                @Override
                public String nextVersion(String suffix) {
                    return packager.nextVersion(suffix);
                }
            };
        }
    }

    /**
     * Package, deploy into the slot that is not live, switch: one command under one lock, stopping at the first
     * failed stage with the live slot untouched. The deploy goes to the hosts of the router's role (the hosts the
     * switch puts live). In a dry run nothing is built: the version is the one a package would get now.
     */
    public ReleaseResult release(ReleaseRequest request, Packager packager) {
        return release(request, Packing.of(packager));
    }

    ReleaseResult release(ReleaseRequest request, Packing packing) {
        ctx.checkCancelled();
        if (request.pkg().version() != null) {
            SlotPolicy.version(request.pkg().version());
        }
        DeployFlow.Target target = deployFlow.target(request.slot(), project.router().role(), request.profile());
        deployFlow.checkTemplate(target, request.pkg().version() == null ? "0" : request.pkg().version());
        try (RouterSessions routers = ctx.routers()) {
            List<RouterSessions.RouterState> states = ctx.recoverInterruptedSwitch(routers, ctx.lock(routers, ctx.holder("release", null)));
            Stages stages = new Stages(target.role(), target.profile(), request.pkg().version());
            PackageResult pkg = null;
            DeployResult deploy = null;
            try {
                LivePolicy.Live seen = ctx.live(states, false);
                stages.from = seen.slot();
                String slot = policy.releaseSlot(seen, target.slot());
                stages.to = slot;
                listener.on(new EssayEvent.Info("release " + project.name() + ": " + (stages.from == null ? "no slot is live"
                        : "slot " + stages.from + " is live") + "; releasing into slot " + slot
                        + (transport.dryRun() ? " (dry run: nothing runs)" : "")));
                String version;
                stages.stage = Stage.PACKAGE;
                if (transport.dryRun()) {
                    version = request.pkg().version() != null ? request.pkg().version()
                            : packing.nextVersion(request.pkg().suffix());
                    listener.on(new EssayEvent.Info("dry run: would package " + project.name() + " " + version + " and upload it to "
                            + project.index().url()));
                } else {
                    pkg = packing.pack(request.pkg());
                    version = pkg.version();
                    stages.source = pkg.source() + (pkg.commit() == null ? "" : " (" + pkg.commit() + ")");
                }
                stages.version = version;
                ctx.checkCancelled();
                stages.stage = Stage.DEPLOY;
                deploy = deployFlow.deployLocked(routers, states, version,
                        new DeployFlow.Target(slot, target.role(), target.hosts(), target.profile()), false,
                        entry -> stages.deploy = entry);
                if (!deploy.ok()) {
                    listener.on(new EssayEvent.Warning("release stopped: the deploy failed; " + stays(stages.from)
                            + " and nothing was switched"));
                    ctx.record(routers, stages.entry(ctx, stages.deploy.result(),
                            "the deploy failed on " + deploy.fleet().failed().size() + " of " + deploy.fleet().hosts().size()
                                    + " hosts; " + stays(stages.from) + ", nothing was switched"));
                    return new ReleaseResult(pkg, deploy, null);
                }
                stages.stage = Stage.SWITCH;
                SwitchResult switched = switchFlow.switchLocked(routers, states, SwitchRequest.to(slot),
                        entry -> stages.switched = entry);
                ctx.record(routers, stages.entry(ctx, "ok", null));
                return new ReleaseResult(pkg, deploy, switched);
            } catch (RuntimeException e) {
                String result = stages.result(e, ctx.cancelled());
                ctx.record(routers, stages.entry(ctx, result, stages.stopped(result, e)));
                if (e instanceof CancelledException c) {
                    // what ran: the deploy's hosts (a cancelled deploy's from its cancel), and no switch
                    throw c.withResult(new ReleaseResult(pkg, deploy != null ? deploy
                            : c.result(DeployResult.class).orElse(null), null));
                }
                throw e;
            }
        }
    }

    private static String stays(String live) {
        return live == null ? "no slot is live" : "slot " + live + " stays live";
    }

    /** The stage a release reached. */
    enum Stage {
        /** Reading the live slot, before anything was built. */
        START,
        PACKAGE,
        DEPLOY,
        SWITCH
    }

    /**
     * What a release learnt stage by stage, and the entries its deploy and switch handed over instead of recording
     * them: the one {@code release} entry is built from it, whatever the end.
     */
    static final class Stages {
        private final String role;
        private final String profile;
        Stage stage = Stage.START;
        String version;
        String from;
        String to;
        /** What the version was packaged from ({@code branch main (1a2b3c4)}), once packaged. */
        String source;
        LedgerEntry deploy;
        LedgerEntry switched;

        Stages(String role, String profile, String version) {
            this.role = role;
            this.profile = profile;
            this.version = version;
        }

        /** The release's result for an exception that ended it: its deploy's or switch's, when that one ended so. */
        String result(RuntimeException e, boolean cancelled) {
            ExitCode code = e instanceof EssayException ee ? ee.exitCode() : null;
            LedgerEntry last = stage == Stage.SWITCH ? switched : stage == Stage.DEPLOY ? deploy : null;
            if (code == ExitCode.CANCELLED || cancelled) {
                return "cancelled";
            }
            if (stage == Stage.PACKAGE) {
                return "failed";
            }
            if (last != null && !"ok".equals(last.result())) {
                return last.result();
            }
            return code == ExitCode.REFUSED ? "refused" : "failed";
        }

        /** Where a release that did not end ok stopped, and that the live slot stayed. */
        String stopped(String result, RuntimeException e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            String stays = stays(from);
            return switch (stage) {
                case START -> result + " before packaging: " + why + "; nothing was packaged, deployed or switched";
                case PACKAGE -> ("cancelled".equals(result) ? "cancelled while packaging"
                        : "the packaging failed: " + why) + "; " + stays + ", nothing was deployed or switched";
                case DEPLOY -> ("cancelled".equals(result) ? "cancelled during the deploy"
                        : ("refused".equals(result) ? "the deploy was refused: " : "the deploy failed: ") + why)
                        + "; " + stays + ", nothing was switched";
                case SWITCH -> switch (result) {
                    case "cancelled" -> "cancelled during the switch: " + why + "; " + stays;
                    case "undone" -> "the switch was undone: " + why + "; " + stays;
                    case "refused" -> "the switch was refused: " + why + "; " + stays;
                    default -> "the switch failed: " + why + " (" + (from == null ? "no slot was live"
                            : "slot " + from + " was live") + " before it; essay status shows what nginx serves)";
                };
            };
        }

        /**
         * The one entry: the release's version, role, slots and profile, every deploy host's result, and the detail
         * (for a release that ended ok, the source it was packaged from; else where it stopped, with the source).
         */
        LedgerEntry entry(FlowContext ctx, String result, String stopped) {
            String packaged = source == null ? null : "packaged from " + source;
            String detail = stopped == null ? packaged : packaged == null ? stopped : stopped + "; " + packaged;
            return new LedgerEntry(ctx.now(), ctx.actor().user(), ctx.actor().cause(), "release", version, role, from,
                    to, result, deploy == null ? List.of() : deploy.hosts(), detail, profile);
        }
    }
}
