package dev.essay.core.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.essay.core.Engine;
import dev.essay.core.api.DeployRequest;
import dev.essay.core.api.DeployResult;
import dev.essay.core.api.Shard;
import dev.essay.core.api.StatusReport;
import dev.essay.core.api.SwitchRequest;
import dev.essay.core.api.SwitchResult;
import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.ledger.LedgerEntry;
import dev.essay.core.lock.LockHolder;
import dev.essay.core.run.HostResult;
import dev.essay.fleet.FleetBackend;
import dev.essay.fleet.FleetHost;
import dev.essay.fleet.TestFleet;
import dev.essay.fleet.TrafficLoop;
import dev.essay.fleet.junit.WithFleet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The release cycle on a real fleet (three OpenSSH hosts, supervisord per slot, nginx as router, pip
 * installing from a real index): deploy v1 to a, switch, deploy v2 to b, switch, roll back, with a
 * request loop through nginx counting zero failed requests across every switch. The steps build on
 * each other, so they run in order on one fleet.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@WithFleet(hosts = 3, published = {"1.0.0", "2.0.0"}, needs = FleetBackend.OPENSSH,
        because = "counts SSH connections and sessions in sshd's log")
class ReleaseCycleIT {
    static TestFleet fleet;
    static Path config;
    static final Fleets.Recorder out = new Fleets.Recorder();
    static Engine engine;

    @BeforeAll
    static void boot() {
        config = fleet.writeConfig();
        engine = Fleets.engine(config, out, "alice@ci");
    }

    @Test
    @Order(1)
    void firstDeployInstallsV1IntoSlotAOnEveryHostWithOneSessionPerHost() throws Exception {
        long[] connections = fleet.hosts().stream().mapToLong(fleet::sshConnections).toArray();
        long[] roundTrips = fleet.hosts().stream().mapToLong(fleet::sshSessions).toArray();
        DeployResult result = engine.deploy(DeployRequest.of("1.0.0", "a"));
        assertThat(result.fleet().hosts()).hasSize(3).allSatisfy(h -> assertThat(h.status()).as(h.toString()).isEqualTo(HostResult.Status.OK));
        for (int i = 0; i < fleet.hosts().size(); i++) {
            FleetHost host = fleet.hosts().get(i);
            assertThat(fleet.sshConnections(host) - connections[i]).as("SSH connections to " + host).isEqualTo(1);
            assertThat(fleet.sshSessions(host) - roundTrips[i]).as("round trips (probe, deploy) on " + host).isEqualTo(2);
            assertThat(Files.readString(fleet.slotDir(host, "a").resolve(".essay-deployed"))).contains("version=1.0.0");
        }
        assertThat(Fleets.ask(fleet.routerUrl()).status()).as("nothing is live before the first switch").isEqualTo(502);
    }

    @Test
    @Order(2)
    void firstSwitchPutsSlotALiveAndProvesIt() throws Exception {
        SwitchResult result = engine.switchSlot(new SwitchRequest(null, false, false));
        assertThat(result.to()).isEqualTo("a");
        assertThat(result.from()).isNull();
        assertThat(result.version()).isEqualTo("1.0.0");
        assertThat(Fleets.ask(fleet.routerUrl())).isEqualTo(new Fleets.Answer(200, "a", "1.0.0"));
        assertThat(Files.readString(fleet.upstreamFile())).startsWith("# essay: slot=a version=1.0.0");
        assertThat(out.text()).contains("proven: ");
    }

    @Test
    @Order(3)
    void deployingIntoTheLiveSlotIsRefusedAndChangesNothing() throws Exception {
        String stamp = Files.readString(fleet.slotDir(fleet.host(1), "a").resolve(".essay-deployed"));
        assertThatThrownBy(() -> engine.deploy(DeployRequest.of("2.0.0", "a")))
                .isInstanceOfSatisfying(EssayException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.REFUSED);
                    assertThat(e.getMessage()).contains("slot a serves traffic (nginx serves it)");
                    assertThat(e.suggestion()).contains("--slot b");
                });
        assertThat(Files.readString(fleet.slotDir(fleet.host(1), "a").resolve(".essay-deployed"))).isEqualTo(stamp);
        assertThat(Files.exists(fleet.slotDir(fleet.host(1), "b"))).isFalse();
    }

    @Test
    @Order(4)
    void deployV2ToBAndSwitchWhileTrafficFlowsWithZeroFailedRequests() throws Exception {
        try (TrafficLoop traffic = fleet.traffic()) {
            traffic.awaitSlot("a", 20);
            DeployResult deploy = engine.deploy(DeployRequest.of("2.0.0", "b"));
            assertThat(deploy.ok()).as(deploy.fleet().table()).isTrue();
            assertThat(Fleets.slotOf(fleet)).as("deploying b leaves a live").isEqualTo("a");
            SwitchResult sw = engine.switchSlot(new SwitchRequest(null, false, false));
            assertThat(sw.from()).isEqualTo("a");
            assertThat(sw.to()).isEqualTo("b");
            assertThat(sw.version()).isEqualTo("2.0.0");
            TrafficLoop.Stats stats = traffic.awaitSlot("b", 20);
            assertThat(stats.failures()).as("failed requests: " + stats.firstFailures()).isZero();
            assertThat(stats.fromSlot("a")).isPositive();
            assertThat(stats.ofVersion("2.0.0")).isPositive();
        }
        assertThat(Fleets.ask(fleet.routerUrl())).isEqualTo(new Fleets.Answer(200, "b", "2.0.0"));
    }

    @Test
    @Order(5)
    void redeployingTheInstalledHealthyVersionIsANoOp() {
        DeployResult again = engine.deploy(DeployRequest.of("1.0.0", "a"));
        assertThat(again.fleet().hosts()).allSatisfy(h -> assertThat(h.status()).isEqualTo(HostResult.Status.UNCHANGED));
    }

    @Test
    @Order(6)
    void rollbackReturnsToSlotAWithZeroFailedRequests() throws Exception {
        try (TrafficLoop traffic = fleet.traffic()) {
            traffic.awaitSlot("b", 20);
            SwitchResult back = engine.switchSlot(SwitchRequest.back());
            assertThat(back.action()).isEqualTo("rollback");
            assertThat(back.to()).isEqualTo("a");
            assertThat(back.version()).isEqualTo("1.0.0");
            TrafficLoop.Stats stats = traffic.awaitSlot("a", 20);
            assertThat(stats.failures()).as("failed requests: " + stats.firstFailures()).isZero();
        }
        assertThat(Fleets.ask(fleet.routerUrl())).isEqualTo(new Fleets.Answer(200, "a", "1.0.0"));
        assertThat(Files.readString(fleet.upstreamFile())).startsWith("# essay: slot=a version=1.0.0 previous=b previous_version=2.0.0");
    }

    @Test
    @Order(7)
    void statusShowsTheLiveSlotAndEverySlotOnEveryHost() {
        StatusReport status = engine.status(null);
        assertThat(status.routers()).singleElement().satisfies(r -> {
            assertThat(r.liveSlot()).isEqualTo("a");
            assertThat(r.version()).isEqualTo("1.0.0");
            assertThat(r.previousSlot()).isEqualTo("b");
            assertThat(r.lockHolder()).isNull();
        });
        assertThat(status.hosts()).hasSize(3).allSatisfy(h -> {
            assertThat(h.error()).isNull();
            assertThat(h.slots()).extracting(StatusReport.SlotStatus::slot, StatusReport.SlotStatus::version,
                    StatusReport.SlotStatus::running, StatusReport.SlotStatus::healthy)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("a", "1.0.0", true, true),
                            org.assertj.core.groups.Tuple.tuple("b", "2.0.0", true, true));
            assertThat(h.slots().get(0).processes()).hasSize(2).allSatisfy(p -> assertThat(p).contains("RUNNING"));
        });
    }

    @Test
    @Order(8)
    void historyRecordsEveryReleaseOnTheRouter() {
        List<LedgerEntry> history = engine.history(50);
        assertThat(history).extracting(LedgerEntry::action, LedgerEntry::version, LedgerEntry::from, LedgerEntry::to, LedgerEntry::result)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("deploy", "1.0.0", null, "a", "ok"),
                        org.assertj.core.groups.Tuple.tuple("switch", "1.0.0", null, "a", "ok"),
                        org.assertj.core.groups.Tuple.tuple("deploy", "2.0.0", null, "a", "refused"),
                        org.assertj.core.groups.Tuple.tuple("deploy", "2.0.0", null, "b", "ok"),
                        org.assertj.core.groups.Tuple.tuple("switch", "2.0.0", "a", "b", "ok"),
                        org.assertj.core.groups.Tuple.tuple("deploy", "1.0.0", null, "a", "ok"),
                        org.assertj.core.groups.Tuple.tuple("rollback", "1.0.0", "b", "a", "ok"));
        assertThat(history).allSatisfy(e -> assertThat(e.user()).isEqualTo("alice@ci"));
        assertThat(history).filteredOn(e -> !e.result().equals("refused")).allSatisfy(e -> assertThat(e.hosts()).hasSize(3));
        assertThat(history.get(2).hosts()).as("a refused deploy touched no host").isEmpty();
        assertThat(history.get(5).hosts()).allSatisfy(h -> assertThat(h.result()).isEqualTo("unchanged"));
    }

    @Test
    @Order(9)
    void aKeyWithAPassphraseWorksAndAWrongPassphraseIsAClearError() throws Exception {
        Path passphrase = fleet.sandbox().resolve("client/passphrase");
        Files.writeString(passphrase, TestFleet.PASSPHRASE + "\n");
        String withKey = fleet.configYaml().replace("  identity: " + fleet.identity(),
                "  identity: " + fleet.passphraseIdentity() + "\n  passphrase_file: " + passphrase);
        try {
            Engine locked = Fleets.engine(fleet.writeConfig(withKey), new Fleets.Recorder(), "alice@ci");
            assertThat(locked.status(null).routers()).singleElement().extracting(StatusReport.RouterStatus::liveSlot).isEqualTo("a");
            Files.writeString(passphrase, "not the passphrase\n");
            assertThatThrownBy(() -> Fleets.engine(fleet.writeConfig(withKey), new Fleets.Recorder(), "alice@ci"))
                    .isInstanceOfSatisfying(EssayException.class, e -> {
                        assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
                        assertThat(e.getMessage()).contains("wrong or missing passphrase").doesNotContain("not the passphrase");
                    });
        } finally {
            fleet.writeConfig();
        }
    }

    @Test
    @Order(10)
    void aPep440EqualSpellingInstallsThePublishedReleaseAndTheStampSaysWhatRuns() throws Exception {
        // 1.0.0 is on the index; pip installs it for 1.0.0.0, and the health check compares the slot's
        // version header (1.0.0) with 1.0.0.0 by PEP 440 equality
        DeployResult result = engine.deploy(DeployRequest.of("1.0.0.0", "b"));
        assertThat(result.ok()).as(result.fleet().table()).isTrue();
        assertThat(result.fleet().hosts()).hasSize(3).allSatisfy(h -> {
            assertThat(h.status()).isEqualTo(HostResult.Status.OK);
            assertThat(h.detail()).isEqualTo("installed 1.0.0 (asked for 1.0.0.0)");
        });
        for (FleetHost host : fleet.hosts()) {
            assertThat(Files.readString(fleet.slotDir(host, "b").resolve(".essay-deployed")))
                    .contains("version=1.0.0\n").doesNotContain("1.0.0.0");
        }
        assertThat(engine.status(null).hosts()).hasSize(3).allSatisfy(h -> assertThat(h.slots())
                .filteredOn(s -> s.slot().equals("b")).singleElement().satisfies(b -> {
                    assertThat(b.version()).isEqualTo("1.0.0");
                    assertThat(b.healthy()).isTrue();
                }));

        DeployResult again = engine.deploy(DeployRequest.of("1.0.0.0", "b"));
        assertThat(again.fleet().hosts()).as("equal to what runs: nothing to do").allSatisfy(h -> {
            assertThat(h.status()).isEqualTo(HostResult.Status.UNCHANGED);
            assertThat(h.detail()).isEqualTo("already 1.0.0 (asked for 1.0.0.0)");
        });
    }

    @Test
    @Order(11)
    void aShardedReleaseDeploysFromTwoMachinesUnderOneLockAndRecordsOneDeployWithEveryHost() throws Exception {
        int before = engine.history(200).size();
        LockHolder hold = engine.hold("for the sharded release test");
        // two "agents": engines of their own (own SSH connections), each deploying its shard under the held lock
        Engine agentA = Fleets.engine(config, new Fleets.Recorder(), "alice@ci");
        Engine agentB = Fleets.engine(config, new Fleets.Recorder(), "alice@ci");
        DeployRequest deploy = DeployRequest.of("2.0.0", "b");
        CompletableFuture<DeployResult> first = CompletableFuture.supplyAsync(() -> agentA.deploy(deploy.under(hold.id(), Shard.of(0, 2))));
        CompletableFuture<DeployResult> second = CompletableFuture.supplyAsync(() -> agentB.deploy(deploy.under(hold.id(), Shard.of(1, 2))));
        DeployResult a = first.get(5, TimeUnit.MINUTES);
        DeployResult b = second.get(5, TimeUnit.MINUTES);
        assertThat(a.fleet().hosts()).as("shard 0/2 of 3 hosts").hasSize(1);
        assertThat(b.fleet().hosts()).as("shard 1/2 of 3 hosts").hasSize(2);
        assertThat(List.of(a, b)).allSatisfy(r -> assertThat(r.ok()).as(r.fleet().table()).isTrue());
        for (FleetHost host : fleet.hosts()) {
            assertThat(Files.readString(fleet.slotDir(host, "b").resolve(".essay-deployed"))).contains("version=2.0.0");
        }
        assertThat(engine.history(200)).as("the shards' entries wait under the lock").hasSize(before);

        // anyone else is still locked out; a lock id that is not held is refused
        assertThatThrownBy(() -> engine.deploy(DeployRequest.of("2.0.0", "b")))
                .isInstanceOfSatisfying(EssayException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.LOCK_HELD));
        assertThatThrownBy(() -> engine.deploy(deploy.under("not-the-lock", null)))
                .isInstanceOfSatisfying(EssayException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.REFUSED);
                    assertThat(e.getMessage()).contains("not-the-lock", "is held by alice@ci (hold for the sharded release test");
                });

        try (TrafficLoop traffic = fleet.traffic()) {
            traffic.awaitSlot("a", 20);
            SwitchResult sw = engine.switchSlot(SwitchRequest.to("b").under(hold.id()));
            assertThat(sw.to()).isEqualTo("b");
            assertThat(sw.version()).isEqualTo("2.0.0");
            TrafficLoop.Stats stats = traffic.awaitSlot("b", 20);
            assertThat(stats.failures()).as("failed requests: " + stats.firstFailures()).isZero();
        }
        assertThat(engine.release(hold.id())).as("the switch recorded the shards already").isEmpty();
        assertThat(engine.status(null).routers()).allSatisfy(r -> assertThat(r.lockHolder()).as("lock after the release").isNull());

        List<LedgerEntry> added = engine.history(200).subList(before, engine.history(200).size());
        assertThat(added).extracting(LedgerEntry::action, LedgerEntry::version, LedgerEntry::to, LedgerEntry::result)
                .containsExactly(tuple("deploy", "2.0.0", "b", "ok"), tuple("switch", "2.0.0", "b", "ok"));
        assertThat(added.get(0).hosts()).as("one deploy entry with every host of both shards")
                .extracting(LedgerEntry.HostResult::host)
                .containsExactlyInAnyOrderElementsOf(fleet.hosts().stream().map(h -> h.spec()).toList());
        assertThat(added.get(0).detail()).contains("2 shard(s) under one lock", "shard 0/2 ok", "shard 1/2 ok");
    }

    @Test
    @Order(12)
    void releasingAHeldLockWithoutASwitchRecordsTheShardsDeployAndLeavesTheLiveSlot() throws Exception {
        int before = engine.history(200).size();
        LockHolder hold = engine.hold(null);
        DeployResult shard = engine.deploy(DeployRequest.of("1.0.0", "a").under(hold.id(),
                Shard.named(List.of(fleet.hosts().get(2).spec()))));
        assertThat(shard.fleet().hosts()).extracting(h -> h.host().toString())
                .containsExactly(fleet.hosts().get(2).spec());
        List<LedgerEntry> recorded = engine.release(hold.id());
        assertThat(recorded).singleElement().satisfies(e -> {
            assertThat(e.action()).isEqualTo("deploy");
            assertThat(e.to()).isEqualTo("a");
            assertThat(e.hosts()).hasSize(1);
        });
        assertThat(engine.history(200).subList(before, engine.history(200).size())).containsExactlyElementsOf(recorded);
        assertThat(engine.release(hold.id())).as("a second release finds nothing held").isEmpty();
        assertThat(Fleets.ask(fleet.routerUrl())).isEqualTo(new Fleets.Answer(200, "b", "2.0.0"));
    }
}
