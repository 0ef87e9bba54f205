package dev.essay.core.ledger;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;

/**
 * One line of the ledger (JSON Lines on the router host): a release, deploy, switch, rollback, adopt or repair. A
 * release is one entry, whatever its end: its package, deploy and switch are not recorded on their own.
 *
 * @param time    ISO-8601 UTC
 * @param action  release | deploy | switch | rollback | adopt | repair; also {@code package} in ledgers written by
 *                earlier versions, whose releases recorded their package, deploy and switch as three entries
 * @param from    the slot live before (release, switch, rollback, adopt), or null
 * @param to      the slot deployed into or put live (a release: both), or repaired
 * @param result  ok | failed | refused | cancelled | undone (a switch that failed or was interrupted, then put back) |
 *                interrupted (the process was killed; its lock was broken)
 * @param hosts   each host's part: a deploy's, a release's deploy, a switch's health check, a repair's
 * @param detail  what the result alone does not say (why it did not end ok, what a repair did); for a release, also what it was packaged from ({@code packaged from branch
 *                main (1a2b3c4)}), and where it stopped with the live slot it left ({@code the deploy failed on 1 of 3
 *                hosts; slot a stays live, nothing was switched})
 * @param profile the profile deployed (deploy, release), or the one the slot put live was deployed with (switch)
 * @param id      unique per entry (a retried append is written once)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record LedgerEntry(String time, String user, String cause, String action, String version, String role,
                          String from, String to, String result, List<HostResult> hosts, String detail, String profile,
                          String id) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public LedgerEntry {
        hosts = hosts == null ? List.of() : List.copyOf(hosts);
    }

    public LedgerEntry(String time, String user, String cause, String action, String version, String role, String from,
                       String to, String result, List<HostResult> hosts, String detail) {
        this(time, user, cause, action, version, role, from, to, result, hosts, detail, null, null);
    }

    public LedgerEntry(String time, String user, String cause, String action, String version, String role, String from,
                       String to, String result, List<HostResult> hosts, String detail, String profile) {
        this(time, user, cause, action, version, role, from, to, result, hosts, detail, profile, null);
    }

    /** The same entry with a unique id: appending it twice (a retry) records it once. */
    public LedgerEntry withId(String newId) {
        return new LedgerEntry(time, user, cause, action, version, role, from, to, result, hosts, detail, profile, newId);
    }

    /**
     * A host's part in it: {@code ok}, {@code unchanged}, {@code failed} or {@code skipped} (a repair did not attempt
     * it), how long it took, and for a repair what it found and did ({@code detail}, null otherwise).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record HostResult(String host, String result, long millis, String detail) {
        public HostResult(String host, String result, long millis) {
            this(host, result, millis, null);
        }
    }

    /** The actions that put their {@code to} slot live when they end ok. */
    public static final java.util.List<String> LIVE_ACTIONS = java.util.List.of("release", "switch", "rollback", "adopt");

    /** A release, switch, rollback or adopt that ended ok: the live slot's (and its version's) newest record. */
    public boolean putSlotLive() {
        return "ok".equals(result) && LIVE_ACTIONS.contains(action);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses one ledger line; returns null for a line that is not an entry (a torn write, a stray line). */
    public static LedgerEntry parse(String line) {
        try {
            return JSON.readValue(line, LedgerEntry.class);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
