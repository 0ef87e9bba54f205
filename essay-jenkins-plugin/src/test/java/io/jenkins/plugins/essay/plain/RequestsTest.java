package io.jenkins.plugins.essay.plain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.essay.core.api.DeployRequest;
import dev.essay.core.api.Shard;
import dev.essay.core.api.SwitchRequest;
import dev.essay.core.pkg.PackageRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the log and the ledger say of the engine's requests. Plain: no Jenkins. */
class RequestsTest {

    @Test
    void actions() {
        assertEquals("deploy", Requests.action(DeployRequest.of("1.4.0", "b")));
        assertEquals("switch", Requests.action(SwitchRequest.to("b")));
        assertEquals("rollback", Requests.action(SwitchRequest.back()));
        assertEquals("package", Requests.action(PackageRequest.defaults()));
    }

    @Test
    void descriptions() {
        assertEquals("deploy 1.4.0 into slot b (role web) --force",
                Requests.describe(new DeployRequest("1.4.0", "b", "web", null, true)));
        assertEquals("switch to slot b", Requests.describe(SwitchRequest.to("b")));
        assertEquals("rollback", Requests.describe(SwitchRequest.back()));
        assertEquals("package branch (build.branch of essay.yaml) as the next date version",
                Requests.describe(PackageRequest.defaults()));
        assertEquals("package commit 1a2b3c as 1.4.0 +fixbug",
                Requests.describe(new PackageRequest("main", "1a2b3c", false, "1.4.0", "fixbug", false)));
        assertEquals("package the working tree as the next date version",
                Requests.describe(new PackageRequest(null, null, true, null, null, false)));
    }

    @Test
    void packageOfNoNamedSourceTakesTheCheckedOutCommit() {
        PackageRequest none = new PackageRequest(null, null, false, "1.4.0", "fixbug", false);
        assertEquals(new PackageRequest(null, "1a2b3c4", false, "1.4.0", "fixbug", false),
                Requests.packagingCheckedOut(none, " 1a2b3c4\n"));
        assertSame(none, Requests.packagingCheckedOut(none, null));
        assertSame(none, Requests.packagingCheckedOut(none, " "));
        PackageRequest branch = new PackageRequest("release", null, false, null, null, false);
        assertSame(branch, Requests.packagingCheckedOut(branch, "1a2b3c4"));
        PackageRequest here = new PackageRequest(null, null, true, null, null, false);
        assertSame(here, Requests.packagingCheckedOut(here, "1a2b3c4"));
    }

    @Test
    void insideAnEssayLockBlockDeploysAndSwitchesRunUnderItsLockAndReleasesAreRefused() {
        HeldLock held = new HeldLock("lock-7");
        DeployRequest shard = new DeployRequest("1.4.0", "b", null, null, false).under(null, Shard.of(1, 2));
        assertEquals(shard.under("lock-7", Shard.of(1, 2)), Requests.underLock(shard, held));
        assertEquals(SwitchRequest.to("b").under("lock-7"), Requests.underLock(SwitchRequest.to("b"), held));
        assertEquals(shard, Requests.underLock(shard, null), "outside a block nothing changes");
        PackageRequest pkg = new PackageRequest("main", null, false, null, null, false);
        assertEquals(pkg, Requests.underLock(pkg, held), "a package needs no lock");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Requests.underLock(new dev.essay.core.api.ReleaseRequest(pkg, null, null), held));
        assertEquals("essay release takes the release lock itself, and an essayLock block holds it: call essayRelease"
                + " outside the block, or use essayDeploy and essaySwitch inside it", e.getMessage());
        assertEquals("deploy 1.4.0 into slot b, shard 1/2 under the release lock lock-7",
                Requests.describe(Requests.underLock(shard, held)));
        assertEquals("switch to slot b under the release lock lock-7",
                Requests.describe(Requests.underLock(SwitchRequest.to("b"), held)));
    }

    @Test
    void aDeploysShardIsIndexAndCountOrHostsAndAWrongOneSaysHowToWriteIt() {
        DeployConfig config = new DeployConfig("1.4.0", "b");
        config.setShard(List.of(0, 2));
        assertEquals(Shard.of(0, 2), config.request().shard());
        config.setShard(List.of(2, 2));
        assertEquals("essay deploy: shard: shard 2 of 2 does not exist: the index counts from 0 and is below the count"
                + " (for 3 shards: 0/3, 1/3 and 2/3)", assertThrowsIae(config).getMessage());
        config.setShard(List.of(1));
        assertEquals("essay deploy: shard is [index, count] with the index from 0, e.g. shard: [0, 2] and shard: [1, 2]"
                + " for two shards, not [1]", assertThrowsIae(config).getMessage());
        config.setHosts(List.of(" deploy@10.0.0.1 ", ""));
        assertEquals("essay deploy: shard and hosts both choose the hosts; give one of them", assertThrowsIae(config).getMessage());
        config.setShard(null);
        assertEquals(Shard.named(List.of("deploy@10.0.0.1")), config.request().shard());
        config.setHosts(List.of(" "));
        assertEquals(null, config.request().shard(), "no host named: every host");
        DeployConfig expanded = withShard(List.of(1, 3)).expand(v -> v);
        assertEquals(List.of(1, 3), expanded.getShard());
    }

    private static DeployConfig withShard(List<Integer> shard) {
        DeployConfig config = new DeployConfig("1.4.0", "b");
        config.setShard(shard);
        return config;
    }

    private static IllegalArgumentException assertThrowsIae(DeployConfig config) {
        return org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, config::request);
    }

    @Test
    void theLockBlockSaysWhatRanUnderItAndWhatItsEndRecorded() {
        dev.essay.core.ledger.LedgerEntry merged = new dev.essay.core.ledger.LedgerEntry("t", "ci", null, "deploy", "2.0.0",
                "web", null, "b", "cancelled", List.of(new dev.essay.core.ledger.LedgerEntry.HostResult("a@h1:22", "ok", 5),
                new dev.essay.core.ledger.LedgerEntry.HostResult("a@h2:22", "failed", 5)), "2 shard(s) under one lock", null);
        assertEquals("deploy 2.0.0 into slot b: cancelled on 2 host(s), 1 ok (2 shard(s) under one lock)", LockText.recorded(merged));
        assertEquals(List.of("released the release lock L; under it:", "  essay deploy: ok",
                "  recorded in the ledger: x"), LockText.summary("L", List.of("essay deploy: ok"), List.of("x")));
        assertEquals(List.of("released the release lock L; under it:", "  no essay step ran"),
                LockText.summary("L", List.of(), List.of()));
    }
}
