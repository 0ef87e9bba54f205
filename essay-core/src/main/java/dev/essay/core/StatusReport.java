package dev.essay.core;

import dev.essay.core.model.HostAddress;
import java.util.List;

/**
 * {@code essay status}: which slot is live (as nginx shows it), per router what its include says and who holds the
 * lock, and per host and slot what is installed and answering.
 */
public record StatusReport(List<RouterStatus> routers, List<HostStatus> hosts, Live live) {
    public StatusReport(List<RouterStatus> routers, List<HostStatus> hosts) {
        this(routers, hosts, new Live(routers.isEmpty() ? null : routers.get(0).liveSlot(), false, List.of(), List.of()));
    }

    /**
     * @param slot          the live slot: what nginx serves where that could be seen, else what the include names
     * @param proven        answers through nginx on every router came from {@code slot}
     * @param disagreements what does not add up (nginx serves one slot, the include names another; routers disagree)
     * @param unproven      why a router's live slot could not be seen through nginx
     */
    public record Live(String slot, boolean proven, List<String> disagreements, List<String> unproven) {
        public Live {
            disagreements = List.copyOf(disagreements);
            unproven = List.copyOf(unproven);
        }
    }

    /**
     * @param liveSlot          the slot the include names (essay's header, or the slot whose ports its servers use)
     * @param served            the slots that answered through nginx on this router
     * @param interruptedSwitch a switch was interrupted (its journal is still on the router): the include may name a
     *                          slot that was never proven; the next switch, rollback or deploy puts it back first
     * @param lockStale         true when the lock's holder process is known to be gone, null when it cannot be told
     */
    public record RouterStatus(HostAddress host, String liveSlot, String version, String previousSlot, String since,
                               String lockHolder, boolean interruptedSwitch, List<String> served, String lockId,
                               Boolean lockStale) {
        public RouterStatus {
            served = served == null ? List.of() : List.copyOf(served);
        }

        public RouterStatus(HostAddress host, String liveSlot, String version, String previousSlot, String since,
                            String lockHolder, boolean interruptedSwitch) {
            this(host, liveSlot, version, previousSlot, since, lockHolder, interruptedSwitch, List.of(), null, null);
        }

        public RouterStatus(HostAddress host, String liveSlot, String version, String previousSlot, String since,
                            String lockHolder) {
            this(host, liveSlot, version, previousSlot, since, lockHolder, false);
        }
    }

    /** @param error null, or why the host could not be read */
    public record HostStatus(HostAddress host, List<SlotStatus> slots, String error) {
    }

    /**
     * @param version    the version of the slot's last finished deploy, or null
     * @param processes  supervisord's view ("essay-sample_0 RUNNING"), empty when stopped
     * @param healthy    every process port passed the health check
     * @param answering  the version the slot's processes answer with (its version header), or null
     * @param unfinished the version of a deploy into this slot that did not finish (failed, cancelled, killed), or null
     */
    public record SlotStatus(String slot, String version, boolean running, List<String> processes, boolean healthy,
                             List<String> problems, String answering, String unfinished) {
        public SlotStatus(String slot, String version, boolean running, List<String> processes, boolean healthy,
                          List<String> problems) {
            this(slot, version, running, processes, healthy, problems, null, null);
        }
    }
}
