package dev.essay.core;

import dev.essay.core.model.HostAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** {@code essay status}: the live slot per router, and per host and slot what is installed and answering. */
public record StatusReport(List<RouterStatus> routers, List<HostStatus> hosts) {
    /**
     * @param interruptedSwitch a switch was interrupted (its journal is still on the router): the include may name a
     *                          slot that was never proven; the next switch or rollback puts the previous include back
     *                          first
     * @param error             null, or why the router could not be read (then the other fields are null)
     */
    public record RouterStatus(HostAddress host, String liveSlot, String version, String previousSlot, String since,
                               String lockHolder, boolean interruptedSwitch, String error) {
        public RouterStatus(HostAddress host, String liveSlot, String version, String previousSlot, String since,
                            String lockHolder, boolean interruptedSwitch) {
            this(host, liveSlot, version, previousSlot, since, lockHolder, interruptedSwitch, null);
        }

        public RouterStatus(HostAddress host, String liveSlot, String version, String previousSlot, String since,
                            String lockHolder) {
            this(host, liveSlot, version, previousSlot, since, lockHolder, false);
        }

        /** A router that could not be read. */
        public static RouterStatus unreadable(HostAddress host, String error) {
            return new RouterStatus(host, null, null, null, null, null, false, error);
        }
    }

    /** @param error null, or why the host could not be read */
    public record HostStatus(HostAddress host, List<SlotStatus> slots, String error) {
    }

    /**
     * @param version   the version essay installed there, or null
     * @param processes supervisord's view ("essay-sample_0 RUNNING"), empty when stopped
     * @param healthy   every process port passed the health check
     */
    public record SlotStatus(String slot, String version, boolean running, List<String> processes, boolean healthy,
                             List<String> problems) {
    }

    /** The live slot as the first router that could be read says, or null. */
    public String liveSlot() {
        return routers.stream().filter(r -> r.error() == null).map(RouterStatus::liveSlot).filter(Objects::nonNull)
                .findFirst().orElse(null);
    }

    /**
     * Why the fleet is degraded, one line each: a router or host that could not be read, or a host where the live
     * slot is not healthy. Empty for a healthy fleet (and for one where no slot was put live yet).
     */
    public List<String> degradedReasons() {
        List<String> reasons = new ArrayList<>();
        for (RouterStatus r : routers) {
            if (r.error() != null) {
                reasons.add("router " + r.host() + " could not be read");
            }
        }
        String live = liveSlot();
        for (HostStatus h : hosts) {
            if (h.error() != null) {
                reasons.add(h.host() + " could not be read");
            } else if (live != null && h.slots().stream().noneMatch(s -> s.slot().equals(live) && s.healthy())) {
                reasons.add(h.host() + ": the live slot " + live + " is not healthy");
            }
        }
        return reasons;
    }

    /** A router or host could not be read, or the live slot is not healthy on every host. */
    public boolean degraded() {
        return !degradedReasons().isEmpty();
    }
}
