package dev.essay.core.it;

import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.essay.core.Engine;
import dev.essay.core.api.DeployRequest;
import dev.essay.core.api.DeployResult;
import dev.essay.core.api.StatusReport;
import dev.essay.core.api.SwitchRequest;
import dev.essay.core.error.CancelledException;
import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.event.EssayEvent;
import dev.essay.core.ledger.LedgerEntry;
import dev.essay.core.lock.LockHeldException;
import dev.essay.core.run.HostResult;
import dev.essay.fleet.DrillLog;
import dev.essay.fleet.FleetBackend;
import dev.essay.fleet.FleetHost;
import dev.essay.fleet.TestFleet;
import dev.essay.fleet.TrafficLoop;
import dev.essay.fleet.junit.WithFleet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Every failure leaves the live slot serving: slot a runs 1.0.0 live behind nginx while each test
 * breaks something, and a request loop through nginx must count zero failed requests throughout.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@WithFleet(hosts = 3, published = {"1.0.0", "2.0.0", "2.1.0", "2.2.0"}, needs = FleetBackend.OPENSSH,
        because = "breaks hosts through TestFleet: stops sshd, reads its log")
class FaultsIT {
    static TestFleet fleet;
    static Path config;
    static Engine engine;
    static final Fleets.Recorder out = new Fleets.Recorder();
    TrafficLoop traffic;

    @BeforeAll
    static void boot() {
        config = fleet.writeConfig();
        engine = Fleets.engine(config, out, "alice@ci");
        assertThat(engine.deploy(DeployRequest.of("1.0.0", "a")).ok()).isTrue();
        engine.switchSlot(SwitchRequest.to("a"));
    }

    @BeforeEach
    void startTraffic() {
        traffic = fleet.traffic();
        traffic.awaitSlot("a", 10);
    }

    @AfterEach
    void liveSlotServedThroughout(TestInfo test) throws Exception {
        TrafficLoop.Stats stats = traffic.awaitRequests(traffic.requests() + 10);
        traffic.close();
        DrillLog.record(getClass().getSimpleName() + "." + test.getTestMethod().orElseThrow().getName(), stats);
        assertThat(stats.failures()).as("failed requests through nginx: " + stats.firstFailures()).isZero();
        assertThat(Fleets.ask(fleet.routerUrl())).isEqualTo(new Fleets.Answer(200, "a", "1.0.0"));
        assertThat(fleet.routerStateDir().resolve("lock")).as("the lock is released").doesNotExist();
    }

    @Test
    @Order(1)
    void pipCannotFindTheVersionAndEveryHostSaysSoWithPipsMessage() {
        DeployResult result = engine.deploy(DeployRequest.of("9.9.9", "b"));
        assertThat(result.ok()).isFalse();
        assertThat(result.fleet().hosts()).hasSize(3).allSatisfy(h -> {
            assertThat(h.status()).isEqualTo(HostResult.Status.FAILED);
            assertThat(h.error()).contains(h.host().toString()).contains("pip-install failed")
                    .contains("No matching distribution found for essay-sample==9.9.9");
        });
        assertThat(engine.history(1)).singleElement().extracting(LedgerEntry::action, LedgerEntry::result)
                .containsExactly("deploy", "failed");
    }

    @Test
    @Order(2)
    void aSlotThatFailsItsHealthCheckIsNeverSwitchedTo() throws Exception {
        DeployResult result = engine.deploy(new DeployRequest("2.0.0", "b", null, "unhealthy", false));
        assertThat(result.fleet().hosts()).allSatisfy(h -> assertThat(h.error()).contains("wait-healthy failed").contains("status 500"));
        String include = Files.readString(fleet.upstreamFile());
        assertThatThrownBy(() -> engine.switchSlot(SwitchRequest.to("b")))
                .isInstanceOfSatisfying(EssayException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.REFUSED);
                    assertThat(e.getMessage()).contains("healthy on 0 of 3 host(s), 3 needed").contains("a stays live");
                });
        assertThat(Files.readString(fleet.upstreamFile())).isEqualTo(include);
    }

    @Test
    @Order(2)
    void aProcessThatExitsAtOnceFailsTheDeployWithoutWaitingOutItsHealthCheck() {
        // profile 'crash': supervisord retries the process, then gives it up as FATAL long before the health
        // check's retries run out (on a loaded machine the process may outlive startsecs: then supervisord
        // restarts it, and the wait ends at the restart)
        DeployResult result = engine.deploy(new DeployRequest("2.1.0", "b", null, "crash", false));
        assertThat(result.ok()).isFalse();
        assertThat(result.fleet().hosts()).hasSize(3).allSatisfy(h -> {
            assertThat(h.status()).isEqualTo(HostResult.Status.FAILED);
            assertThat(h.error()).contains("wait-healthy failed")
                    .containsPattern("process essay-sample:essay-sample_[01] is (FATAL|EXITED|BACKOFF)[^;]*; not waiting for its health check")
                    .contains("--- supervisorctl status").contains("essay-sample: profile 'crash' exits at once");
        });
    }

    @Test
    @Order(3)
    void whenNginxRejectsTheIncludeTheOldOneStaysAndNginxKeepsServing() throws Exception {
        assertThat(engine.deploy(DeployRequest.of("2.0.0", "b")).ok()).isTrue();
        String include = Files.readString(fleet.upstreamFile());
        // The server block proxies to essay_sample; an include defining another name fails `nginx -t`.
        Path renamed = fleet.writeConfig(fleet.configYaml().replace("upstream_name: essay_sample", "upstream_name: renamed"));
        Engine broken = Fleets.engine(renamed, out, "alice@ci");
        try {
            assertThatThrownBy(() -> broken.switchSlot(SwitchRequest.to("b")))
                    .isInstanceOfSatisfying(EssayException.class, e -> {
                        assertThat(e.exitCode()).isEqualTo(ExitCode.REFUSED);
                        assertThat(e.getMessage()).contains("test-nginx failed").contains("switch undone");
                        assertThat(e.detail()).contains("essay_sample");
                    });
        } finally {
            fleet.writeConfig();
        }
        assertThat(Files.readString(fleet.upstreamFile())).isEqualTo(include);
    }

    @Test
    @Order(4)
    void anUnreachableHostIsReportedAndTheSwitchIsRefused() {
        FleetHost down = fleet.host(2);
        fleet.stopHost(2);
        try {
            DeployResult result = engine.deploy(DeployRequest.of("2.1.0", "b"));
            assertThat(result.fleet().hosts()).filteredOn(h -> h.host().toString().equals(down.spec()))
                    .singleElement().satisfies(h -> {
                        assertThat(h.status()).isEqualTo(HostResult.Status.FAILED);
                        assertThat(h.error()).contains("connection refused");
                    });
            assertThat(result.fleet().hosts()).filteredOn(HostResult::ok).hasSize(2);
            assertThat(result.fleet().exitCode()).as("the only failed host could not be reached").isEqualTo(ExitCode.CONNECTION);
            assertThatThrownBy(() -> engine.switchSlot(SwitchRequest.to("b")))
                    .isInstanceOfSatisfying(EssayException.class, e -> {
                        assertThat(e.exitCode()).isEqualTo(ExitCode.CONNECTION);
                        assertThat(e.getMessage()).contains("healthy on 2 of 3 host(s)");
                    });
        } finally {
            fleet.startHost(2);
        }
    }

    @Test
    @Order(5)
    void aSecondReleaseIsBlockedByTheLockAndToldWhoHoldsIt() throws Exception {
        CompletableFuture<DeployResult> first = CompletableFuture.supplyAsync(() -> engine.deploy(DeployRequest.of("2.2.0", "b")));
        awaitLock(true);
        Engine bob = Fleets.engine(config, new Fleets.Recorder(), "bob@laptop");
        assertThatThrownBy(() -> bob.switchSlot(SwitchRequest.to("b")))
                .isInstanceOfSatisfying(LockHeldException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.LOCK_HELD);
                    assertThat(e.holder().user()).isEqualTo("alice@ci");
                    assertThat(e.holder().action()).isEqualTo("deploy 2.2.0");
                    assertThat(e.getMessage()).contains("held by alice@ci (deploy 2.2.0, since ");
                });
        assertThat(first.get(5, TimeUnit.MINUTES).ok()).isTrue();
    }

    @Test
    @Order(6)
    void cancellingADeployMidWayStopsItReleasesTheLockAndRecordsEveryHost() throws Exception {
        Set<String> deploying = ConcurrentHashMap.newKeySet();
        Fleets.Recorder log = new Fleets.Recorder() {
            @Override
            public void on(EssayEvent event) {
                super.on(event);
                if (event instanceof EssayEvent.StepStarted s && s.step().equals("deploy")) {
                    deploying.add(s.host().toString());
                }
            }
        };
        Engine carol = Fleets.engine(config, log, "carol@ci");
        CompletableFuture<DeployResult> deploy = CompletableFuture.supplyAsync(() -> carol.deploy(DeployRequest.of("2.0.0", "b")));
        await("a host's deploy step to start").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20))
                .until(() -> !deploying.isEmpty());
        carol.cancel();
        assertThatThrownBy(() -> deploy.get(2, TimeUnit.MINUTES)).hasCauseInstanceOf(CancelledException.class)
                .cause().satisfies(e -> {
                    CancelledException c = (CancelledException) e;
                    assertThat(c.exitCode()).isEqualTo(ExitCode.CANCELLED);
                    DeployResult partial = c.result(DeployResult.class).orElseThrow();
                    assertThat(partial.fleet().hosts()).extracting(h -> h.host().toString())
                            .containsExactlyInAnyOrderElementsOf(fleet.hosts().stream().map(FleetHost::spec).toList());
                    assertThat(partial.fleet().ok()).as("the deploy was cut short on a host").isFalse();
                    LedgerEntry entry = engine.history(1).get(0);
                    assertThat(entry).extracting(LedgerEntry::action, LedgerEntry::result, LedgerEntry::version)
                            .containsExactly("deploy", "cancelled", "2.0.0");
                    assertThat(entry.hosts()).extracting(LedgerEntry.HostResult::host, LedgerEntry.HostResult::result)
                            .containsExactlyInAnyOrderElementsOf(partial.fleet().hosts().stream().map(h -> tuple(
                                    h.host().toString(), h.status().name().toLowerCase(Locale.ROOT))).toList());
                });
        assertThat(fleet.routerStateDir().resolve("lock")).as("released before the deploy returned").doesNotExist();
        // the live slot still serves, with no failed request: checked after each test
    }

    @Test
    @Order(7)
    void unknownHostKeysAreRefusedWithTheOfferedFingerprint() throws Exception {
        String routerOnly = Files.readAllLines(fleet.knownHosts()).stream()
                .filter(l -> l.startsWith(fleet.routerHost().knownHostsName() + " ")).collect(Collectors.joining("\n")) + "\n";
        assertThat(routerOnly.isBlank()).isFalse();
        Path partial = fleet.sandbox().resolve("client/known_hosts.router-only");
        Files.writeString(partial, routerOnly);
        String stamp = Files.readString(fleet.slotDir(fleet.host(1), "b").resolve(".essay-deployed"));
        Engine strict = Fleets.engine(fleet.writeConfig(fleet.configYaml().replace(fleet.knownHosts().toString(), partial.toString())),
                out, "alice@ci");
        try {
            DeployResult result = strict.deploy(DeployRequest.of("2.0.0", "b"));
            assertThat(result.fleet().hosts()).allSatisfy(h -> {
                assertThat(h.status()).isEqualTo(HostResult.Status.FAILED);
                assertThat(h.error()).contains("host key is not in known_hosts (offered ssh-ed25519 SHA256:")
                        .contains("accept_new_host_keys");
                assertThat(h.unreachable()).isTrue();
            });
            assertThat(result.fleet().exitCode()).isEqualTo(ExitCode.CONNECTION);
            Path none = fleet.sandbox().resolve("client/known_hosts.empty");
            Files.writeString(none, "");
            Engine blind = Fleets.engine(fleet.writeConfig(fleet.configYaml().replace(fleet.knownHosts().toString(), none.toString())),
                    out, "alice@ci");
            // status reports every router and host it could not trust instead of stopping at the first
            StatusReport status = blind.status(null);
            assertThat(status.routers()).singleElement()
                    .satisfies(r -> assertThat(r.error()).contains("host key is not in known_hosts"));
            assertThat(status.hosts()).hasSize(3).allSatisfy(h -> assertThat(h.error()).contains("host key is not in known_hosts"));
            assertThat(status.degraded()).isTrue();
        } finally {
            fleet.writeConfig();
        }
        assertThat(Files.readString(fleet.slotDir(fleet.host(1), "b").resolve(".essay-deployed"))).isEqualTo(stamp);
    }

    @Test
    @Order(8)
    void sshdKilledMidDeployFailsThatHostWithItsOutputAndARedeployFinishesIt() throws Exception {
        // A pre-deploy hook holds every host inside its deploy step (after pip install, before the restart) until
        // the test lets it go: host 2's sshd is killed while its deploy runs.
        Path gated = fleet.writeConfig(fleet.configYaml() + "hooks:\n  pre_deploy:\n"
                + "    - echo waiting at the gate; touch \"$HOME/drill-started\"; while [ ! -e \"$HOME/drill-go\" ]; do sleep 0.1; done\n");
        FleetHost victim = fleet.host(2);
        for (FleetHost host : fleet.hosts()) { // the homes outlive fleets: no gate of an earlier run may count
            Files.deleteIfExists(host.home().resolve("drill-go"));
            Files.deleteIfExists(host.home().resolve("drill-started"));
        }
        Fleets.Recorder log = new Fleets.Recorder();
        Engine gatedEngine = Fleets.engine(gated, log, "alice@ci");
        CompletableFuture<DeployResult> deploy = CompletableFuture.supplyAsync(() -> gatedEngine.deploy(DeployRequest.of("2.1.0", "b")));
        DeployResult result;
        try {
            awaitFile(victim.home().resolve("drill-started"));
            fleet.stopHost(2);
        } finally {
            for (FleetHost host : fleet.hosts()) {
                Files.writeString(host.home().resolve("drill-go"), "");
            }
            result = deploy.get(5, TimeUnit.MINUTES);
            fleet.startHost(2);
            fleet.writeConfig();
            for (FleetHost host : fleet.hosts()) {
                Files.deleteIfExists(host.home().resolve("drill-go"));
                Files.deleteIfExists(host.home().resolve("drill-started"));
            }
        }
        assertThat(result.ok()).isFalse();
        assertThat(result.fleet().failed()).singleElement().satisfies(h -> {
            assertThat(h.host().toString()).isEqualTo(victim.spec());
            assertThat(h.error()).contains(victim.spec()).contains("connection").contains("pre-deploy")
                    .contains("waiting at the gate");
        });
        assertThat(result.fleet().hosts()).filteredOn(HostResult::ok).hasSize(2);
        assertThatThrownBy(() -> engine.switchSlot(SwitchRequest.to("b")))
                .isInstanceOfSatisfying(EssayException.class, e -> assertThat(e.getMessage()).contains("healthy on 2 of 3 host(s)"));

        DeployResult again = engine.deploy(DeployRequest.of("2.1.0", "b"));
        assertThat(again.ok()).as(out.text()).isTrue();
        assertThat(again.fleet().hosts()).filteredOn(h -> h.status() == HostResult.Status.OK).singleElement()
                .satisfies(h -> assertThat(h.host().toString()).isEqualTo(victim.spec()));
        assertThat(engine.status(null).hosts()).allSatisfy(h -> assertThat(h.slots()).anySatisfy(slot -> {
            assertThat(slot.slot()).isEqualTo("b");
            assertThat(slot.version()).isEqualTo("2.1.0");
            assertThat(slot.healthy()).isTrue();
        }));
    }

    @Test
    @Order(9)
    void whenNginxCannotReloadTheSwitchIsUndoneAndStatusStillSaysTheOldSlot() throws Exception {
        assertThat(engine.deploy(DeployRequest.of("2.1.0", "b")).ok()).isTrue();
        String include = Files.readString(fleet.upstreamFile());
        // nginx -s reload signals the master named in the pid file; without it the reload fails while nginx -t passes
        // (nginx -t leaves an empty pid file behind, which the reload refuses too).
        Path pid = fleet.routerDir().resolve("nginx.pid");
        Path moved = pid.resolveSibling("nginx.pid.drill");
        Files.move(pid, moved);
        try {
            assertThatThrownBy(() -> engine.switchSlot(SwitchRequest.to("b")))
                    .isInstanceOfSatisfying(EssayException.class, e -> {
                        assertThat(e.exitCode()).isEqualTo(ExitCode.REFUSED);
                        assertThat(e.getMessage()).contains("reload-nginx failed").contains("switch undone");
                        assertThat(e.detail()).contains("nginx.pid");
                    });
        } finally {
            Files.move(moved, pid, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        assertThat(Files.readString(fleet.upstreamFile())).isEqualTo(include);
        assertThat(fleet.routerStateDir().resolve("switch.journal")).doesNotExist();
        assertThat(engine.status(null).routers()).singleElement().satisfies(r -> {
            assertThat(r.liveSlot()).isEqualTo("a");
            assertThat(r.version()).isEqualTo("1.0.0");
        });
        assertThat(engine.history(1)).singleElement().extracting(LedgerEntry::action, LedgerEntry::result)
                .containsExactly("switch", "undone");
    }

    private static void awaitFile(Path file) {
        await(file + " to appear").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(20)).until(() -> Files.exists(file));
    }

    private static void awaitLock(boolean present) {
        Path lock = fleet.routerStateDir().resolve("lock");
        await("the lock to " + (present ? "appear" : "go away")).atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20))
                .until(() -> Files.exists(lock) == present);
    }
}
