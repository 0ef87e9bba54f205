package dev.essay.core.api;

import dev.essay.core.model.HostAddress;
import java.util.List;

/**
 * What {@code essay ps} shows: per host and slot, supervisord and each process with its PID, memory and uptime.
 *
 * @param live the live slot as the routers show it, or null (none, or the routers could not be read)
 */
public record PsReport(String role, String live, List<HostProcesses> hosts) {
    public PsReport {
        hosts = List.copyOf(hosts);
    }

    /** One host's slots, or the error that kept it from being read. */
    public record HostProcesses(HostAddress host, List<SlotProcesses> slots, String error) {
        public HostProcesses {
            slots = List.copyOf(slots);
        }
    }

    /**
     * One slot on one host.
     *
     * @param version        the version stamped by its last deploy, or null
     * @param supervisor     supervisord itself (null when it is not running)
     * @param processes      its programs' processes, as supervisorctl status lists them
     */
    public record SlotProcesses(String slot, String version, Process supervisor, List<Process> processes) {
        public SlotProcesses {
            processes = List.copyOf(processes);
        }

        public boolean running() {
            return supervisor != null;
        }
    }

    /**
     * A process.
     *
     * @param name     supervisorctl's name ({@code group:name}), or {@code supervisord}
     * @param state    RUNNING, STOPPED, FATAL, ... as supervisorctl says it
     * @param pid      null when it has none
     * @param rssKb    resident memory in KiB, or null when unknown
     * @param uptime   seconds since it started, or null when unknown
     */
    public record Process(String name, String state, Long pid, Long rssKb, Long uptime) {
    }

    public boolean ok() {
        return hosts.stream().allMatch(h -> h.error() == null);
    }
}
