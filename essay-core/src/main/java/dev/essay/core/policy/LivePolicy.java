package dev.essay.core.policy;

import dev.essay.core.router.RouterSessions.RouterState;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which slot is live, decided from what the routers show: what answered through nginx (the truth clients see), the
 * include essay owns (its header, or for an include essay did not write, the slot whose ports its servers use), and
 * the other routers. Pure: no I/O; every rule is unit-tested.
 */
public final class LivePolicy {
    private LivePolicy() {
    }

    /**
     * @param slot          the live slot: what nginx serves where that is known, else what the include names; null when
     *                      no slot is live
     * @param proven        every router answered through nginx from {@code slot}
     * @param serving       every slot that nginx serves or an include names: a deploy must not touch these
     * @param served        the slots that answered through nginx on any router
     * @param disagreements why the routers' evidence does not add up (empty when it does); essay refuses to deploy or
     *                      switch on a disagreement unless forced
     * @param unproven      why the live slot could not be proven through nginx on some router (empty when it was)
     */
    public record Live(String slot, boolean proven, Set<String> serving, Set<String> served, List<String> disagreements,
                       List<String> unproven) {
        public Live {
            serving = Set.copyOf(serving);
            served = Set.copyOf(served);
            disagreements = List.copyOf(disagreements);
            unproven = List.copyOf(unproven);
        }

        public boolean agreed() {
            return disagreements.isEmpty();
        }
    }

    /** What essay tells the user to run to resolve a disagreement. */
    public static final String RESOLVE = "make the include say what nginx serves with `essay adopt`, or put a slot live"
            + " explicitly with `essay switch --to SLOT --force`";

    public static Live decide(List<RouterState> states, String upstreamFile) {
        Set<String> serving = new LinkedHashSet<>();
        Set<String> served = new LinkedHashSet<>();
        List<String> disagreements = new ArrayList<>();
        List<String> unproven = new ArrayList<>();
        List<String> candidates = new ArrayList<>();
        for (RouterState s : states) {
            String include = includeSlot(s);
            if (include == null && s.includeSlots().size() > 1) {
                disagreements.add(s.host() + ": the include " + upstreamFile + " lists servers of slots "
                        + String.join(" and ", s.includeSlots()));
            }
            serving.addAll(s.includeSlots());
            if (include != null) {
                serving.add(include);
            }
            Set<String> observed = s.observation().slots();
            serving.addAll(observed);
            served.addAll(observed);
            String candidate;
            if (observed.size() > 1) {
                disagreements.add(s.host() + ": nginx serves slots " + String.join(" and ", observed) + " at once");
                candidate = observed.iterator().next();
            } else if (observed.size() == 1) {
                candidate = observed.iterator().next();
                if (include != null && !include.equals(candidate)) {
                    disagreements.add(s.host() + ": nginx serves slot " + candidate + ", but the include " + upstreamFile
                            + " names slot " + include + (s.journal() ? " (a switch to it was interrupted)"
                            : " (was it edited, or nginx not reloaded since?)"));
                }
            } else {
                candidate = include;
                if (include != null) {
                    unproven.add(s.host() + ": " + s.observation().problem());
                }
            }
            candidates.add(candidate);
        }
        List<String> distinct = candidates.stream().distinct().toList();
        if (distinct.size() > 1) {
            List<String> each = new ArrayList<>();
            for (int i = 0; i < states.size(); i++) {
                each.add(states.get(i).host() + " serves " + (candidates.get(i) == null ? "none" : candidates.get(i)));
            }
            disagreements.add("routers disagree about the live slot: " + String.join(", ", each));
        }
        String slot = distinct.isEmpty() ? null : distinct.get(0);
        return new Live(slot, slot != null && unproven.isEmpty() && disagreements.isEmpty(), serving, served,
                disagreements, unproven);
    }

    /** The slot an include names: essay's header, else the one slot whose ports its servers use; null otherwise. */
    static String includeSlot(RouterState s) {
        if (s.upstream().slot() != null) {
            return s.upstream().slot();
        }
        return s.includeSlots().size() == 1 ? s.includeSlots().iterator().next() : null;
    }
}
