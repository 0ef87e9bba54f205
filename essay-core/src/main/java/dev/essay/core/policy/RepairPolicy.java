package dev.essay.core.policy;

import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.ledger.LedgerEntry;
import dev.essay.core.model.Pep440;
import java.util.ArrayList;
import java.util.List;

/**
 * Every decision {@code essay repair} takes from observed state: what it repairs (the live slot, at the version the
 * ledger put live), which hosts drifted from it and why, and in which batches they are redeployed. Pure: no I/O; each
 * method returns its decision or throws the refusal the user sees. Every rule and refusal is unit-tested
 * ({@code RepairPolicyTest}).
 */
public final class RepairPolicy {
    private final List<String> slots;

    /** @param slots the project's slots, in essay.yaml order */
    public RepairPolicy(List<String> slots) {
        if (slots.isEmpty()) {
            throw new IllegalArgumentException("no slots");
        }
        this.slots = List.copyOf(slots);
    }

    /**
     * What a repair restores: the live slot, the version the ledger put live there and the profile it was deployed
     * with; {@code note} is what a dry run tells the user about it, or null.
     */
    public record Target(String slot, String version, String profile, String note) {
    }

    /** The version a dry run shows: a dry run reads neither the routers nor the ledger. */
    public static final String UNREAD_VERSION = "LIVE_VERSION";

    /**
     * What to repair. Refused when a switch is in progress (or was interrupted) on a router, when the routers' evidence
     * about the live slot does not agree, when no slot is live, when the ledger records no successful switch, or when
     * the ledger's last successful switch put another slot live than the one the routers show. A dry run reads nothing,
     * so it shows the live slot if known, else the first slot, at {@link #UNREAD_VERSION}.
     *
     * @param switchInProgress the routers where a switch journal is present
     * @param lastSwitch       the newest successful release, switch, rollback or adopt in the ledger (see
     *                         {@link LedgerEntry#putSlotLive}), or null
     * @param defaultProfile   the project's profile, for a ledger entry that names none
     */
    public Target target(LivePolicy.Live live, List<String> switchInProgress, LedgerEntry lastSwitch,
                         String defaultProfile, boolean dryRun) {
        if (dryRun) {
            String slot = live.slot() != null ? live.slot() : slots.get(0);
            return new Target(slot, UNREAD_VERSION, defaultProfile, "dry run: the routers, the ledger and the hosts are"
                    + " not read; showing the repair of slot " + slot + " that every drifted host would get");
        }
        if (!switchInProgress.isEmpty()) {
            throw refused("repair refused: a switch is in progress on " + String.join(", ", switchInProgress)
                            + " (or was interrupted there)",
                    "run essay status; when its process is gone, essay unlock puts the previous include back; then"
                            + " repair again");
        }
        if (!live.agreed()) {
            throw new EssayException(ExitCode.REFUSED, "repair refused: which slot is live is not clear: "
                    + live.disagreements().get(0), String.join("\n", live.disagreements()), LivePolicy.RESOLVE, null);
        }
        if (live.slot() == null) {
            throw refused("repair refused: no slot is live, so there is nothing to repair",
                    "put a release live first: essay release, or essay deploy VERSION --slot SLOT and essay switch");
        }
        if (lastSwitch == null || lastSwitch.version() == null) {
            throw refused("repair refused: the ledger records no successful switch with a version, so the live version"
                            + " of slot " + live.slot() + " is not known",
                    "put a release live with essay (essay release, or essay switch), then repair");
        }
        if (!live.slot().equals(lastSwitch.to())) {
            throw refused("repair refused: the ledger's last switch (" + lastSwitch.time() + ") put slot "
                            + lastSwitch.to() + " live, but the routers show slot " + live.slot(),
                    LivePolicy.RESOLVE + "; then repair");
        }
        String profile = lastSwitch.profile() != null ? lastSwitch.profile() : defaultProfile;
        return new Target(live.slot(), lastSwitch.version(), profile, null);
    }

    /** Why a host's live slot needs a repair. */
    public enum Kind {
        /** the slot has no virtualenv (never installed there, or its directory was deleted) */
        MISSING,
        /** supervisord of the slot is not running */
        STOPPED,
        /** a process did not pass the health check */
        UNHEALTHY,
        /** it runs (or answers as) another version than the live one */
        VERSION,
        /** a deploy into it did not finish */
        UNFINISHED,
        /** a dry run did not read it */
        UNREAD
    }

    /** One reason a host drifted. */
    public record Drift(Kind kind, String why) {
        @Override
        public String toString() {
            return why;
        }
    }

    /**
     * What a host's probe showed about the live slot.
     *
     * @param installed  the slot has its virtualenv
     * @param stamped    the version of the slot's last finished deploy, or null
     * @param unfinished the version of a deploy into it that did not finish, or null
     * @param running    its supervisord runs
     * @param probes     how many processes the health check asked
     * @param problems   what each process that failed the health check said
     * @param answering  the version the processes answer with (version header), or null
     * @param present    the version of the project its virtualenv has installed now, whoever installed it (a pip
     *                   install by hand is drift too), or null when unknown
     */
    public record SlotState(boolean installed, String stamped, String unfinished, boolean running, int probes,
                            List<String> problems, String answering, String present) {
        public SlotState {
            problems = List.copyOf(problems);
        }

        public SlotState(boolean installed, String stamped, String unfinished, boolean running, int probes,
                         List<String> problems, String answering) {
            this(installed, stamped, unfinished, running, probes, problems, answering, null);
        }
    }

    /**
     * Why the live slot of a host drifted from {@code version}; empty when it is in sync (installed, finished, running,
     * every process healthy, on the live version by PEP 440 equality), and then a repair does not touch it.
     */
    public List<Drift> drift(String slot, SlotState s, String version, boolean dryRun) {
        if (dryRun) {
            return List.of(new Drift(Kind.UNREAD, "dry run: slot " + slot + " was not read"));
        }
        if (!s.installed()) {
            return List.of(new Drift(Kind.MISSING, "slot " + slot + " is missing (no virtualenv)"));
        }
        List<Drift> drift = new ArrayList<>();
        if (s.unfinished() != null) {
            drift.add(new Drift(Kind.UNFINISHED, "a deploy of " + s.unfinished() + " into slot " + slot
                    + " did not finish"));
        }
        if (!s.running()) {
            drift.add(new Drift(Kind.STOPPED, "slot " + slot + " is stopped (supervisord is not running)"));
        } else if (s.probes() == 0 || !s.problems().isEmpty()) {
            drift.add(new Drift(Kind.UNHEALTHY, "slot " + slot + " is unhealthy"
                    + (s.problems().isEmpty() ? " (no process answered the health check)"
                    : ": " + String.join("; ", s.problems()))));
        }
        if (s.stamped() == null) {
            drift.add(new Drift(Kind.VERSION, "slot " + slot + " records no finished deploy; the live version is "
                    + version));
        } else if (!Pep440.equal(version, s.stamped())) {
            drift.add(new Drift(Kind.VERSION, "slot " + slot + " has " + s.stamped() + " installed; the live version is "
                    + version));
        } else if (s.present() != null && !Pep440.equal(version, s.present())) {
            drift.add(new Drift(Kind.VERSION, "slot " + slot + " has " + s.present() + " installed (not by essay: its last"
                    + " deploy was " + s.stamped() + "); the live version is " + version));
        } else if (s.answering() != null && !Pep440.equal(version, s.answering())) {
            drift.add(new Drift(Kind.VERSION, "slot " + slot + " answers as " + s.answering()
                    + "; the live version is " + version));
        }
        return drift;
    }

    /** The drifted hosts in batches of {@code size}, in the order given; refuses a size below 1. */
    public static <H> List<List<H>> batches(List<H> drifted, int size) {
        if (size < 1) {
            throw new EssayException(ExitCode.USAGE, "--batch must be at least 1, not " + size,
                    "leave it out to repair one host at a time");
        }
        List<List<H>> batches = new ArrayList<>();
        for (int i = 0; i < drifted.size(); i += size) {
            batches.add(List.copyOf(drifted.subList(i, Math.min(drifted.size(), i + size))));
        }
        return batches;
    }

    private static EssayException refused(String message, String suggestion) {
        return new EssayException(ExitCode.REFUSED, message, suggestion);
    }
}
