package dev.essay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.essay.fleet.Fleet;
import dev.essay.fleet.FleetHost;
import dev.essay.fleet.TrafficLoop;
import dev.essay.fleet.junit.WithFleet;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The essay command, end to end, against the real test fleet: what a user types and sees. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@WithFleet(hosts = 3, published = {"1.0.0", "2.0.0", "2.1.0"})
class CliFleetIT {
    static Fleet fleet;
    static String config;

    @BeforeAll
    static void boot() {
        Path yaml = fleet.writeConfig();
        config = yaml.toString();
    }

    @Test
    @Order(1)
    void deployPrintsPrefixedProgressAndASummaryTable() {
        Cli.Run run = Cli.run("--config", config, "deploy", "1.0.0", "--slot", "a");
        assertThat(run.exit()).as(run.all()).isZero();
        for (var host : fleet.hosts()) {
            assertThat(run.out()).contains("[" + host.spec() + "] pip-install ok")
                    .contains("[" + host.spec() + "] wait-healthy ok");
            assertThat(run.out()).containsPattern("(?m)^" + java.util.regex.Pattern.quote(host.spec()) + "\\s+ok\\s+.*installed 1\\.0\\.0");
        }
        assertThat(run.out()).contains("deploy: 3 host(s), 3 ok, 0 failed");
    }

    @Test
    @Order(2)
    void switchThenDeployAndSwitchAgainWithoutAFailedRequest() {
        assertThat(Cli.run("--config", config, "switch").exit()).isZero();
        try (TrafficLoop traffic = fleet.traffic()) {
            traffic.awaitSlot("a", 10);
            Cli.Run deploy = Cli.run("--config", config, "deploy", "2.0.0", "--slot", "b");
            // 2.1.0 is on the index too: deploy latest takes it (Order 9)
            assertThat(deploy.exit()).as(deploy.all()).isZero();
            Cli.Run sw = Cli.run("--config", config, "switch");
            assertThat(sw.exit()).as(sw.all()).isZero();
            assertThat(sw.out()).contains("slot b (2.0.0) is live");
            TrafficLoop.Stats stats = traffic.awaitSlot("b", 10);
            assertThat(stats.failures()).as(String.valueOf(stats.firstFailures())).isZero();
        }
    }

    @Test
    @Order(3)
    void aVersionMissingFromTheIndexExitsThreeWithPipsMessage() {
        Cli.Run run = Cli.run("--config", config, "deploy", "7.7.7", "--slot", "a");
        assertThat(run.exit()).isEqualTo(3);
        assertThat(run.all()).contains("No matching distribution found for essay-sample==7.7.7")
                .contains("deploy: 3 host(s), 0 ok, 3 failed");
        assertThat(run.err()).contains("hint: 7.7.7 is not on the index " + fleet.indexUrl())
                .contains("essay versions lists what is").doesNotContain("are skipped");
    }

    @Test
    @Order(4)
    void switchingToABrokenSlotIsRefusedWithExitFive() {
        Cli.Run broken = Cli.run("--config", config, "deploy", "1.0.0", "--slot", "a", "--profile", "unhealthy");
        assertThat(broken.exit()).isEqualTo(3);
        Cli.Run sw = Cli.run("--config", config, "switch", "--to", "a");
        assertThat(sw.exit()).as(sw.all()).isEqualTo(5);
        assertThat(sw.err()).contains("error: switch refused: slot a is healthy on 0 of 3 host(s)");
    }

    @Test
    @Order(5)
    void statusAndHistoryShowTheFleetAndTheLedger() {
        Cli.Run status = Cli.run("--config", config, "status");
        assertThat(status.exit()).as(status.all()).isZero();
        assertThat(status.out()).contains("b").contains("2.0.0");
        Cli.Run history = Cli.run("--config", config, "history");
        assertThat(history.exit()).as(history.all()).isZero();
        assertThat(history.out()).contains("deploy").contains("switch").contains("failed").contains("refused");
    }

    @Test
    @Order(6)
    void aStoppedHostMakesStatusDegradedAndDeployAndSwitchExitSix() throws Exception {
        FleetHost down = fleet.host(2);
        fleet.stopHost(2);
        try {
            Cli.Run status = Cli.run("--config", config, "status");
            assertThat(status.exit()).as(status.all()).isEqualTo(3);
            for (FleetHost host : fleet.hosts()) {
                assertThat(status.out()).contains(host.spec());
            }
            assertThat(status.out()).containsPattern("(?m)^" + Pattern.quote(down.spec()) + "\\s+-.*unreachable")
                    .contains("live slot b (2.0.0)");
            assertThat(status.err()).contains("error: the fleet is degraded: " + down.spec() + " could not be read");
            Cli.Run json = Cli.run("--config", config, "status", "--json");
            assertThat(json.exit()).isEqualTo(3);
            JsonNode doc = new ObjectMapper().readTree(json.out());
            assertThat(doc.get("degraded").asBoolean()).isTrue();
            assertThat(doc.get("degraded_reasons").toString()).contains(down.spec() + " could not be read");
            assertThat(doc.get("hosts")).hasSize(3);

            // every failed host failed before any work started (it could not be reached): exit 6, not 3
            Cli.Run deploy = Cli.run("--config", config, "deploy", "1.0.0", "--slot", "a");
            assertThat(deploy.exit()).as(deploy.all()).isEqualTo(6);
            assertThat(deploy.all()).contains(down.spec() + ": connection refused").contains("deploy: 3 host(s), 2 ok, 1 failed")
                    .contains("the 2 host(s) that already run 1.0.0 are skipped");
            Cli.Run sw = Cli.run("--config", config, "switch", "--to", "a");
            assertThat(sw.exit()).as(sw.all()).isEqualTo(6);
            assertThat(sw.err()).contains("error: switch refused: slot a is healthy on 2 of 3 host(s), 3 needed");
        } finally {
            fleet.startHost(2);
        }
        Cli.Run healthy = Cli.run("--config", config, "status");
        assertThat(healthy.exit()).as(healthy.all()).isZero();
        assertThat(healthy.err()).doesNotContain("degraded");
    }

    @Test
    @Order(7)
    void statusWithTheRouterDownReportsItAndStillListsEveryHost() throws Exception {
        String router = fleet.routerHost().spec();
        String closed = router.substring(0, router.lastIndexOf(':')) + ":1";
        Path yaml = fleet.writeConfig(fleet.configYaml().replace("hosts: [" + router + "]", "hosts: [" + closed + "]"));
        try {
            Cli.Run status = Cli.run("--config", yaml.toString(), "status");
            assertThat(status.exit()).as(status.all()).isEqualTo(3);
            assertThat(status.out()).contains("router " + closed + ": could not be read: connection refused");
            for (FleetHost host : fleet.hosts()) {
                assertThat(status.out()).containsPattern("(?m)^" + Pattern.quote(host.spec()) + "\\s+b\\s+2\\.0\\.0\\s+yes");
            }
            assertThat(status.err()).contains("error: the fleet is degraded: router " + closed + " could not be read");
            JsonNode doc = new ObjectMapper().readTree(Cli.run("--config", yaml.toString(), "status", "--json").out());
            assertThat(doc.get("degraded").asBoolean()).isTrue();
            assertThat(doc.get("routers").get(0).get("error").asText()).contains("connection refused");
            assertThat(doc.get("hosts")).hasSize(3);
        } finally {
            fleet.writeConfig();
        }
    }

    @Test
    @Order(8)
    void aShardedReleaseFromTheCommandLineHoldsTheLockDeploysShardsSwitchesOnceAndRecordsOneDeploy() throws Exception {
        Cli.Run lock = Cli.run("--config", config, "lock", "--note", "sharded test");
        assertThat(lock.exit()).as(lock.all()).isZero();
        java.util.regex.Matcher id = Pattern.compile("holding the release lock: (\\S+)").matcher(lock.out());
        assertThat(id.find()).as(lock.out()).isTrue();
        String lockId = id.group(1);
        try {
            Cli.Run outside = Cli.run("--config", config, "deploy", "1.0.0", "--slot", "a");
            assertThat(outside.exit()).as("locked out: " + outside.all()).isEqualTo(4);
            assertThat(outside.err()).contains("hold sharded test");
            Cli.Run badShard = Cli.run("--config", config, "deploy", "1.0.0", "--slot", "a", "--lock", lockId, "--shard", "2/2");
            assertThat(badShard.exit()).isEqualTo(2);
            assertThat(badShard.err()).contains("--shard: shard 2 of 2 does not exist");
            Cli.Run badHost = Cli.run("--config", config, "deploy", "1.0.0", "--slot", "a", "--lock", lockId, "--hosts", "nobody@127.9.9.9");
            assertThat(badHost.exit()).isEqualTo(2);
            assertThat(badHost.err()).contains("--hosts: 'nobody@127.9.9.9' is not a host of role");

            var first = java.util.concurrent.CompletableFuture.supplyAsync(() -> Cli.run("--config", config, "deploy", "1.0.0",
                    "--slot", "a", "--lock", lockId, "--shard", "0/2"));
            var second = java.util.concurrent.CompletableFuture.supplyAsync(() -> Cli.run("--config", config, "deploy", "1.0.0",
                    "--slot", "a", "--lock", lockId, "--shard", "1/2"));
            for (Cli.Run shard : java.util.List.of(first.get(), second.get())) {
                assertThat(shard.exit()).as(shard.all()).isZero();
                assertThat(shard.out()).contains("under the held release lock");
            }
            Cli.Run sw = Cli.run("--config", config, "switch", "--to", "a", "--lock", lockId);
            assertThat(sw.exit()).as(sw.all()).isZero();
            assertThat(sw.out()).contains("slot a (1.0.0) is live");
        } finally {
            Cli.Run unlock = Cli.run("--config", config, "unlock", "--id", lockId);
            assertThat(unlock.exit()).as(unlock.all()).isZero();
            assertThat(unlock.out()).contains("released the release lock " + lockId);
        }
        JsonNode history = new ObjectMapper().readTree(Cli.run("--config", config, "history", "--json").out());
        JsonNode deploy = history.get(history.size() - 2);
        assertThat(deploy.get("action").asText()).isEqualTo("deploy");
        assertThat(deploy.get("hosts")).as("one entry with every host of both shards").hasSize(3);
        assertThat(deploy.get("detail").asText()).contains("2 shard(s) under one lock");
        assertThat(history.get(history.size() - 1).get("action").asText()).isEqualTo("switch");
        assertThat(Cli.run("--config", config, "status").out()).doesNotContain("hold sharded test");
    }

    // ---------------------------------------------------------------- day-2 verbs (slot a is live at 1.0.0, b has 2.0.0)

    /** The PIDs of slot {@code slot}'s program processes on every host, from {@code essay ps --json}. */
    private static java.util.List<Long> pids(String slot) throws Exception {
        Cli.Run ps = Cli.run("--config", config, "ps", "--slot", slot, "--json");
        assertThat(ps.exit()).as(ps.all()).isZero();
        java.util.List<Long> pids = new java.util.ArrayList<>();
        for (JsonNode host : new ObjectMapper().readTree(ps.out()).get("hosts")) {
            for (JsonNode p : host.get("slots").get(0).get("processes")) {
                if (!p.get("name").asText().equals("supervisord")) {
                    pids.add(p.get("pid").asLong());
                }
            }
        }
        return pids;
    }

    @Test
    @Order(9)
    void restartOfTheLiveSlotGoesHostByHostWithoutAFailedRequest() throws Exception {
        java.util.List<Long> before = pids("a");
        assertThat(before).hasSize(3 * 2);
        Cli.Run all = Cli.run("--config", config, "restart", "--batch", "3");
        assertThat(all.exit()).as(all.all()).isEqualTo(5);
        assertThat(all.err()).contains("error: refused: restarting 3 host(s) at once would stop every process of the"
                + " live slot a").contains("hint: use --batch 2 or less");
        assertThat(pids("a")).as("nothing was restarted").isEqualTo(before);
        try (TrafficLoop traffic = fleet.traffic()) {
            traffic.awaitSlot("a", 10);
            Cli.Run restart = Cli.run("--config", config, "restart");
            assertThat(restart.exit()).as(restart.all()).isZero();
            assertThat(restart.out()).contains("restart slot a (live) on 3 host(s) of role web, 1 at a time (3 batches)")
                    .contains("waiting 12s for nginx to send requests to the restarted hosts again")
                    .contains("restarted slot a; every process is healthy on 3 host(s)");
            for (FleetHost host : fleet.hosts()) {
                assertThat(restart.out()).contains("[" + host.spec() + "] wait-healthy ok");
            }
            TrafficLoop.Stats stats = traffic.awaitRequests(traffic.requests() + 10);
            assertThat(stats.failures()).as("failed requests through nginx: " + stats.firstFailures()).isZero();
        }
        java.util.List<Long> after = pids("a");
        assertThat(after).hasSize(before.size()).doesNotContainAnyElementsOf(before);
        JsonNode history = new ObjectMapper().readTree(Cli.run("--config", config, "history", "--json").out());
        JsonNode last = history.get(history.size() - 1);
        assertThat(last.get("action").asText()).isEqualTo("restart");
        assertThat(last.get("result").asText()).isEqualTo("ok");
        assertThat(last.get("hosts")).hasSize(3);
        assertThat(history.get(history.size() - 2).get("result").asText()).as("the refused restart").isEqualTo("refused");
    }

    @Test
    @Order(10)
    void stopAndStartActOnASlotThatIsNotLiveAndRefuseTheLiveOne() throws Exception {
        Cli.Run live = Cli.run("--config", config, "stop", "--slot", "a");
        assertThat(live.exit()).as(live.all()).isEqualTo(5);
        assertThat(live.err()).contains("error: refused: slot a is live; essay stop acts on a slot that is not live");
        Cli.Run stop = Cli.run("--config", config, "stop", "--slot", "b");
        assertThat(stop.exit()).as(stop.all()).isZero();
        assertThat(stop.out()).contains("stopped slot b on 3 host(s)");
        JsonNode ps = new ObjectMapper().readTree(Cli.run("--config", config, "ps", "--slot", "b", "--json").out());
        for (JsonNode host : ps.get("hosts")) {
            assertThat(host.get("slots").get(0).get("running").asBoolean()).as(host.toString()).isFalse();
        }
        Cli.Run start = Cli.run("--config", config, "start", "--slot", "b");
        assertThat(start.exit()).as(start.all()).isZero();
        assertThat(start.out()).contains("started slot b; every process is healthy on 3 host(s)");
        assertThat(pids("b")).hasSize(3 * 2);
        JsonNode history = new ObjectMapper().readTree(Cli.run("--config", config, "history", "--json").out());
        assertThat(java.util.stream.StreamSupport.stream(history.spliterator(), false).skip(history.size() - 3)
                .map(e -> e.get("action").asText() + " " + e.get("result").asText()).toList())
                .containsExactly("stop refused", "stop ok", "start ok");
    }

    @Test
    @Order(11)
    void psListsEverySlotsProcessesWithPidMemoryAndUptime() {
        Cli.Run ps = Cli.run("--config", config, "ps");
        assertThat(ps.exit()).as(ps.all()).isZero();
        for (FleetHost host : fleet.hosts()) {
            for (String slot : java.util.List.of("a\\*", "b")) {
                for (int i = 0; i < 2; i++) {
                    assertThat(ps.out()).containsPattern("(?m)^" + Pattern.quote(host.spec()) + "\\s+" + slot
                            + "\\s+\\S+\\s+essay-sample:essay-sample_" + i + "\\s+RUNNING\\s+\\d+\\s+[\\d.]+[KMG]\\s+\\S+$");
                }
            }
        }
        assertThat(ps.out()).contains("* live slot");
    }

    @Test
    @Order(12)
    void execRunsInTheSlotsVirtualenvOnEveryHostWithPerHostExitCodes() {
        Cli.Run prefix = Cli.run("--config", config, "exec", "--", "python", "-c", "import sys; print(sys.prefix)");
        assertThat(prefix.exit()).as(prefix.all()).isZero();
        java.util.Set<String> prefixes = new java.util.HashSet<>();
        for (FleetHost host : fleet.hosts()) {
            java.util.regex.Matcher m = Pattern.compile("(?m)^" + Pattern.quote("[" + host.spec() + "] ") + "(/\\S+/a)$")
                    .matcher(prefix.out());
            assertThat(m.find()).as("the venv of slot a on " + host + ": " + prefix.out()).isTrue();
            prefixes.add(m.group(1));
            assertThat(prefix.out()).containsPattern("(?m)^" + Pattern.quote(host.spec()) + "\\s+ok\\s+.*exit 0$");
        }
        assertThat(prefix.out()).contains("exec in slot a exited 0 on 3 host(s)");

        Cli.Run failing = Cli.run("--config", config, "exec", "--slot", "b", "--", "python", "-c",
                "import sys; print('from ' + sys.prefix); sys.exit(3)");
        assertThat(failing.exit()).as(failing.all()).isEqualTo(3);
        for (FleetHost host : fleet.hosts()) {
            assertThat(failing.out()).containsPattern("(?m)^" + Pattern.quote("[" + host.spec() + "] from /") + "\\S+/b$")
                    .containsPattern("(?m)^" + Pattern.quote(host.spec()) + "\\s+failed\\s+.*python exited 3$");
        }
        assertThat(failing.err()).contains("error: exec of slot b failed on 3 of 3 host(s)");
        JsonNode last = lastEntry();
        assertThat(last.get("action").asText()).isEqualTo("exec");
        assertThat(last.toString()).doesNotContain("sys.exit");
    }

    private static JsonNode lastEntry() {
        try {
            JsonNode history = new ObjectMapper().readTree(Cli.run("--config", config, "history", "--json").out());
            return history.get(history.size() - 1);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @org.junit.jupiter.api.io.TempDir
    static Path tmp;

    @Test
    @Order(13)
    void logsShowEveryHostsProgramLogsAndFollowEndsTheRemoteTailsOnCtrlC() throws Exception {
        Cli.Run logs = Cli.run("--config", config, "logs", "--lines", "5");
        assertThat(logs.exit()).as(logs.all()).isZero();
        for (FleetHost host : fleet.hosts()) {
            for (int i = 0; i < 2; i++) {
                assertThat(logs.out()).containsPattern("(?m)^" + Pattern.quote("[" + host.spec() + "] essay-sample_" + i
                        + ": ") + ".*\\S");
            }
        }
        assertThat(logs.out()).doesNotContain("supervisord: ");
        Cli.Run one = Cli.run("--config", config, "logs", "--host", fleet.host(1).spec(), "--slot", "b", "--lines", "1");
        assertThat(one.exit()).as(one.all()).isZero();
        assertThat(one.out().lines()).hasSize(2).allMatch(l -> l.startsWith("[" + fleet.host(1).spec() + "] essay-sample_"));

        Child follow = Child.start(tmp, Path.of(config), "logs", "--follow", "--lines", "0");
        try (TrafficLoop traffic = fleet.traffic()) {
            for (FleetHost host : fleet.hosts()) {
                org.awaitility.Awaitility.await("a followed line from " + host).atMost(java.time.Duration.ofMinutes(1))
                        .until(() -> follow.output().contains("[" + host.spec() + "] essay-sample_"));
            }
        }
        follow.signal("INT");
        assertThat(follow.waitFor()).as(follow.output()).isEqualTo(130);
        for (FleetHost host : fleet.hosts()) {
            org.awaitility.Awaitility.await("the remote tail of " + host + " to end with its session")
                    .atMost(java.time.Duration.ofMinutes(1)).until(() -> !dev.essay.fleet.LocalCommand.run(
                            java.util.List.of("pgrep", "-u", host.user(), "-f", "tail -n 0 -F"),
                            java.time.Duration.ofSeconds(10)).ok());
        }
        assertThat(Cli.run("--config", config, "status").out()).as("logs takes no lock").doesNotContain("lock: held");
    }

    /**
     * {@code essay deploy latest}: the newest version on the index by PEP 440 (2.1.0, above 2.0.0 and 1.0.0), said in
     * the log, installed on every host, and recorded in the ledger as that version, never as "latest".
     */
    @Test
    @Order(14)
    void deployLatestTakesTheNewestVersionOnTheIndexSaysWhichAndRecordsIt() throws Exception {
        Cli.Run versions = Cli.run("--config", config, "versions", "--latest");
        assertThat(versions.exit()).as(versions.all()).isZero();
        assertThat(versions.out().strip()).isEqualTo("2.1.0");

        Cli.Run run = Cli.run("--config", config, "deploy", "latest", "--slot", "b");
        assertThat(run.exit()).as(run.all()).isZero();
        assertThat(run.all()).contains("latest: deploying 2.1.0, the newest version of essay-sample on " + fleet.indexUrl());
        for (FleetHost host : fleet.hosts()) {
            assertThat(run.out()).containsPattern("(?m)^" + Pattern.quote(host.spec()) + "\\s+ok\\s+.*installed 2\\.1\\.0");
        }
        JsonNode history = new ObjectMapper().readTree(Cli.run("--config", config, "history", "--json").out());
        JsonNode last = history.get(history.size() - 1);
        assertThat(last.get("action").asText()).isEqualTo("deploy");
        assertThat(last.get("version").asText()).isEqualTo("2.1.0");
        assertThat(last.get("to").asText()).isEqualTo("b");
        assertThat(last.get("result").asText()).isEqualTo("ok");
    }

    @Test
    @Order(15)
    void envASecretAndAnExtraFileReachTheServiceAndTheSecretIsInNoOutputLogLedgerOrCommandLine() throws Exception {
        String secret = "Db,Pa55%w0rd-" + java.util.UUID.randomUUID();
        Path projectDir = Path.of(config).getParent();
        Path secretFile = java.nio.file.Files.createTempFile("essay-secret", ".txt");
        java.nio.file.Files.writeString(secretFile, secret + "\n");
        java.nio.file.Files.writeString(projectDir.resolve("conf/app.ini"),
                "[app]\nslot={{ slot }}\nversion={{ version }}\nlevel={{ env.LOG_LEVEL }}\npassword={{ secrets.DB_PASSWORD }}\n");
        Path yaml = fleet.writeConfig(fleet.configYaml() + "env: {LOG_LEVEL: debug, GREETING: \"hello, world\"}\n"
                + "secrets:\n  DB_PASSWORD: {file: " + secretFile + "}\n"
                + "files:\n  - {template: conf/app.ini, dest: etc/app.ini}\n");
        java.util.Set<String> seenOnCommandLines = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.atomic.AtomicBoolean deploying = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread watcher = new Thread(() -> {
            while (deploying.get()) {
                seenOnCommandLines.addAll(commandLinesHolding(secret));
            }
        }, "cmdline-watcher");
        try {
            Cli.Run dry = Cli.run("--config", yaml.toString(), "deploy", "2.0.0", "--slot", "b", "--dry-run");
            assertThat(dry.exit()).as(dry.all()).isZero();
            assertThat(dry.all()).contains("DB_PASSWORD=\"********\"").contains("password=********")
                    .doesNotContain(secret).doesNotContain("Pa55");

            watcher.start();
            Cli.Run deploy;
            try {
                deploy = Cli.run("--config", yaml.toString(), "deploy", "2.0.0", "--slot", "b");
            } finally {
                deploying.set(false);
                watcher.join();
            }
            assertThat(deploy.exit()).as(deploy.all()).isZero();
            assertThat(deploy.all()).contains("write-files ok").doesNotContain("Pa55");
            assertThat(seenOnCommandLines).as("processes whose command line held the secret during the deploy").isEmpty();

            for (FleetHost host : fleet.hosts()) {
                Path slot = host.home().resolve("essay-sample").resolve("b");
                Path ini = slot.resolve("etc/app.ini");
                assertThat(java.nio.file.Files.readString(ini)).isEqualTo("[app]\nslot=b\nversion=2.0.0\nlevel=debug\npassword="
                        + secret + "\n");
                assertThat(java.nio.file.Files.getPosixFilePermissions(ini)).isEqualTo(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
                assertThat(java.nio.file.Files.getPosixFilePermissions(slot.resolve("etc/supervisord.conf"))).isEqualTo(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
                long supervisord = Long.parseLong(java.nio.file.Files.readString(slot.resolve("run/supervisord.pid")).strip());
                java.util.List<ProcessHandle> programs = ProcessHandle.of(supervisord).orElseThrow().children().toList();
                assertThat(programs).as("the slot's programs on " + host.spec()).isNotEmpty();
                for (ProcessHandle program : programs) {
                    String environ = new String(java.nio.file.Files.readAllBytes(Path.of("/proc", String.valueOf(program.pid()),
                            "environ")), java.nio.charset.StandardCharsets.UTF_8);
                    assertThat(java.util.List.of(environ.split("\0"))).as("environment of " + program.pid())
                            .contains("LOG_LEVEL=debug", "GREETING=hello, world", "DB_PASSWORD=" + secret, "ESSAY_SLOT=b");
                }
                try (var logs = java.nio.file.Files.walk(slot.resolve("logs"))) {
                    for (Path log : logs.filter(java.nio.file.Files::isRegularFile).toList()) {
                        assertThat(java.nio.file.Files.readString(log)).as(log.toString()).doesNotContain(secret);
                    }
                }
            }
            Cli.Run history = Cli.run("--config", yaml.toString(), "history", "--json");
            assertThat(history.all()).contains("\"deploy\"").doesNotContain(secret);
            try (var files = java.nio.file.Files.walk(fleet.routerHost().home())) {
                for (Path f : files.filter(java.nio.file.Files::isRegularFile).toList()) {
                    assertThat(new String(java.nio.file.Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1))
                            .as("router file " + f).doesNotContain(secret);
                }
            }

            // a changed extra file is a changed config: the same version into the same slot is deployed again
            java.nio.file.Files.writeString(projectDir.resolve("conf/app.ini"), "[app]\nslot={{ slot }}\nchanged=yes\n");
            Cli.Run again = Cli.run("--config", yaml.toString(), "deploy", "2.0.0", "--slot", "b");
            assertThat(again.exit()).as(again.all()).isZero();
            assertThat(again.out()).contains("installed 2.0.0").doesNotContain("nothing to do");
            assertThat(java.nio.file.Files.readString(fleet.host(1).home().resolve("essay-sample/b/etc/app.ini")))
                    .isEqualTo("[app]\nslot=b\nchanged=yes\n");
        } finally {
            deploying.set(false);
            java.nio.file.Files.deleteIfExists(secretFile);
            java.nio.file.Files.deleteIfExists(projectDir.resolve("conf/app.ini"));
            fleet.writeConfig();
        }
    }

    /** The PIDs of the processes whose command line holds {@code text} now. */
    private static java.util.List<String> commandLinesHolding(String text) {
        java.util.List<String> found = new java.util.ArrayList<>();
        java.io.File[] procs = new java.io.File("/proc").listFiles((d, name) -> name.chars().allMatch(Character::isDigit));
        for (java.io.File proc : procs == null ? new java.io.File[0] : procs) {
            try {
                String cmdline = new String(java.nio.file.Files.readAllBytes(proc.toPath().resolve("cmdline")),
                        java.nio.charset.StandardCharsets.UTF_8);
                if (cmdline.contains(text)) {
                    found.add(proc.getName() + ": " + cmdline.replace('\0', ' '));
                }
            } catch (java.io.IOException e) {
                // the process ended meanwhile
            }
        }
        return found;
    }
}
