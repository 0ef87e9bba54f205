package dev.essay.core.policy;

import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import java.util.List;

/**
 * The decisions of the commands that act on a slot's processes ({@code restart}, {@code stop}, {@code start},
 * {@code exec}, {@code logs}, {@code ps}): which slot, in which batches a restart goes, and what is refused on the
 * live slot. Pure: no I/O; each method returns its decision or throws the refusal the user sees
 * ({@code ProcessPolicyTest}).
 */
public final class ProcessPolicy {
    private ProcessPolicy() {
    }

    /**
     * The slot named, or else the live one.
     *
     * @throws EssayException (refused) when none is named and no slot is live
     */
    public static String slotOrLive(String slot, LivePolicy.Live live) {
        if (slot != null) {
            return slot;
        }
        if (live.slot() == null) {
            throw new EssayException(ExitCode.REFUSED, "no slot is live, so there is no default slot",
                    "name the slot with --slot");
        }
        return live.slot();
    }

    /** Whether {@code slot} is live: nginx serves it or an include names it. */
    public static boolean isLive(String slot, LivePolicy.Live live) {
        return slot.equals(live.slot()) || live.serving().contains(slot);
    }

    /**
     * The batches of a rolling restart of {@code slot} on {@code selected} (hosts of a role of {@code roleHosts}
     * hosts), {@code batch} at a time in the order given. On the live slot no batch may take every host of the role
     * (the live slot would lose all its processes at once): refused, naming the largest batch that works, unless
     * {@code force}.
     */
    public static <H> List<List<H>> restartBatches(String slot, boolean live, String role, int roleHosts,
                                                   List<H> selected, int batch, boolean force) {
        if (batch < 1) {
            throw new EssayException(ExitCode.USAGE, "--batch must be at least 1, not " + batch,
                    "leave it out to restart one host at a time");
        }
        if (live && !force && Math.min(batch, selected.size()) >= roleHosts) {
            throw new EssayException(ExitCode.REFUSED, "refused: restarting " + Math.min(batch, selected.size())
                    + " host(s) at once would stop every process of the live slot " + slot + " (role " + role + " has "
                    + roleHosts + " host(s))", roleHosts > 1 ? "use --batch " + (roleHosts - 1) + " or less"
                    : "a role of one host cannot keep the live slot serving while it restarts; add --force to restart"
                    + " it anyway (requests fail while it restarts), or switch to the other slot first");
        }
        return RepairPolicy.batches(selected, batch);
    }

    /**
     * May {@code action} (stop or start) act on {@code slot}? Not on the live slot unless forced.
     *
     * @return the warning to show when forced on the live slot, or null
     */
    public static String stopOrStart(String action, String slot, LivePolicy.Live live, boolean force) {
        if (!isLive(slot, live)) {
            return null;
        }
        if (!force) {
            throw new EssayException(ExitCode.REFUSED, "refused: slot " + slot + " is live; essay " + action
                    + " acts on a slot that is not live", action.equals("stop")
                    ? "use essay restart for a rolling restart of the live slot, or add --force to stop it (requests"
                    + " fail until it starts again)" : "the live slot runs already; use essay restart, or add --force");
        }
        return "--force: slot " + slot + " is live; " + action + " goes on";
    }
}
