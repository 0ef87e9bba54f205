package dev.essay.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShardEntriesTest {
    static LedgerEntry shard(String time, String result, String detail, String id, LedgerEntry.HostResult... hosts) {
        return new LedgerEntry(time, "ci", "job #7", "deploy", "2.0.0", "web", null, "b", result, List.of(hosts),
                detail, "prod", id);
    }

    static LedgerEntry.HostResult host(String name, String result) {
        return new LedgerEntry.HostResult(name, result, 1000);
    }

    @Test
    void theShardsOfOneDeployBecomeOneEntryWithEveryHostAndTheWorstResult() {
        List<LedgerEntry> merged = ShardEntries.merge(List.of(
                shard("2026-12-08T01:00:05Z", "ok", "shard 1/2 ok", "s-2", host("a@h3:22", "ok")),
                shard("2026-12-08T01:00:02Z", "failed", "shard 0/2 failed (1 host(s) failed)", "s-1",
                        host("a@h1:22", "ok"), host("a@h2:22", "failed"))));
        assertThat(merged).singleElement().satisfies(e -> {
            assertThat(e.time()).as("the earliest").isEqualTo("2026-12-08T01:00:02Z");
            assertThat(e.result()).isEqualTo("failed");
            assertThat(e.hosts()).extracting(LedgerEntry.HostResult::host).containsExactly("a@h3:22", "a@h1:22", "a@h2:22");
            assertThat(e.detail()).isEqualTo("2 shard(s) under one lock: shard 1/2 ok; shard 0/2 failed (1 host(s) failed)");
            assertThat(e.version()).isEqualTo("2.0.0");
            assertThat(e.to()).isEqualTo("b");
            assertThat(e.profile()).isEqualTo("prod");
            assertThat(e.user()).isEqualTo("ci");
        });
    }

    @Test
    void theMergedIdDependsOnlyOnTheShardsSoARetriedRecordIsWrittenOnce() {
        LedgerEntry one = shard("t1", "ok", null, "s-1", host("a@h1:22", "ok"));
        LedgerEntry two = shard("t2", "cancelled", null, "s-2", host("a@h2:22", "failed"));
        String id = ShardEntries.merge(List.of(one, two)).get(0).id();
        assertThat(ShardEntries.merge(List.of(one, two)).get(0).id()).isEqualTo(id);
        assertThat(ShardEntries.merge(List.of(one)).get(0).id()).isNotEqualTo(id);
        assertThat(ShardEntries.merge(List.of(one, two)).get(0).result()).isEqualTo("cancelled");
    }

    @Test
    void differentDeploysStayApartAndAHostDeployedTwiceKeepsItsLaterResult() {
        LedgerEntry other = new LedgerEntry("t3", "ci", null, "deploy", "2.0.1", "web", null, "b", "ok",
                List.of(host("a@h1:22", "ok")), null, "prod", "s-3");
        List<LedgerEntry> merged = ShardEntries.merge(List.of(
                shard("t1", "failed", null, "s-1", host("a@h1:22", "failed")), other,
                shard("t2", "ok", null, "s-2", host("a@h1:22", "ok"))));
        assertThat(merged).extracting(LedgerEntry::version).containsExactly("2.0.0", "2.0.1");
        assertThat(merged.get(0).hosts()).containsExactly(host("a@h1:22", "ok"));
        assertThat(merged.get(0).result()).as("the worst shard result stays").isEqualTo("failed");
    }

    @Test
    void onlyShardLinesThatAreEntriesAreRead() {
        String output = "holder.id=x\nshard={\"action\":\"deploy\",\"id\":\"s-1\"}\nshard={torn\nlock=broken\n";
        assertThat(ShardEntries.parse(output)).extracting(LedgerEntry::id).containsExactly("s-1");
        assertThat(ShardEntries.parse("")).isEmpty();
    }
}
