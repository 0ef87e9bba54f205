package dev.essay.fleet;

import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.essay.core.config.ProjectLoader;
import dev.essay.core.model.HostAddress;
import dev.essay.core.model.Project;
import dev.essay.fleet.junit.WithFleet;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The fixture itself, with real OpenSSH, pip, supervisord and nginx and no essay engine: what essay will do
 * (install a slot as the host user, start its supervisord, switch nginx as essay-router) done by hand here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@WithFleet(hosts = 3, published = TestFleetIT.VERSION, needs = FleetBackend.OPENSSH, because = "tests TestFleet itself")
class TestFleetIT {
    static final String VERSION = "1.0.0";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static TestFleet fleet;

    @Test
    @Order(0)
    void theWrittenConfigIsAValidEssayYaml() {
        Path file = fleet.writeConfig();

        Project project = ProjectLoader.load(file);

        assertThat(project.name()).isEqualTo(TestFleet.PROJECT);
        assertThat(project.index().url()).isEqualTo(fleet.indexUrl().toString());
        assertThat(project.hosts("web")).extracting(HostAddress::toString)
                .containsExactlyElementsOf(fleet.hosts().stream().map(FleetHost::spec).toList());
        assertThat(project.slots()).containsOnlyKeys("a", "b");
        assertThat(project.processCount()).isEqualTo(TestFleet.PROCESS_COUNT);
        assertThat(project.venv().prefix()).isEqualTo(TestFleet.VENV_PREFIX);
        assertThat(project.supervisor().template()).isEqualTo(fleet.projectDir().resolve("conf/supervisord.conf"));
        assertThat(project.router().hosts()).extracting(HostAddress::toString).containsExactly(fleet.routerHost().spec());
        assertThat(project.router().upstreamFile()).isEqualTo(fleet.upstreamFile().toString());
        assertThat(project.ssh().identity()).isEqualTo(fleet.identity());
        assertThat(project.ssh().knownHosts()).isEqualTo(fleet.knownHosts());
    }

    @Test
    @Order(1)
    void sshReachesEachHostAsItsOwnUser() {
        List<FleetHost> all = new ArrayList<>(fleet.hosts());
        all.add(fleet.routerHost());
        for (FleetHost host : all) {
            LocalCommand.Result result = fleet.ssh(host, "id -un; printf '%s\\n' \"$ESSAY_SAMPLE_HOST\"; printf '%s\\n' \"$HOME\"");

            assertThat(result.exitCode()).as(result.output()).isZero();
            assertThat(result.output().lines()).containsExactly(host.user(), host.address(), host.home().toString());
        }
        assertThat(fleet.hosts()).extracting(FleetHost::address).containsExactly(TestFleet.hostAddress(1), TestFleet.hostAddress(2), TestFleet.hostAddress(3));
        assertThat(fleet.routerHost().address()).isEqualTo(TestFleet.ROUTER_ADDRESS);
        assertThat(List.of(TestFleet.hostAddress(99), TestFleet.hostAddress(100), TestFleet.hostAddress(253)))
                .containsExactly("127." + TestFleet.NAMESPACE + ".1.99", "127." + TestFleet.NAMESPACE + ".1.101",
                        "127." + TestFleet.NAMESPACE + ".1.254");
    }

    @Test
    @Order(2)
    void sshRefusesUnknownAndChangedHostKeys() throws IOException {
        FleetHost host = fleet.host(1);
        Path empty = Files.createFile(fleet.sandbox().resolve("empty_known_hosts"));
        Path wrong = fleet.sandbox().resolve("wrong_known_hosts");
        Files.writeString(wrong, host.knownHostsName() + " " + fleet.hostKey(fleet.host(2)) + "\n");

        LocalCommand.Result unknown = LocalCommand.run(fleet.sshCommand(host, empty, "id -un"), Duration.ofMinutes(1));
        LocalCommand.Result changed = LocalCommand.run(fleet.sshCommand(host, wrong, "id -un"), Duration.ofMinutes(1));

        assertThat(unknown.exitCode()).isEqualTo(255);
        assertThat(unknown.output()).contains("Host key verification failed").doesNotContain(host.user() + "\n");
        assertThat(changed.exitCode()).isEqualTo(255);
        assertThat(changed.output()).contains("REMOTE HOST IDENTIFICATION HAS CHANGED");
    }

    @Test
    @Order(3)
    void eachHostLetsInOnlyItsOwnUser() {
        FleetHost host1 = fleet.host(1);
        FleetHost asWrongUser = new FleetHost(host1.name(), TestFleet.hostUser(2), host1.address(), host1.port(), host1.home(), host1.workDir());

        LocalCommand.Result result = fleet.ssh(asWrongUser, "id -un");

        assertThat(result.exitCode()).isEqualTo(255);
        assertThat(result.output()).contains("Permission denied");
    }

    @Test
    @Order(4)
    void thePassphraseKeyLogsInWithItsPassphrase() throws IOException {
        Path key = fleet.passphraseIdentity();
        String publicKey = Files.readString(Path.of(key + ".pub")).split(" ")[1];
        assertThat(LocalCommand.run(List.of("ssh-keygen", "-y", "-P", fleet.passphrase(), "-f", key.toString()),
                Duration.ofSeconds(30)).orThrow().output()).contains(publicKey);
        assertThat(LocalCommand.run(List.of("ssh-keygen", "-y", "-P", "", "-f", key.toString()),
                Duration.ofSeconds(30)).exitCode()).isNotZero();

        Path askpass = fleet.sandbox().resolve("client/askpass");
        Files.writeString(askpass, "#!/bin/sh\nprintf '%s\\n' '" + fleet.passphrase() + "'\n");
        Files.setPosixFilePermissions(askpass, PosixFilePermissions.fromString("rwx------"));
        FleetHost host = fleet.host(2);
        LocalCommand.Result result = LocalCommand.run(List.of("ssh", "-F", "/dev/null", "-i", key.toString(),
                        "-o", "IdentitiesOnly=yes", "-o", "UserKnownHostsFile=" + fleet.knownHosts(),
                        "-o", "StrictHostKeyChecking=yes", "-o", "ConnectTimeout=5",
                        "-p", Integer.toString(host.port()), host.user() + "@" + host.address(), "id -un"),
                Duration.ofMinutes(1), null, Map.of("SSH_ASKPASS", askpass.toString(), "SSH_ASKPASS_REQUIRE", "force"));

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains(host.user());
    }

    @Test
    @Order(5)
    void nginxAnswers502ThroughThePlaceholderUpstream() throws Exception {
        HttpResponse<String> response = get(fleet.routerUrl());

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(Files.readString(fleet.upstreamFile())).contains("upstream essay_sample", "server 127.0.0.1:9 down;");
    }

    @Test
    @Order(6)
    void eachHostUserInstallsTheSampleFromTheIndex() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(fleet.hosts().size());
        try {
            Map<FleetHost, Future<LocalCommand.Result>> installs = new LinkedHashMap<>();
            for (FleetHost host : fleet.hosts()) {
                installs.put(host, pool.submit(() -> fleet.ssh(host, String.join("\n",
                        "set -e",
                        "D=\"$HOME/essay-sample/a\"",
                        "/usr/bin/python3 -m venv \"$D\"",
                        "mkdir -p \"$D/etc\" \"$D/run\" \"$D/logs\"",
                        "\"$D/bin/pip\" install --disable-pip-version-check --no-input --no-cache-dir --index-url '"
                                + fleet.indexUrl() + "' essay-sample==" + VERSION,
                        "\"$D/bin/python\" -c 'import importlib.metadata as m; print(\"installed\", m.version(\"essay-sample\"))'"))));
            }
            for (Map.Entry<FleetHost, Future<LocalCommand.Result>> install : installs.entrySet()) {
                LocalCommand.Result result = install.getValue().get();

                assertThat(result.exitCode()).as(result.output()).isZero();
                assertThat(result.output()).contains("installed " + VERSION);
                assertThat(fleet.slotDir(install.getKey(), "a").resolve("bin/essay-sample")).isExecutable();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @Order(7)
    void eachHostRunsTheSlotUnderItsOwnSupervisordOnItsOwnAddress() throws Exception {
        for (FleetHost host : fleet.hosts()) {
            Path conf = fleet.slotDir(host, "a").resolve("etc/supervisord.conf");
            Files.writeString(conf, renderTemplate(fleet.slotDir(host, "a"), "a", "810"));
            LocalCommand.run(List.of("chown", host.user() + ":" + host.user(), conf.toString()), Duration.ofSeconds(30)).orThrow();

            LocalCommand.Result start = fleet.ssh(host, "supervisord -c \"$HOME/essay-sample/a/etc/supervisord.conf\"");
            assertThat(start.exitCode()).as(start.output()).isZero();
        }
        for (FleetHost host : fleet.hosts()) {
            for (int process = 0; process < TestFleet.PROCESS_COUNT; process++) {
                HttpResponse<String> health = awaitHttp200(URI.create("http://" + host.address() + ":810" + process + "/health"));
                assertThat(health.body()).isEqualTo("ok\n");
                assertThat(health.headers().firstValue("X-Essay-Slot")).hasValue("a");
                assertThat(health.headers().firstValue("X-Essay-Version")).hasValue(VERSION);
            }
            // RUNNING once a process stayed up for startsecs (1s), which can be after it first answers
            String status = awaitSupervisorStatus(host, "RUNNING", 2);
            assertThat(status).contains("essay-sample:essay-sample_0", "essay-sample:essay-sample_1");
            assertThat(Pids.commandLine(Long.parseLong(Files.readString(fleet.slotDir(host, "a").resolve("run/supervisord.pid")).trim())))
                    .contains("supervisord");
        }
        // every host binds the same ports, each on its own address: nothing listens on 127.0.0.1:8100
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", 8100), 2000);
            throw new AssertionError("something listens on 127.0.0.1:8100");
        } catch (ConnectException expected) {
            // refused, as it should be
        }
    }

    @Test
    @Order(8)
    void theRouterUserSwitchesNginxToTheSlotAndTrafficFlowsWithoutFailures() throws Exception {
        StringBuilder upstream = new StringBuilder("upstream essay_sample {\n");
        for (FleetHost host : fleet.hosts()) {
            upstream.append("    server ").append(host.address()).append(":8100;\n");
            upstream.append("    server ").append(host.address()).append(":8101;\n");
        }
        upstream.append("}\n");
        String conf = fleet.nginxConfig().toString();
        List<Long> oldWorkers = ProcessHandle.of(fleet.processIds().get("nginx")).orElseThrow().children()
                .map(ProcessHandle::pid).toList();
        assertThat(oldWorkers).isNotEmpty();
        String file = fleet.upstreamFile().toString();
        LocalCommand.Result reload = fleet.ssh(fleet.routerHost(), String.join("\n",
                "set -e",
                "cat > '" + file + ".new' <<'EOF'",
                upstream + "EOF",
                "mv '" + file + ".new' '" + file + "'",
                "/usr/sbin/nginx -c '" + conf + "' -t",
                "/usr/sbin/nginx -c '" + conf + "' -s reload",
                "echo reloaded"));
        assertThat(reload.exitCode()).as(reload.output()).isZero();
        assertThat(reload.output()).contains("test is successful", "reloaded");

        try (TrafficLoop traffic = fleet.traffic()) {
            // the reload is asynchronous: the old worker (old upstream: 502) serves on until it exits
            assertThat(Pids.awaitExit(oldWorkers, Duration.ofSeconds(30))).as("old nginx workers exit").isTrue();
            TrafficLoop.Stats first = traffic.awaitSlot("a", 1);
            TrafficLoop.Stats later = traffic.await(s -> s.fromSlot("a") >= first.fromSlot("a") + 60, Duration.ofSeconds(60),
                    "60 more responses from slot a");
            TrafficLoop.Stats last = traffic.stop();

            assertThat(last.failures()).as(last.toString()).isEqualTo(first.failures());
            assertThat(later.bySlot()).containsOnlyKeys("a");
            assertThat(later.byVersion()).containsOnlyKeys(VERSION);
            assertThat(last.running()).isFalse();
        }
        for (FleetHost host : fleet.hosts()) {
            String logs = Files.readString(fleet.slotDir(host, "a").resolve("logs/essay-sample_0.log"))
                    + Files.readString(fleet.slotDir(host, "a").resolve("logs/essay-sample_1.log"));
            assertThat(logs).as("requests reached " + host).contains("\"GET / HTTP/1.1\" 200");
        }
    }

    @Test
    @Order(9)
    void theSshdLogsCountConnectionsAndSessions() {
        FleetHost host = fleet.host(1);
        long connections = fleet.sshConnections(host);
        long sessions = fleet.sshSessions(host);

        fleet.ssh(host, "true");

        assertThat(connections).isGreaterThanOrEqualTo(3);
        assertThat(fleet.sshConnections(host)).isEqualTo(connections + 1);
        assertThat(fleet.sshSessions(host)).isEqualTo(sessions + 1);
    }

    @Test
    @Order(10)
    void aStoppedHostIsUnreachableUntilStartedAgain() {
        FleetHost host = fleet.host(3);

        fleet.stopHost(3);
        LocalCommand.Result down = fleet.ssh(host, "id -un");
        fleet.startHost(3);
        LocalCommand.Result up = fleet.ssh(host, "id -un");

        assertThat(down.exitCode()).isEqualTo(255);
        assertThat(down.output()).contains("Connection refused");
        assertThat(up.exitCode()).as(up.output()).isZero();
    }

    @Test
    @Order(11)
    void closeLeavesNothingBehind() throws Exception {
        List<Long> pids = new ArrayList<>(fleet.processIds().values());
        List<String> users = new ArrayList<>(fleet.hosts().stream().map(FleetHost::user).toList());
        users.add(fleet.routerHost().user());
        List<Long> userProcesses = Pids.ownedBy(users);
        assertThat(userProcesses).as("supervisord, 2 samples per host, nginx master and worker").hasSizeGreaterThanOrEqualTo(3 * 3 + 2);
        pids.addAll(userProcesses);
        Path sandbox = fleet.sandbox();
        List<Path> prefixes = fleet.hosts().stream().map(h -> h.home().resolve("essay-sample")).toList();

        fleet.close();

        assertThat(pids).allSatisfy(pid -> assertThat(Pids.running(pid)).as("pid %d: %s", pid, Pids.commandLine(pid)).isFalse());
        assertThat(Pids.ownedBy(users)).isEmpty();
        assertThat(sandbox).doesNotExist();
        assertThat(prefixes).allSatisfy(prefix -> assertThat(prefix).doesNotExist());
        fleet.close(); // idempotent
    }

    // ----------------------------------------------------------------------------------------------

    /** The sample's template with the values essay gives it (Jinja's {{ name }} replaced by hand). */
    private static String renderTemplate(Path slotDir, String slot, String portPrefix) throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("run_root", slotDir.toString());
        values.put("venv_dir", slotDir.toString());
        values.put("project", TestFleet.PROJECT);
        values.put("port", portPrefix);
        values.put("process_count", Integer.toString(TestFleet.PROCESS_COUNT));
        values.put("profile", "prod");
        values.put("slot", slot);
        values.put("username", "essay");
        values.put("password", "fixture-" + System.nanoTime());
        values.put("supervisor_socket", slotDir.resolve("run/supervisor.sock").toString());
        values.put("supervisor_pidfile", slotDir.resolve("run/supervisord.pid").toString());
        values.put("log_dir", slotDir.resolve("logs").toString());
        String text = Files.readString(SampleBuild.supervisorTemplate());
        for (Map.Entry<String, String> value : values.entrySet()) {
            text = text.replace("{{ " + value.getKey() + " }}", value.getValue());
        }
        assertThat(text).doesNotContain("{{", "}}");
        return text;
    }

    private String awaitSupervisorStatus(FleetHost host, String state, int count) {
        return await("supervisorctl status on " + host + " to show " + count + " x " + state).atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> fleet.ssh(host, "supervisorctl -c \"$HOME/essay-sample/a/etc/supervisord.conf\" status").output(),
                        status -> status.lines().filter(l -> l.contains(" " + state + " ")).count() >= count);
    }

    private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> awaitHttp200(URI uri) {
        return await(uri + " to answer 200").atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(IOException.class)
                .until(() -> get(uri), response -> response.statusCode() == 200);
    }
}
