package dev.essay.core.api;

import dev.essay.core.model.HostAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code essay status}: which slot is live (as nginx shows it), per router what its include says and who holds the
 * lock, and per host and slot what is installed and answering.
 */
public record StatusReport(List<RouterStatus> routers, List<HostStatus> hosts, Live live) {
    public StatusReport(List<RouterStatus> routers, List<HostStatus> hosts) {
        this(routers, hosts, new Live(routers.stream().filter(r -> r.error() == null).map(RouterStatus::liveSlot)
                .filter(java.util.Objects::nonNull).findFirst().orElse(null), false, List.of(), List.of()));
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
     * @param interruptedSwitch a switch was interrupted (its journal is still on the router): the include may name a
     *                          slot that was never proven; the next switch, rollback or deploy puts it back first
     * @param served            the slots that answered through nginx on this router
     * @param lockStale         true when the lock's holder process is known to be gone, null when it cannot be told
     * @param error             null, or why the router could not be read (then the other fields are null)
     */
    public record RouterStatus(HostAddress host, String liveSlot, String version, String previousSlot, String since,
                               String lockHolder, boolean interruptedSwitch, List<String> served, String lockId,
                               Boolean lockStale, String error) {
        public RouterStatus {
            served = served == null ? List.of() : List.copyOf(served);
        }

        public RouterStatus(HostAddress host, String liveSlot, String version, String previousSlot, String since,
                            String lockHolder, boolean interruptedSwitch) {
            this(host, liveSlot, version, previousSlot, since, lockHolder, interruptedSwitch, List.of(), null, null, null);
        }

        public RouterStatus(HostAddress host, String liveSlot, String version, String previousSlot, String since,
                            String lockHolder) {
            this(host, liveSlot, version, previousSlot, since, lockHolder, false);
        }

        public static RouterStatus unreadable(HostAddress host, String error) {
            return new RouterStatus(host, null, null, null, null, null, false, List.of(), null, null, error);
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

    /** The live slot (what nginx serves where that could be seen), or null. */
    public String liveSlot() {
        return live.slot();
    }

    /**
     * Why the fleet is degraded, one line each: a router or host that could not be read, nginx and the include
     * disagreeing, a live slot not proven through nginx, a stale lock, or a host where the live slot is not healthy.
     * Empty for a healthy fleet (and for one where no slot was put live yet).
     */
    public List<String> degradedReasons() {
        List<String> reasons = new ArrayList<>();
        for (RouterStatus r : routers) {
            if (r.error() != null) {
                reasons.add("router " + r.host() + " could not be read");
            }
            if (Boolean.TRUE.equals(r.lockStale())) {
                reasons.add("router " + r.host() + ": the release lock is stale (its holder's process is gone)");
            }
        }
        reasons.addAll(live.disagreements());
        live.unproven().forEach(u -> reasons.add("the live slot is not proven through nginx: " + u));
        String slot = liveSlot();
        for (HostStatus h : hosts) {
            if (h.error() != null) {
                reasons.add(h.host() + " could not be read");
            } else if (slot != null && h.slots().stream().noneMatch(s -> s.slot().equals(slot) && s.healthy())) {
                reasons.add(h.host() + ": the live slot " + slot + " is not healthy");
            }
        }
        return reasons;
    }

    /** See {@link #degradedReasons()}. */
    public boolean degraded() {
        return !degradedReasons().isEmpty();
    }

    /**
     * The report as one document of maps, lists, strings and booleans (all mutable, serializable JDK collections):
     * what {@code essay status --json} prints and what the Jenkins step {@code essayStatus} returns. Keys are
     * snake_case and documented in docs/cli.md; a key is added, never renamed.
     */
    public Map<String, Object> toMap() {
        Map<String, Object> doc = new LinkedHashMap<>();
        Map<String, Object> liveDoc = new LinkedHashMap<>();
        liveDoc.put("slot", live.slot());
        liveDoc.put("proven", live.proven());
        liveDoc.put("disagreements", new ArrayList<>(live.disagreements()));
        liveDoc.put("unproven", new ArrayList<>(live.unproven()));
        doc.put("live", liveDoc);
        doc.put("degraded", degraded());
        doc.put("degraded_reasons", new ArrayList<>(degradedReasons()));
        List<Object> routerDocs = new ArrayList<>();
        for (RouterStatus r : routers) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("host", r.host().toString());
            m.put("live_slot", r.liveSlot());
            m.put("version", r.version());
            m.put("previous_slot", r.previousSlot());
            m.put("since", r.since());
            m.put("lock_holder", r.lockHolder());
            m.put("interrupted_switch", r.interruptedSwitch());
            m.put("nginx_serves", new ArrayList<>(r.served()));
            m.put("lock_id", r.lockId());
            m.put("lock_stale", r.lockStale());
            m.put("error", r.error());
            routerDocs.add(m);
        }
        doc.put("routers", routerDocs);
        List<Object> hostDocs = new ArrayList<>();
        for (HostStatus h : hosts) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("host", h.host().toString());
            m.put("error", h.error());
            List<Object> slots = new ArrayList<>();
            for (SlotStatus s : h.slots()) {
                Map<String, Object> sm = new LinkedHashMap<>();
                sm.put("slot", s.slot());
                sm.put("version", s.version());
                sm.put("running", s.running());
                sm.put("processes", new ArrayList<>(s.processes()));
                sm.put("healthy", s.healthy());
                sm.put("problems", new ArrayList<>(s.problems()));
                sm.put("answering_version", s.answering());
                sm.put("unfinished_deploy", s.unfinished());
                slots.add(sm);
            }
            m.put("slots", slots);
            hostDocs.add(m);
        }
        doc.put("hosts", hostDocs);
        return doc;
    }
}
