package dev.essay.cli;

import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.essay.fleet.DrillLog;
import dev.essay.fleet.FleetBackend;
import dev.essay.fleet.FleetHost;
import dev.essay.fleet.LocalCommand;
import dev.essay.fleet.TestFleet;
import dev.essay.fleet.TrafficLoop;
import dev.essay.fleet.junit.WithFleet;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The essay command killed mid-deploy and mid-switch, as a separate JVM (SIGINT: Ctrl-C; SIGTERM: the same, as from
 * CI or kill; SIGKILL: nothing runs any more), with requests flowing through nginx all along: no request fails, and a fresh run recovers the lock,
 * a half-written include and a half-deployed slot.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@WithFleet(hosts = 2, published = {"1.0.0", "2.0.0"}, needs = FleetBackend.OPENSSH,
        because = "finds the hosts' processes by Unix user (pgrep -u)")
class CliInterruptIT {
    private static final String GATE_HOOK = "hooks:\n  pre_deploy:\n"
            + "    - touch \"$HOME/drill-started\"; while [ ! -e \"$HOME/drill-go\" ]; do sleep 0.1; done\n";

    @TempDir
    static Path tmp;
    static TestFleet fleet;
    static String config;
    TrafficLoop traffic;

    @BeforeAll
    static void boot() {
        config = fleet.writeConfig().toString();
        assertThat(Cli.run("--config", config, "deploy", "1.0.0", "--slot", "a").exit()).isZero();
        assertThat(Cli.run("--config", config, "switch", "--to", "a").exit()).isZero();
    }

    @BeforeEach
    void startTraffic() throws Exception {
        for (FleetHost host : fleet.hosts()) {
            Files.deleteIfExists(host.home().resolve("drill-started"));
            Files.deleteIfExists(host.home().resolve("drill-go"));
        }
        traffic = fleet.traffic();
        traffic.awaitRequests(5);
    }

    @AfterEach
    void noRequestFailedAndNothingIsLeftRunning(TestInfo test) throws Exception {
        TrafficLoop.Stats stats = traffic.awaitRequests(traffic.requests() + 10);
        traffic.close();
        DrillLog.record(getClass().getSimpleName() + "." + test.getTestMethod().orElseThrow().getName(), stats);
        assertThat(stats.failures()).as("failed requests through nginx: " + stats.firstFailures()).isZero();
        for (FleetHost host : fleet.hosts()) {
            await("the gated hook of " + host + " to end with its session").atMost(Duration.ofMinutes(3))
                    .until(() -> !LocalCommand.run(List.of("pgrep", "-u", host.user(), "-f", "drill-go"), Duration.ofSeconds(10)).ok());
            Files.deleteIfExists(host.home().resolve("drill-started"));
            Files.deleteIfExists(host.home().resolve("drill-go"));
        }
        fleet.writeConfig();
    }

    @Test
    @Order(1)
    void ctrlCMidDeployStopsTheRemoteWorkReleasesTheLockAndTheNextDeployFinishes() throws Exception {
        assertThat(cancelledMidDeploy("INT", "2.0.0").output()).doesNotContain("venv module");

        Cli.Run again = Cli.run("--config", config, "deploy", "2.0.0", "--slot", "b");
        assertThat(again.exit()).as(again.all()).isZero();
        assertThat(again.out()).contains("deployed 2.0.0 into slot b on 2 host(s)");
    }

    @Test
    @Order(2)
    void sigtermMidDeployCancelsLikeCtrlCAndExits130() throws Exception {
        cancelledMidDeploy("TERM", "1.0.0");
    }

    @Test
    @Order(3)
    void sigkillMidDeployLeavesTheLockWhichUnlockBreaksAndTheNextDeployFinishes() throws Exception {
        Child child = Child.start(tmp, gated(), "deploy", "1.0.0", "--slot", "b");
        awaitGate();
        child.signal("KILL");
        assertThat(child.waitFor()).isEqualTo(137);
        assertThat(lockDir()).exists();

        Cli.Run blocked = Cli.run("--config", config, "deploy", "1.0.0", "--slot", "b");
        assertThat(blocked.exit()).isEqualTo(4);
        assertThat(blocked.err()).contains("(deploy 1.0.0, since ");
        Cli.Run unlock = Cli.run("--config", config, "unlock");
        assertThat(unlock.exit()).as(unlock.all()).isZero();
        assertThat(unlock.out()).contains("broke the release lock held by").contains("deploy 1.0.0");

        Cli.Run again = Cli.run("--config", config, "deploy", "1.0.0", "--slot", "b");
        assertThat(again.exit()).as(again.all()).isZero();
        Cli.Run status = Cli.run("--config", config, "status");
        assertThat(status.out()).containsPattern("b\\s+1\\.0\\.0\\s+yes\\s+2 RUNNING\\s+healthy").contains("lock: free");
    }

    @Test
    @Order(4)
    void sigkillMidSwitchLeavesAnUnprovenIncludeThatTheNextSwitchPutsBackFirst() throws Exception {
        try (Gate gate = Gate.start()) {
            Child child = Child.start(tmp, gate.config(), "switch", "--to", "b");
            // The proof asks the gate, which never names slot b: the include is staged and nginx reloaded.
            assertThat(gate.asked.await(2, TimeUnit.MINUTES)).as(child.output()).isTrue();
            child.signal("KILL");
            assertThat(child.waitFor()).isEqualTo(137);
        }
        assertThat(fleet.routerStateDir().resolve("switch.journal")).exists();
        Cli.Run status = Cli.run("--config", config, "status");
        assertThat(status.out()).contains("live slot b").contains("switch: INTERRUPTED").contains("lock: held by");

        // unlock breaks the dead holder's lock and undoes the switch it left half done
        Cli.Run unlock = Cli.run("--config", config, "unlock");
        assertThat(unlock.exit()).as(unlock.all()).isZero();
        assertThat(unlock.all()).contains("an earlier switch was interrupted; putting back the include it replaced");
        assertThat(fleet.routerStateDir().resolve("switch.journal")).doesNotExist();
        Cli.Run sw = Cli.run("--config", config, "switch", "--to", "b");
        assertThat(sw.exit()).as(sw.all()).isZero();
        assertThat(sw.all()).contains("switch essay-sample: slot a is live").contains("switch done: slot b (1.0.0) is live");
        assertThat(fleet.routerStateDir().resolve("switch.journal")).doesNotExist();
        assertThat(Cli.run("--config", config, "status").out()).doesNotContain("INTERRUPTED");
        traffic.awaitSlot("b", 5);
    }

    @Test
    @Order(5)
    void ctrlCMidSwitchPutsThePreviousIncludeBackAndReleasesTheLock() throws Exception {
        String include = Files.readString(fleet.upstreamFile());
        try (Gate gate = Gate.start()) {
            Child child = Child.start(tmp, gate.config(), "switch", "--to", "a");
            assertThat(gate.asked.await(2, TimeUnit.MINUTES)).as(child.output()).isTrue();
            child.signal("INT");
            assertThat(child.waitFor()).as(child.output()).isEqualTo(130);
            assertThat(child.output()).contains("cancelled during the switch; the switch was undone and the release lock was released");
        }
        assertThat(lockDir()).doesNotExist();
        assertThat(fleet.routerStateDir().resolve("switch.journal")).doesNotExist();
        assertThat(Files.readString(fleet.upstreamFile())).isEqualTo(include);
        traffic.awaitRequests(traffic.requests() + 5);
        assertThat(Cli.run("--config", config, "status").out()).contains("live slot b (1.0.0)").contains("lock: free");
    }

    // ------------------------------------------------------------------------------------------ helpers

    /** A deploy into slot b signalled while every host waits in the gated hook: it cancels, exits 130, frees the lock. */
    private static Child cancelledMidDeploy(String signal, String version) throws Exception {
        Child child = Child.start(tmp, gated(), "deploy", version, "--slot", "b");
        awaitGate();
        child.signal(signal);
        assertThat(child.waitFor()).as(child.output()).isEqualTo(130);
        assertThat(child.output()).contains("interrupted: cancelling").contains("cancelled; the release lock was released")
                .contains("cancelled while deploying; slot b may be half-deployed");
        assertThat(lockDir()).doesNotExist();
        return child;
    }

    private static Path lockDir() {
        return fleet.routerStateDir().resolve("lock");
    }

    /** essay.yaml with a pre-deploy hook that holds every host's deploy until the test writes drill-go. */
    private static Path gated() throws Exception {
        Path file = tmp.resolve("gated.yaml");
        Files.writeString(file, fleet.configYaml().replace("template: conf/supervisord.conf",
                "template: " + fleet.projectDir().resolve("conf/supervisord.conf")) + GATE_HOOK);
        return file;
    }

    private static void awaitGate() throws InterruptedException {
        for (FleetHost host : fleet.hosts()) {
            await(host + " to reach the gated hook").atMost(Duration.ofMinutes(3))
                    .until(() -> Files.exists(host.home().resolve("drill-started")));
        }
    }

    /**
     * An HTTP server standing in for router.url in a switch's proof: it answers every request 200 but names slot
     * "gate", so the proof keeps asking (the include is staged and nginx reloaded) until the test acts.
     */
    private static final class Gate implements AutoCloseable {
        final CountDownLatch asked = new CountDownLatch(1);
        private final HttpServer server;

        private Gate(HttpServer server) {
            this.server = server;
        }

        /** Counts {@link #asked} down at the first request after the include changed: the switch's proof, not the look at nginx before it. */
        static Gate start() throws Exception {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
            Gate gate = new Gate(server);
            String include = Files.readString(fleet.upstreamFile());
            server.createContext("/", exchange -> {
                if (!Files.readString(fleet.upstreamFile()).equals(include)) {
                    gate.asked.countDown();
                }
                exchange.getResponseHeaders().add("X-Essay-Slot", "gate");
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            server.start();
            return gate;
        }

        Path config() throws Exception {
            Path file = tmp.resolve("gate-" + server.getAddress().getPort() + ".yaml");
            String yaml = fleet.configYaml().replace("template: conf/supervisord.conf",
                    "template: " + fleet.projectDir().resolve("conf/supervisord.conf"));
            String url = "http://127.0.0.1:" + fleet.routerUrl().getPort() + "/health";
            assertThat(yaml).contains("url: " + url);
            Files.writeString(file, yaml.replace("url: " + url, "url: http://127.0.0.1:" + server.getAddress().getPort() + "/health"));
            return file;
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
