package dev.essay.core;

import dev.essay.core.model.HostAddress;
import java.util.List;

/** {@code essay status}: the live slot per router, and per host and slot what is installed and answering. */
public record StatusReport(List<RouterStatus> routers, List<HostStatus> hosts) {
    /**
     * @param interruptedSwitch a switch was interrupted (its journal is still on the router): the include may name a
     *                          slot that was never proven; the next switch or rollback puts the previous include back
     *                          first
     */
    public record RouterStatus(HostAddress host, String liveSlot, String version, String previousSlot, String since,
                               String lockHolder, boolean interruptedSwitch) {
        public RouterStatus(HostAddress host, String liveSlot, String version, String previousSlot, String since,
                            String lockHolder) {
            this(host, liveSlot, version, previousSlot, since, lockHolder, false);
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
}
