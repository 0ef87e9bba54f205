package dev.essay.core.ledger;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The deploy entries the shards of a sharded release keep under its held lock, made into the one ledger entry per
 * deploy that the release records: every host of every shard, the worst result, and each shard's part in the detail.
 */
public final class ShardEntries {
    private ShardEntries() {
    }

    /** The JSON lines a router printed as {@code shard=<json>}, parsed; lines that are not entries are skipped. */
    public static List<LedgerEntry> parse(String output) {
        List<LedgerEntry> entries = new ArrayList<>();
        for (String line : String.valueOf(output).split("\n")) {
            if (line.startsWith("shard=")) {
                LedgerEntry e = LedgerEntry.parse(line.substring("shard=".length()));
                if (e != null) {
                    entries.add(e);
                }
            }
        }
        return entries;
    }

    /**
     * One entry per deploy (same action, version, slot, role and profile), in the order the first shard of each was
     * kept: the earliest time, the first shard's user and cause, every host (a host two shards deployed keeps its
     * later result), the worst result ({@code failed}, then {@code cancelled}, {@code refused}, {@code ok}) and the
     * shards' details joined. Its id is derived from the shards' ids, so recording it again (after an interrupted
     * release of the lock) writes it once.
     */
    public static List<LedgerEntry> merge(List<LedgerEntry> shards) {
        Map<List<String>, List<LedgerEntry>> byDeploy = new LinkedHashMap<>();
        for (LedgerEntry e : shards) {
            byDeploy.computeIfAbsent(java.util.Arrays.asList(e.action(), e.version(), e.to(), e.role(), e.profile()),
                    k -> new ArrayList<>()).add(e);
        }
        List<LedgerEntry> merged = new ArrayList<>();
        for (List<LedgerEntry> group : byDeploy.values()) {
            merged.add(mergeOne(group));
        }
        return merged;
    }

    private static LedgerEntry mergeOne(List<LedgerEntry> group) {
        LedgerEntry first = group.get(0);
        Map<String, LedgerEntry.HostResult> hosts = new LinkedHashMap<>();
        String time = first.time();
        String result = "ok";
        List<String> details = new ArrayList<>();
        StringBuilder ids = new StringBuilder();
        for (LedgerEntry e : group) {
            if (e.time() != null && (time == null || e.time().compareTo(time) < 0)) {
                time = e.time();
            }
            for (LedgerEntry.HostResult h : e.hosts()) {
                hosts.remove(h.host());
                hosts.put(h.host(), h);
            }
            result = worse(result, e.result());
            if (e.detail() != null && !e.detail().isBlank()) {
                details.add(e.detail());
            }
            ids.append(Objects.toString(e.id(), e.toJson())).append('\n');
        }
        String detail = group.size() + " shard(s) under one lock" + (details.isEmpty() ? "" : ": " + String.join("; ", details));
        return new LedgerEntry(time, first.user(), first.cause(), first.action(), first.version(), first.role(),
                first.from(), first.to(), result, List.copyOf(hosts.values()), detail, first.profile(),
                UUID.nameUUIDFromBytes(ids.toString().getBytes(StandardCharsets.UTF_8)).toString());
    }

    private static final List<String> WORST_FIRST = List.of("failed", "cancelled", "refused", "ok");

    private static String worse(String a, String b) {
        return WORST_FIRST.indexOf(known(a)) <= WORST_FIRST.indexOf(known(b)) ? known(a) : known(b);
    }

    /** A result this list does not know (undone, interrupted) counts as a failure. */
    private static String known(String result) {
        return WORST_FIRST.contains(result) ? result : "failed";
    }
}
