package dev.essay.core.policy;

import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.model.Names;
import dev.essay.core.model.Pep440;
import dev.essay.core.model.Project;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Every decision a deploy, switch, rollback, adopt or release takes from observed state: which slot to target, may we
 * deploy into a slot, may we switch, is the quorum met, do the versions agree, what an unfinished deploy means. Pure:
 * no I/O; each method returns its decision, or throws a refusal ({@link EssayException} with the exit code and the
 * sentence the user sees). The flows observe, ask this policy, and act. Every rule and every refusal is unit-tested
 * ({@code SlotPolicyTest}).
 */
public final class SlotPolicy {

    private final List<String> slots;
    private final int quorum;

    /**
     * @param slots  the project's slots, in essay.yaml order (the first is where a fleet with no live slot starts)
     * @param quorum the percentage of a role's hosts that must be healthy in the target slot before a switch
     */
    public SlotPolicy(List<String> slots, int quorum) {
        if (slots.isEmpty()) {
            throw new IllegalArgumentException("no slots");
        }
        this.slots = List.copyOf(slots);
        this.quorum = quorum;
    }

    public static SlotPolicy of(Project project) {
        return new SlotPolicy(List.copyOf(project.slots().keySet()), project.health().quorum());
    }

    /** A decision and what the user is told about it (a warning or a note), or none. */
    public record Decision(String slot, Optional<String> note) {
        static Decision of(String slot) {
            return new Decision(slot, Optional.empty());
        }

        static Decision of(String slot, String note) {
            return new Decision(slot, Optional.of(note));
        }
    }

    // ------------------------------------------------------------------ input

    /**
     * A version from a user, refused before any host is contacted unless spelled canonically: pip installs the
     * PEP 440-equal version it finds, and the slot would then run a version spelled differently from the one asked for.
     */
    public static String version(String version) {
        try {
            return Pep440.require(version);
        } catch (IllegalArgumentException e) {
            throw new EssayException(ExitCode.USAGE, e.getMessage(), Pep440.suggestion(version));
        }
    }

    /** The version a deploy may ask for instead of a number: the newest version on the index. */
    public static final String LATEST = "latest";

    /** Whether a deploy asked for {@value #LATEST} (the word, in any case) rather than a version. */
    public static boolean isLatest(String version) {
        return version != null && version.strip().equalsIgnoreCase(LATEST);
    }

    /**
     * The version {@value #LATEST} stands for: the newest of the versions on the index by PEP 440 order (local
     * labels included: {@code 1.0+fixbug} is newer than {@code 1.0}), as the fabfile tool's deploy took
     * {@code get_latest_version} when no version was given.
     *
     * @throws EssayException when the index has no version of the project
     */
    public static String latest(java.util.Collection<String> onIndex, String project, String indexUrl) {
        return Pep440.newest(onIndex, null).orElseThrow(() -> new EssayException(ExitCode.USAGE, "deploy latest: there"
                + " is no version of " + project + " on the index " + indexUrl, "package one first (essay package),"
                + " or give a version"));
    }

    /** A profile name: it goes into the supervisord config and the stamp, so only a safe spelling. */
    public static String profile(String profile) {
        if (!Names.PROFILE.matches(profile)) {
            throw usage(Names.PROFILE.problem(profile));
        }
        return profile;
    }

    // ------------------------------------------------------------------ the live slot

    /**
     * The routers' evidence about the live slot must agree before a deploy or switch (a dry run shows what it would do
     * anyway). Forced, a disagreement is a warning; returns the warnings to show (also the routers where the live slot
     * could not be proven through nginx).
     */
    public List<String> checkLive(LivePolicy.Live live, boolean force, boolean dryRun) {
        List<String> warnings = new ArrayList<>();
        if (!live.agreed() && !dryRun) {
            if (!force) {
                throw new EssayException(ExitCode.REFUSED, "refused: which slot is live is not clear: "
                        + live.disagreements().get(0), String.join("\n", live.disagreements()), LivePolicy.RESOLVE, null);
            }
            warnings.add("--force: " + String.join("; ", live.disagreements()) + "; going on with slot "
                    + (live.slot() == null ? "none" : live.slot()) + " as live");
        }
        for (String why : live.unproven()) {
            warnings.add("could not prove the live slot through nginx: " + why);
        }
        return warnings;
    }

    // ------------------------------------------------------------------ deploy and release

    /**
     * May a deploy go into {@code slot}? Not into a slot nginx serves or the include names, unless forced: then the
     * decision carries the warning.
     */
    public Decision deployInto(LivePolicy.Live live, String slot, boolean force) {
        if (!live.serving().contains(slot)) {
            return Decision.of(slot);
        }
        if (!force) {
            throw refused("slot " + slot + " serves traffic (" + servingWhy(live, slot) + "); deploying into it would"
                            + " touch live traffic",
                    "deploy into a slot that is not live" + (slots.size() == 2 ? " (--slot " + other(slot) + ")" : "")
                            + ", or pass --force if you really mean it");
        }
        return Decision.of(slot, "--force: deploying into slot " + slot + ", which serves traffic");
    }

    /**
     * The slot a release deploys into: the one asked for, else the first slot when none is live, else the slot that is
     * not live (two slots); never a slot that serves traffic.
     */
    public String releaseSlot(LivePolicy.Live live, String requested) {
        String slot = requested != null ? requested : releaseSlot(live.slot());
        if (live.serving().contains(slot)) {
            throw refused("slot " + slot + " is live; a release deploys into a slot that is not live",
                    "leave out --slot, or name a slot that is not live");
        }
        return slot;
    }

    private String releaseSlot(String live) {
        if (live == null) {
            return slots.get(0);
        }
        if (slots.size() == 2) {
            return other(live);
        }
        throw usage("with more than two slots, name the slot to release into: essay release --slot SLOT");
    }

    // ------------------------------------------------------------------ switch, rollback, adopt

    /**
     * The slot a switch or rollback puts live. A rollback goes to {@code to} or the slot the router records as
     * previous; a switch to {@code to}, else the first slot when none is live, else the other of two slots. Never the
     * slot that is live already. In a dry run the previous slot is not read, so a rollback shows the other slot.
     */
    public Decision switchTarget(boolean rollback, String to, String live, String previous, boolean dryRun) {
        Decision target;
        if (rollback) {
            if (to != null || previous != null) {
                target = Decision.of(to != null ? to : previous);
            } else if (dryRun) {
                String other = other(live == null ? slots.get(0) : live);
                target = Decision.of(other, "dry run: the router's previous slot is not read; showing a rollback to slot "
                        + other);
            } else {
                throw refused("rollback refused: the router records no previous slot",
                        "switch explicitly with essay switch --to SLOT");
            }
        } else if (to != null) {
            target = Decision.of(to);
        } else if (live == null) {
            target = Decision.of(slots.get(0), "no slot is live yet; switching to the first slot, " + slots.get(0));
        } else if (slots.size() == 2) {
            target = Decision.of(other(live));
        } else {
            throw usage("with more than two slots, name the target: essay switch --to SLOT");
        }
        if (target.slot().equals(live)) {
            throw refused("slot " + target.slot() + " is already live", null);
        }
        return target;
    }

    /**
     * The slot an adoption puts under essay's include: the one slot nginx serves; when nginx cannot tell, the one slot
     * the include names; {@code to} must match that unless forced.
     */
    public String adoptTarget(LivePolicy.Live seen, String to, boolean force) {
        Set<String> evidence = !seen.served().isEmpty() ? seen.served() : seen.serving();
        if (to != null) {
            if (!evidence.isEmpty() && !evidence.equals(Set.of(to)) && !force) {
                throw refused("adopt refused: " + (seen.served().isEmpty() ? "the include names" : "nginx serves")
                                + " slot " + String.join(" and ", evidence) + ", not " + to,
                        "leave out --slot to adopt what nginx serves, or add --force to put slot " + to + " live");
            }
            return to;
        }
        if (evidence.size() != 1) {
            throw refused("adopt refused: cannot tell which slot nginx serves"
                            + (evidence.isEmpty() ? "" : " (" + String.join(" and ", evidence) + ")")
                            + (seen.unproven().isEmpty() ? "" : "; " + String.join("; ", seen.unproven())),
                    "name the slot that serves traffic now: essay adopt --slot SLOT");
        }
        return evidence.iterator().next();
    }

    /**
     * A slot whose last deploy did not finish is not a release: a switch to it fails on that host unless forced.
     * Returns the host's failure text (unforced) or the warning (forced); empty when the deploy finished.
     *
     * @param unfinished the version whose deploy did not finish, or null
     * @param answering  the version the slot answers as, or null
     */
    public Unfinished unfinished(String host, String slot, String unfinished, String answering, boolean force,
                                 boolean dryRun) {
        if (unfinished == null || dryRun) {
            return Unfinished.FINISHED;
        }
        if (!force) {
            return new Unfinished(host + ": the last deploy of slot " + slot + " (" + unfinished + ") did not finish;"
                    + " it answers" + (answering == null ? "" : " as " + answering) + " but is not a finished release"
                    + "\nhint: deploy it again (essay deploy " + unfinished + " --slot " + slot + "), or switch with"
                    + " --force", null);
        }
        return new Unfinished(null, "--force: the last deploy of slot " + slot + " (" + unfinished + ") did not finish");
    }

    /** What the unfinished-deploy rule says about one host: it failed ({@code failure}), or a warning, or nothing. */
    public record Unfinished(String failure, String warning) {
        static final Unfinished FINISHED = new Unfinished(null, null);

        public boolean failed() {
            return failure != null;
        }
    }

    /** How many of {@code hosts} must be healthy in the target slot. */
    public int quorumNeeded(int hosts) {
        return (int) Math.ceil(hosts * quorum / 100.0);
    }

    /**
     * Is the quorum met? A dry run shows the switch anyway. The refusal is CONNECTION when every host that failed the
     * health check could not even be reached or trusted, REFUSED otherwise.
     *
     * @param unreachable every failed host failed before any work (connection or host key)
     */
    public void checkQuorum(String action, String target, String live, int healthy, int hosts, boolean unreachable,
                            boolean dryRun) {
        int needed = quorumNeeded(hosts);
        if (healthy < needed && !dryRun) {
            throw new EssayException(unreachable ? ExitCode.CONNECTION : ExitCode.REFUSED,
                    action + " refused: slot " + target + " is healthy on " + healthy + " of " + hosts + " host(s), "
                            + needed + " needed; " + (live == null ? "no slot" : live) + " stays live",
                    "fix or redeploy slot " + target + " on the failed hosts (essay deploy VERSION --slot " + target
                            + ")");
        }
    }

    /**
     * The version the healthy hosts run in the target slot (null when none said); refuses when they disagree by PEP 440
     * equality.
     */
    public String agreedVersion(List<String> healthyVersions, String slot) {
        List<String> versions = new ArrayList<>();
        healthyVersions.stream().filter(Objects::nonNull)
                .filter(v -> versions.stream().noneMatch(seen -> Pep440.equal(seen, v))).forEach(versions::add);
        if (versions.size() > 1) {
            throw refused("switch refused: hosts run different versions in slot " + slot + ": "
                    + String.join(", ", versions), "deploy one version to every host of the role first");
        }
        return versions.isEmpty() ? null : versions.get(0);
    }

    // ------------------------------------------------------------------ helpers

    /** The other slot of two (the slot itself when there is no other). */
    public String other(String slot) {
        return slots.stream().filter(s -> !s.equals(slot)).findFirst().orElse(slot);
    }

    private static String servingWhy(LivePolicy.Live live, String slot) {
        return slot.equals(live.slot()) && live.proven() ? "nginx serves it" : "nginx serves it or the include names it";
    }

    private static EssayException usage(String message) {
        return new EssayException(ExitCode.USAGE, message, null);
    }

    private static EssayException refused(String message, String suggestion) {
        return new EssayException(ExitCode.REFUSED, message, suggestion);
    }
}
