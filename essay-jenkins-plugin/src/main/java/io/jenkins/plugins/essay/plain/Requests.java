package io.jenkins.plugins.essay.plain;

import dev.essay.core.api.DeployRequest;
import dev.essay.core.api.ReleaseRequest;
import dev.essay.core.api.RepairRequest;
import dev.essay.core.api.RestartRequest;
import dev.essay.core.api.Shard;
import dev.essay.core.api.StatusRequest;
import dev.essay.core.api.SwitchRequest;
import dev.essay.core.pkg.PackageRequest;
import java.io.Serializable;

/**
 * What the plugin says of an engine request (a {@link DeployRequest}, {@link SwitchRequest}, {@link PackageRequest},
 * {@link ReleaseRequest} or {@link StatusRequest}, which travel to the agent as they are): the ledger's word for it,
 * the line the build log starts with, and whether the build records it.
 */
public final class Requests {
    private Requests() {
    }

    /**
     * What the ledger calls it: {@code deploy}, {@code switch}, {@code rollback}, {@code package}, {@code release} or {@code repair};
     * {@code status} (read-only, never in the ledger).
     */
    public static String action(Serializable request) {
        if (request instanceof DeployRequest) {
            return "deploy";
        }
        if (request instanceof SwitchRequest s) {
            return s.rollback() ? "rollback" : "switch";
        }
        if (request instanceof PackageRequest) {
            return "package";
        }
        if (request instanceof ReleaseRequest) {
            return "release";
        }
        if (request instanceof StatusRequest) {
            return "status";
        }
        if (request instanceof RepairRequest) {
            return "repair";
        }
        if (request instanceof RestartRequest) {
            return "restart";
        }
        if (request instanceof SlotCommandConfig.StopStart s) {
            return s.action();
        }
        throw new IllegalArgumentException("not an essay request: " + request);
    }

    /**
     * For the log: {@code deploy 1.4.0 into slot b}, {@code switch to slot b}, {@code rollback},
     * {@code package commit 1a2b3c as the next date version},
     * {@code release commit 1a2b3c as the next date version into the slot that is not live}, {@code status}.
     */
    public static String describe(Serializable request) {
        if (request instanceof PackageRequest p) {
            return "package " + packaging(p);
        }
        if (request instanceof ReleaseRequest r) {
            return "release " + packaging(r.pkg()) + " into "
                    + (r.slot() == null ? "the slot that is not live" : "slot " + r.slot())
                    + (r.profile() == null ? "" : " (profile " + r.profile() + ")");
        }
        if (request instanceof StatusRequest s) {
            return "status" + (s.role() == null ? "" : " of role " + s.role());
        }
        if (request instanceof RepairRequest r) {
            return "repair of the live slot" + (r.role() == null ? "" : " on role " + r.role()) + ", " + r.batch()
                    + " host(s) at a time";
        }
        if (request instanceof RestartRequest r) {
            return "restart of " + (r.slot() == null ? "the live slot" : "slot " + r.slot()) + onHosts(r.role(), r.shard())
                    + ", " + r.batch() + " host(s) at a time" + (r.force() ? " --force" : "");
        }
        if (request instanceof SlotCommandConfig.StopStart s) {
            return s.action() + " slot " + s.request().slot() + onHosts(s.request().role(), s.request().shard())
                    + (s.request().force() ? " --force" : "");
        }
        if (request instanceof DeployRequest d) {
            return "deploy " + d.version() + " into slot " + d.slot() + (d.role() == null ? "" : " (role " + d.role() + ")")
                    + (d.shard() == null ? "" : ", " + d.shard().describe()) + (d.force() ? " --force" : "")
                    + (d.lock() == null ? "" : " under the release lock " + d.lock());
        }
        SwitchRequest s = (SwitchRequest) request;
        return action(s) + (s.to() == null ? "" : " to slot " + s.to()) + (s.force() ? " --force" : "")
                + (s.lock() == null ? "" : " under the release lock " + s.lock());
    }

    private static String onHosts(String role, Shard shard) {
        return (role == null ? "" : " (role " + role + ")") + (shard == null ? "" : ", " + shard.describe());
    }

    private static String packaging(PackageRequest p) {
        String what = p.here() ? "the working tree" : p.commit() != null ? "commit " + p.commit()
                : "branch " + (p.branch() == null ? "(build.branch of essay.yaml)" : p.branch());
        return what + " as " + (p.version() == null ? "the next date version" : p.version())
                + (p.suffix() == null ? "" : " +" + p.suffix());
    }

    /** Whether the build keeps a record of it (a ReleaseRecord): every operation but the read-only status. */
    public static boolean recorded(Serializable request) {
        return !(request instanceof StatusRequest);
    }

    /**
     * A package of no named source (no branch, commit or working tree) builds {@code checkedOut}, the commit the
     * build checked out (the Git plugin's {@code GIT_COMMIT}), when there is one: a Jenkins checkout is a detached
     * commit with no local branch to package. Otherwise {@code request} is returned as it is.
     */
    public static PackageRequest packagingCheckedOut(PackageRequest request, String checkedOut) {
        if (checkedOut == null || checkedOut.isBlank() || request.branch() != null || request.commit() != null
                || request.here()) {
            return request;
        }
        return new PackageRequest(null, checkedOut.strip(), false, request.version(), request.suffix(), request.json());
    }

    /** {@link #packagingCheckedOut(PackageRequest, String)} for what a release packages. */
    public static ReleaseRequest releasingCheckedOut(ReleaseRequest request, String checkedOut) {
        PackageRequest pkg = packagingCheckedOut(request.pkg(), checkedOut);
        return pkg == request.pkg() ? request : new ReleaseRequest(pkg, request.slot(), request.profile());
    }

    /**
     * {@code request} under the release lock an {@code essayLock} block holds ({@code held}; null: none, and the request
     * is returned as it is): a deploy or switch runs under it, a package or status needs no lock.
     *
     * @throws IllegalArgumentException for a release or repair, which take the lock themselves
     */
    public static Serializable underLock(Serializable request, HeldLock held) {
        if (held == null) {
            return request;
        }
        if (request instanceof DeployRequest d) {
            return d.under(held.id(), d.shard());
        }
        if (request instanceof SwitchRequest s) {
            return s.under(held.id());
        }
        if (request instanceof ReleaseRequest || request instanceof RepairRequest || request instanceof RestartRequest
                || request instanceof SlotCommandConfig.StopStart) {
            String step = action(request);
            throw new IllegalArgumentException("essay " + step + " takes the release lock itself, and an essayLock block"
                    + " holds it: call essay" + Character.toUpperCase(step.charAt(0)) + step.substring(1)
                    + " outside the block, or use essayDeploy and essaySwitch inside it");
        }
        return request;
    }
}
