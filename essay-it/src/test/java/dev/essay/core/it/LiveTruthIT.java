package dev.essay.core.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.essay.core.Engine;
import dev.essay.core.api.DeployRequest;
import dev.essay.core.api.StatusReport;
import dev.essay.core.api.SwitchRequest;
import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.ledger.LedgerEntry;
import dev.essay.core.lock.LockHeldException;
import dev.essay.core.lock.LockHolder;
import dev.essay.fleet.FleetBackend;
import dev.essay.fleet.LocalCommand;
import dev.essay.fleet.TestFleet;
import dev.essay.fleet.TrafficLoop;
import dev.essay.fleet.junit.WithFleet;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What essay reports live is what nginx serves (issue 11): a cancelled switch never puts back a stale include, an
 * include essay did not write is seen through nginx and adopted safely, a slot whose deploy did not finish is never
 * switched to, a service without slot header is proven through essay's probe, every attempt is in the ledger, and a
 * lock whose holder died is reported as stale. One fleet of two hosts for all; a request loop through nginx counts
 * zero failed requests in every test.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@WithFleet(hosts = 2, published = {"1.0.0", "2.0.0"}, needs = FleetBackend.OPENSSH,
        because = "reloads nginx as the router's Unix user (TestFleet.reloadNginx, ROUTER_USER)")
class LiveTruthIT {
    static TestFleet fleet;
    static Path config;
    static final Fleets.Recorder out = new Fleets.Recorder();
    static Engine engine;
    TrafficLoop traffic;

    @BeforeAll
    static void boot() {
        config = fleet.writeConfig();
        engine = Fleets.engine(config, out, "carol@ci");
        assertThat(engine.deploy(DeployRequest.of("1.0.0", "a")).ok()).isTrue();
        assertThat(engine.deploy(DeployRequest.of("2.0.0", "b")).ok()).isTrue();
        engine.switchSlot(SwitchRequest.to("a"));
        engine.switchSlot(SwitchRequest.to("b"));
    }

    @BeforeEach
    void startTraffic() {
        traffic = fleet.traffic();
        traffic.awaitRequests(3);
    }

    @AfterEach
    void noRequestFailed() {
        TrafficLoop.Stats stats = traffic.awaitRequests(traffic.requests() + 5);
        traffic.close();
        assertThat(stats.failures()).as("failed requests through nginx: " + stats.firstFailures()).isZero();
    }

    @Test
    @Order(1)
    void aSwitchCancelledAfterItsHealthCheckChangesNothingEvenWhenAnEarlierSwitchLeftItsInclude() throws Exception {
        assertThat(Fleets.slotOf(fleet)).isEqualTo("b");
        String include = Files.readString(fleet.upstreamFile());
        assertThat(Path.of(fleet.upstreamFile() + ".essay-prev")).as("a committed switch keeps no backup").doesNotExist();
        Engine cancelling = engineThatCancelsOn("health of slot a:");

        assertThatThrownBy(() -> cancelling.switchSlot(SwitchRequest.to("a")))
                .isInstanceOfSatisfying(EssayException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.CANCELLED);
                    assertThat(e.getMessage()).doesNotContain("healthy on 0");
                });

        assertThat(Files.readString(fleet.upstreamFile())).isEqualTo(include);
        fleet.reloadNginx();
        assertThat(Fleets.slotOf(fleet)).as("after a plain nginx reload").isEqualTo("b");
        assertThat(engine.status(null).live()).extracting(StatusReport.Live::slot, StatusReport.Live::proven)
                .containsExactly("b", true);
        assertThat(engine.history(1)).singleElement().satisfies(e -> {
            assertThat(e.action()).isEqualTo("switch");
            assertThat(e.result()).isEqualTo("cancelled");
            assertThat(e.to()).isEqualTo("a");
        });
    }

    @Test
    @Order(2)
    void anIncludeThatNginxDoesNotServeIsADisagreementThatRefusesDeploysUntilAdopted() throws Exception {
        // the include is edited to name slot a, nginx is not reloaded: it still serves b
        String include = Files.readString(fleet.upstreamFile());
        Files.writeString(fleet.upstreamFile(), include.replace("slot=b", "slot=a").replace(":811", ":810"));
        try {
            StatusReport status = engine.status(null);
            assertThat(status.live().slot()).as("the live slot is what nginx serves").isEqualTo("b");
            assertThat(status.live().disagreements()).singleElement().asString()
                    .contains("nginx serves slot b, but the include " + fleet.upstreamFile() + " names slot a");
            assertThatThrownBy(() -> engine.deploy(DeployRequest.of("1.0.0", "a")))
                    .isInstanceOfSatisfying(EssayException.class, e -> {
                        assertThat(e.exitCode()).isEqualTo(ExitCode.REFUSED);
                        assertThat(e.getMessage()).contains("nginx serves slot b, but the include");
                        assertThat(e.suggestion()).contains("essay adopt");
                    });
            assertThat(engine.history(1)).singleElement().extracting(LedgerEntry::action, LedgerEntry::result)
                    .containsExactly("deploy", "refused");

            engine.switchSlot(SwitchRequest.adopt(null, false));
            assertThat(Files.readString(fleet.upstreamFile())).contains("slot=b").contains(":8110;");
            assertThat(engine.status(null).live().disagreements()).isEmpty();
            assertThat(engine.history(1)).singleElement().extracting(LedgerEntry::action, LedgerEntry::result, LedgerEntry::to)
                    .containsExactly("adopt", "ok", "b");
        } finally {
            if (!Files.readString(fleet.upstreamFile()).contains("slot=b")) {
                Files.writeString(fleet.upstreamFile(), include);
            }
        }
        assertThat(Fleets.slotOf(fleet)).isEqualTo("b");
    }

    @Test
    @Order(3)
    void anIncludeEssayDidNotWriteIsSeenThroughNginxAndAdoptedWithoutMovingTraffic() throws Exception {
        // the Fabric tool's layout, copied as docs/migrating.md says: no essay header, slot b's ports
        String servers = fleet.hosts().stream().map(h -> "    server " + h.address() + ":8110;\n    server " + h.address() + ":8111;\n")
                .collect(Collectors.joining());
        Files.writeString(fleet.upstreamFile(), "upstream " + TestFleet.UPSTREAM_NAME + " {\n" + servers + "}\n");
        fleet.reloadNginx();
        assertThat(Fleets.slotOf(fleet)).isEqualTo("b");

        StatusReport status = engine.status(null);
        assertThat(status.live()).extracting(StatusReport.Live::slot, StatusReport.Live::proven).containsExactly("b", true);
        assertThatThrownBy(() -> engine.deploy(DeployRequest.of("1.0.0", "b")))
                .isInstanceOfSatisfying(EssayException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.REFUSED);
                    assertThat(e.getMessage()).contains("slot b serves traffic");
                });
        engine.switchSlot(SwitchRequest.adopt(null, false));
        assertThat(Files.readString(fleet.upstreamFile())).startsWith("# essay: slot=b version=2.0.0");
        assertThat(Fleets.slotOf(fleet)).isEqualTo("b");
    }

    @Test
    @Order(4)
    void aSlotWhoseDeployDidNotFinishIsMarkedAndNotSwitchedToUnlessForced() throws Exception {
        Path failing = fleet.writeConfig(fleet.configYaml() + "hooks:\n  post_deploy:\n    - echo migration failed; exit 7\n");
        Engine withHook = Fleets.engine(failing, out, "carol@ci");
        assertThat(withHook.deploy(DeployRequest.of("2.0.0", "a")).ok()).isFalse();

        StatusReport.SlotStatus a = engine.status(null).hosts().get(0).slots().stream()
                .filter(s -> s.slot().equals("a")).findFirst().orElseThrow();
        assertThat(a.unfinished()).isEqualTo("2.0.0");
        assertThat(a.answering()).as("what the slot answers, not its last stamp").isEqualTo("2.0.0");
        assertThat(a.version()).isEqualTo("1.0.0");
        assertThat(a.problems()).anySatisfy(p -> assertThat(p).contains("the deploy of 2.0.0 did not finish"));
        assertThatThrownBy(() -> engine.switchSlot(SwitchRequest.to("a")))
                .isInstanceOfSatisfying(EssayException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.REFUSED));
        assertThat(out.text()).contains("the last deploy of slot a (2.0.0) did not finish");
        assertThat(engine.history(1)).singleElement().extracting(LedgerEntry::action, LedgerEntry::result)
                .containsExactly("switch", "refused");
        assertThat(Fleets.slotOf(fleet)).isEqualTo("b");

        assertThat(engine.deploy(DeployRequest.of("2.0.0", "a")).ok()).as("a deploy without the hook finishes").isTrue();
        assertThat(engine.status(null).hosts().get(0).slots().get(0).unfinished()).isNull();
        fleet.writeConfig();
    }

    @Test
    @Order(5)
    void aServiceWithoutSlotHeaderIsSwitchedAndProvenThroughEssaysProbe() throws Exception {
        int probePort;
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            probePort = s.getLocalPort();
        }
        String yaml = fleet.configYaml().replace("  state_dir:", "  probe: 127.0.0.1:" + probePort + "\n  state_dir:")
                + "health:\n  slot_header: \"\"\n";
        Engine headerless = Fleets.engine(fleet.writeConfig(yaml), out, "carol@ci");
        try {
            headerless.switchSlot(SwitchRequest.to("a"));
            traffic.awaitSlot("a", 3);
            assertThat(Files.readString(fleet.upstreamFile())).contains("listen 127.0.0.1:" + probePort + ";");
            assertThat(out.text()).contains("requests in a row through nginx reached slot a");
            StatusReport status = headerless.status(null);
            assertThat(status.live()).extracting(StatusReport.Live::slot, StatusReport.Live::proven).containsExactly("a", true);
            assertThat(status.routers().get(0).served()).containsExactly("a");
            headerless.switchSlot(SwitchRequest.back());
            traffic.awaitSlot("b", 3);
        } finally {
            fleet.writeConfig();
        }
    }

    @Test
    @Order(6)
    void aLockWhoseHolderIsGoneIsReportedStaleWithTheCommandThatBreaksIt() throws Exception {
        long deadPid = deadPid();
        LockHolder dead = new LockHolder("dead-1", "dave@ci", "nightly", "deploy 2.0.0", "2026-12-01T03:00:00Z",
                Files.readString(Path.of("/proc/sys/kernel/hostname")).strip(), deadPid, "2026-12-01T02:59:59Z");
        Path lock = fleet.routerStateDir().resolve("lock");
        Files.createDirectories(lock);
        Files.writeString(lock.resolve("holder"), dead.fields().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue() + "\n").collect(Collectors.joining()));
        LocalCommand.run(List.of("chown", "-R", TestFleet.ROUTER_USER + ":", fleet.routerStateDir().toString()), Duration.ofSeconds(10));

        assertThatThrownBy(() -> engine.deploy(DeployRequest.of("1.0.0", "a")))
                .isInstanceOfSatisfying(LockHeldException.class, e -> {
                    assertThat(e.getMessage()).contains("dave@ci").contains("pid " + deadPid).contains("the lock is stale");
                    assertThat(e.suggestion()).isEqualTo("break the stale lock with: essay unlock --id dead-1");
                });
        StatusReport.RouterStatus router = engine.status(null).routers().get(0);
        assertThat(router.lockStale()).isTrue();
        assertThat(router.lockId()).isEqualTo("dead-1");

        assertThat(engine.unlock("someone-else")).isNull();
        assertThat(lock).exists();
        assertThat(engine.unlock("dead-1")).extracting(LockHolder::user).isEqualTo("dave@ci");
        assertThat(lock).doesNotExist();
        assertThat(engine.history(1)).singleElement().satisfies(e -> {
            assertThat(e.action()).isEqualTo("deploy");
            assertThat(e.result()).isEqualTo("interrupted");
            assertThat(e.user()).isEqualTo("dave@ci");
        });
    }

    private static Engine engineThatCancelsOn(String marker) {
        Engine[] self = new Engine[1];
        Fleets.Recorder trigger = new Fleets.Recorder() {
            @Override
            public void info(String line) {
                super.info(line);
                if (line.contains(marker)) {
                    self[0].cancel();
                }
            }
        };
        self[0] = Fleets.engine(config, trigger, "carol@ci");
        return self[0];
    }

    /** A PID that no process has now. */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }
}
