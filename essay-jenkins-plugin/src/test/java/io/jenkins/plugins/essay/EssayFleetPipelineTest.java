package io.jenkins.plugins.essay;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbees.jenkins.plugins.sshcredentials.impl.BasicSSHUserPrivateKey;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import dev.essay.core.ledger.LedgerEntry;
import dev.essay.core.pkg.DateVersion;
import dev.essay.core.pkg.Trees;
import dev.essay.core.transport.HoldingTransport;
import dev.essay.fleet.SampleBuild;
import dev.essay.fleet.FleetHost;
import dev.essay.fleet.TestFleet;
import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.Label;
import hudson.model.Result;
import hudson.model.TaskListener;
import hudson.tasks.Shell;
import io.jenkins.plugins.essay.plain.HostResult;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * A Pipeline releases to a real fleet, essay-fleet's {@link TestFleet} (one OpenSSH server per host with supervisord,
 * nginx as the router, a package index with the sample service in 1.0.0 and 2.0.0): {@code essayDeploy} and
 * {@code essaySwitch} twice, then {@code essaySwitch(rollback: true)}, then {@code essayStatus}, then builds aborted
 * mid-deploy and mid-switch; and, on a fleet of
 * its own, {@code essayRelease} of the sample project from git. It checks the build, the step values, the recorded
 * releases and, through the router, what serves.
 *
 * <p>Like the integration tests it needs root (the fleet creates Unix users and runs sshd) and fails, never skips,
 * without it: run the plugin's tests as root, as {@code scripts/test} runs the integration tests, or leave this one out
 * with {@code -Dtest='!EssayFleetPipelineTest'}. {@code ESSAY_TESTFLEET_NS} picks the fleet's namespace as for them.
 */
@WithJenkins
class EssayFleetPipelineTest {

    @Test
    void deploySwitchAndRollBack(JenkinsRule j) throws Exception {
        try (TestFleet fleet = TestFleet.builder().hosts(2).published("1.0.0", "2.0.0").build()) {
            String config = EssayPackageTest.groovy(fleet.writeConfig().toAbsolutePath());
            trust(fleet);

            WorkflowJob p = j.createProject(WorkflowJob.class, "fleet");
            String login = "credentialsId: 'fleet', config: '" + config + "'";
            p.setDefinition(new CpsFlowDefinition(
                    "node {\n"
                    + "  def hosts = essayDeploy version: '1.0.0', slot: 'a', " + login + "\n"
                    + "  hosts.each { host, r -> echo \"host ${host}: ${r.result} in ${r.duration} ms\" }\n"
                    + "  echo \"live: ${essaySwitch to: 'a', " + login + "}\"\n"
                    + "  essayDeploy version: '2.0.0', slot: 'b', " + login + "\n"
                    + "  echo \"live: ${essaySwitch to: 'b', " + login + "}\"\n"
                    + "  echo \"rolled back to: ${essaySwitch rollback: true, " + login + "}\"\n"
                    + "  def status = essayStatus failIfDegraded: true, " + login + "\n"
                    + "  echo \"status live: ${status.live.slot}, degraded: ${status.degraded}, hosts: ${status.hosts.size()}\"\n"
                    + "  status.hosts.each { h -> echo \"status ${h.host}: \" + h.slots.collect { \"${it.slot} ${it.version} ${it.healthy}\" }.join(', ') }\n"
                    + "}\n", true));
            WorkflowRun b = j.buildAndAssertSuccess(p);
            j.assertLogContains("live: a", b);
            j.assertLogContains("live: b", b);
            j.assertLogContains("rolled back to: a", b);
            j.assertLogContains("[essay] deploy ok", b);
            j.assertLogNotContains("FAILED", b);
            j.assertLogContains("status live: a, degraded: false, hosts: 2", b);
            j.assertLogContains(": a 1.0.0 true", b);
            j.assertLogContains("[essay] status: slot a is live (proven through nginx)", b);

            List<ReleaseRecord> releases = b.getActions(ReleaseRecord.class);
            assertEquals(List.of("deploy", "switch", "deploy", "switch", "rollback"),
                    releases.stream().map(ReleaseRecord::getAction).toList(), "essayStatus records nothing");
            for (ReleaseRecord r : releases) {
                assertEquals("ok", r.getResult(), r.getSummary());
            }
            assertEquals(2, releases.get(0).getHosts().size(), "one result per host of the fleet");
            ReleasesPage page = p.getAction(ReleasesPage.class);
            assertNotNull(page);
            assertEquals("rollback", page.getLive().getAction());
            assertEquals("a", page.getLive().getToSlot());
            LedgerSnapshot snapshot = b.getAction(LedgerSnapshot.class);
            assertNotNull(snapshot, "the build keeps the router's ledger as its last step read it");
            List<String> ledger = snapshot.getEntries().stream()
                    .map(e -> e.getAction() + " " + e.getResult() + " " + e.getBuildName()).toList();
            assertTrue(ledger.containsAll(List.of("deploy ok " + b.getFullDisplayName(),
                    "switch ok " + b.getFullDisplayName(), "rollback ok " + b.getFullDisplayName())), ledger.toString());
            assertEquals(List.of("a"), page.getLiveByRole().stream().map(LedgerEntryView::getTo).toList(),
                    "the page's live slot per role comes from the ledger: " + ledger);

            HttpResponse<String> served = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(fleet.routerUrl()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("200 a 1.0.0", served.statusCode() + " " + served.headers().firstValue("X-Essay-Slot")
                    .orElse("-") + " " + served.headers().firstValue("X-Essay-Version").orElse("-"),
                    "after the rollback the router serves slot a with 1.0.0");

            // drift: the live slot's programs stop on one host; a scheduled essayRepair brings them back there only
            FleetHost drifted = fleet.host(1);
            fleet.ssh(drifted, "supervisorctl -c ~/essay-sample/a/etc/supervisord.conf stop all").orThrow();
            WorkflowJob repair = j.createProject(WorkflowJob.class, "repair");
            repair.setDefinition(new CpsFlowDefinition("node {\n"
                    + "  def hosts = essayRepair " + login + "\n"
                    + "  hosts.each { host, r -> echo \"repair ${host}: ${r.result}\" }\n"
                    + "}\n", true));
            WorkflowRun repaired = j.buildAndAssertSuccess(repair);
            j.assertLogContains("repair " + drifted.spec() + ": ok", repaired);
            j.assertLogContains("repair " + fleet.host(2).spec() + ": unchanged", repaired);
            ReleaseRecord record = repaired.getAction(ReleaseRecord.class);
            assertNotNull(record, "the repair is recorded on its build");
            assertEquals("repair", record.getAction());
            assertEquals("ok", record.getResult());
            assertEquals("1.0.0", record.getVersion());
            assertEquals("a", record.getToSlot());

            dayTwoSteps(j, fleet, login);
            abortMidDeployAndMidSwitch(j, fleet, login);
        }
    }

    /**
     * The day-2 steps on this test's fleet (slot a live with 1.0.0, slot b holding 2.0.0): a rolling restart of the
     * live slot host by host, a stop and a start of slot b, and a stop of the live slot, which is refused; each is
     * recorded on the build.
     */
    private static void dayTwoSteps(JenkinsRule j, TestFleet fleet, String login) throws Exception {
        WorkflowJob p = j.createProject(WorkflowJob.class, "day2");
        p.setDefinition(new CpsFlowDefinition("node {\n"
                + "  def restarted = essayRestart batch: 1, pause: 0, " + login + "\n"
                + "  restarted.each { host, r -> echo \"restart ${host}: ${r.result}\" }\n"
                + "  essayStop slot: 'b', " + login + "\n"
                + "  def started = essayStart slot: 'b', " + login + "\n"
                + "  echo \"started on ${started.size()} hosts\"\n"
                + "  try {\n"
                + "    essayStop slot: 'a', " + login + "\n"
                + "    echo 'stopped the live slot'\n"
                + "  } catch (e) {\n"
                + "    echo \"live slot: ${e.message}\"\n"
                + "  }\n"
                + "}\n", true));
        WorkflowRun b = j.buildAndAssertSuccess(p);
        for (FleetHost host : fleet.hosts()) {
            j.assertLogContains("restart " + host.spec() + ": ok", b);
        }
        j.assertLogContains("started on 2 hosts", b);
        j.assertLogNotContains("stopped the live slot", b);
        j.assertLogContains("live slot: ", b);
        assertEquals(List.of("restart ok", "stop ok", "start ok", "stop refused"), b.getActions(ReleaseRecord.class)
                .stream().map(r -> r.getAction() + " " + r.getResult()).toList());
        HttpResponse<String> served = HttpClient.newHttpClient().send(HttpRequest.newBuilder(fleet.routerUrl()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals("200 a", served.statusCode() + " " + served.headers().firstValue("X-Essay-Slot").orElse("-"),
                "slot a still serves");
    }

    /**
     * Aborting a build mid-deploy and mid-switch (on this test's fleet, slot a live with 1.0.0): each is held at a step
     * boundary by the {@link HoldingTransport} knob (the system property: the engine runs in this JVM), and the build
     * is stopped once the hold is reached. The build ends ABORTED; its record says cancelled with every host's result;
     * the router's ledger says the same; the lock is free; the live slot still serves, the switch undone.
     */
    private static void abortMidDeployAndMidSwitch(JenkinsRule j, TestFleet fleet, String login) throws Exception {
        Set<String> hosts = fleet.hosts().stream().map(FleetHost::spec).collect(Collectors.toSet());
        Path holds = Files.createTempDirectory(Path.of("/tmp"), "essay-abort-");
        Files.setPosixFilePermissions(holds, PosixFilePermissions.fromString("rwxrwxrwx"));
        try {
            // mid-deploy (slot b runs 2.0.0): every host's deploy step waits before start-slot
            WorkflowRun deploy = abortWhenHeld(j, "abort-deploy", "essayDeploy version: '1.0.0', slot: 'b', " + login,
                    "deploy/start-slot", holds.resolve("deploy"), "[essay] deploy essay-sample 1.0.0 into slot b");
            ReleaseRecord deployed = deploy.getAction(ReleaseRecord.class);
            assertNotNull(deployed, "the aborted deploy is recorded");
            assertEquals(List.of("deploy", "cancelled", "1.0.0", "b"), Arrays.asList(deployed.getAction(),
                    deployed.getResult(), deployed.getVersion(), deployed.getToSlot()), deployed.getSummary());
            assertEquals(hosts, deployed.getHosts().stream().map(HostResult::getHost).collect(Collectors.toSet()),
                    "every host's result");
            assertEquals(hosts, deployed.getHostMap().keySet());
            j.assertLogContains("[essay] deploy CANCELLED: cancelled; the release lock was released", deploy);
            LedgerEntry cancelledDeploy = lastEntry(fleet, "deploy");
            assertEquals("cancelled", cancelledDeploy.result());
            assertEquals(hosts, cancelledDeploy.hosts().stream().map(LedgerEntry.HostResult::host)
                    .collect(Collectors.toSet()));
            assertFalse(Files.exists(fleet.routerStateDir().resolve("lock")), "the lock is released");

            // mid-switch: nginx already serves the include of slot b, the switch is not proven yet
            WorkflowRun switched = abortWhenHeld(j, "abort-switch", "essayDeploy version: '2.0.0', slot: 'b', "
                    + login + "\n  essaySwitch to: 'b', " + login, "prove/prove-switch", holds.resolve("switch"),
                    "[essay] switch essay-sample: slot a is live; checking slot b");
            ReleaseRecord record = switched.getActions(ReleaseRecord.class).get(1);
            assertEquals(List.of("switch", "cancelled", "a", "b", "2.0.0"), Arrays.asList(record.getAction(),
                    record.getResult(), record.getFromSlot(), record.getToSlot(), record.getVersion()),
                    record.getSummary());
            assertEquals(hosts, record.getHosts().stream().map(HostResult::getHost).collect(Collectors.toSet()),
                    "every host's health check");
            j.assertLogContains("[essay] switch CANCELLED: cancelled during the switch; the switch was undone", switched);
            LedgerEntry cancelledSwitch = lastEntry(fleet, "switch");
            assertEquals(List.of("cancelled", "a", "b"), Arrays.asList(cancelledSwitch.result(),
                    cancelledSwitch.from(), cancelledSwitch.to()));
            assertEquals(hosts.size(), cancelledSwitch.hosts().size());
            assertFalse(Files.exists(fleet.routerStateDir().resolve("lock")), "the lock is released");
            assertFalse(Files.exists(fleet.routerStateDir().resolve("switch.journal")), "no switch left half done");
        } finally {
            System.clearProperty(HoldingTransport.VARIABLE);
        }
        HttpResponse<String> served = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(fleet.routerUrl()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("200 a 1.0.0", served.statusCode() + " " + served.headers().firstValue("X-Essay-Slot")
                .orElse("-") + " " + served.headers().firstValue("X-Essay-Version").orElse("-"),
                "slot a stays live through both aborts");
    }

    /**
     * Runs {@code script} in a Pipeline with the engine held at {@code hold} ({@code STEP/OPERATION}) in {@code dir};
     * once the log shows {@code started} and a host reached the hold, aborts the build and waits for it to end
     * ABORTED. The hold is let go afterwards (the remote waits ended with essay's connections already).
     */
    private static WorkflowRun abortWhenHeld(JenkinsRule j, String name, String script, String hold, Path dir,
                                             String started) throws Exception {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        WorkflowJob p = j.createProject(WorkflowJob.class, name);
        p.setDefinition(new CpsFlowDefinition("node {\n  " + script + "\n}\n", true));
        System.setProperty(HoldingTransport.VARIABLE, hold + "@" + dir);
        try {
            WorkflowRun b = p.scheduleBuild2(0).waitForStart();
            j.waitForMessage(started, b);
            await(hold + " to be reached").atMost(Duration.ofMinutes(3))
                    .until(() -> Files.exists(dir.resolve("reached")) || !b.isBuilding());
            assertTrue(b.isBuilding(), "the build ended before it reached " + hold);
            b.doStop();
            j.assertBuildStatus(Result.ABORTED, j.waitForCompletion(b));
            return b;
        } finally {
            System.clearProperty(HoldingTransport.VARIABLE);
            Files.writeString(dir.resolve("release"), "");
        }
    }

    /** The newest entry of the router's ledger for {@code action}. */
    private static LedgerEntry lastEntry(TestFleet fleet, String action) throws Exception {
        List<LedgerEntry> entries = Files.readAllLines(fleet.routerStateDir().resolve("ledger.jsonl")).stream()
                .map(LedgerEntry::parse).filter(e -> e != null && action.equals(e.action())).toList();
        assertFalse(entries.isEmpty(), "the ledger records a " + action);
        return entries.get(entries.size() - 1);
    }

    /**
     * {@code essayRelease} packages the sample project (a git repository, branch main; real {@code python -m build})
     * onto the fleet's index, deploys it into the slot that is not live and switches, returning the version and
     * recording one release, which the router's ledger holds as one {@code release} entry that put slot a live;
     * {@code essayStatus} then sees that version live. The freestyle build step then releases
     * the next version into the other slot, as {@code ${ESSAY_VERSION}} for the build steps after it. A release into an
     * unknown slot fails the build before anything runs.
     */
    @Test
    void releaseThenStatus(JenkinsRule j, @TempDir Path tmp) throws Exception {
        try (TestFleet fleet = TestFleet.builder().hosts(2).build()) {
            Path project = tmp.resolve("project");
            Trees.copy(Path.of(System.getProperty("basedir", "."), "..", "sample"), project, Trees::isLeftover);
            Files.writeString(project.resolve("essay.yaml"), fleet.configYaml() + "build:\n  python: "
                    + SampleBuild.PYTHON + "\n", StandardCharsets.UTF_8);
            for (String[] git : new String[][] {{"git", "init", "-q", "-b", "main"}, {"git", "add", "-A"},
                    {"git", "-c", "user.name=essay test", "-c", "user.email=test@essay.invalid", "commit", "-q", "-m",
                            "sample"}}) {
                assertTrue(EssayPackageTest.runs(project, git), String.join(" ", git));
            }
            trust(fleet);

            WorkflowJob p = j.createProject(WorkflowJob.class, "release");
            p.setDefinition(new CpsFlowDefinition(
                    "node {\n"
                    + "  dir('" + EssayPackageTest.groovy(project) + "') {\n"
                    + "    def version = essayRelease branch: 'main', credentialsId: 'fleet'\n"
                    + "    echo \"released ${version}\"\n"
                    + "    def status = essayStatus credentialsId: 'fleet', failIfDegraded: true\n"
                    + "    echo \"status live: ${status.live.slot}, version: ${status.routers[0].version}\"\n"
                    + "  }\n"
                    + "}\n", true));
            WorkflowRun b = j.buildAndAssertSuccess(p);
            List<ReleaseRecord> releases = b.getActions(ReleaseRecord.class);
            assertEquals(1, releases.size(), "one release recorded, none for the status");
            ReleaseRecord release = releases.get(0);
            assertEquals("release", release.getAction());
            assertEquals("ok", release.getResult(), release.getSummary());
            assertEquals("a", release.getToSlot(), "no slot was live: the first release goes into slot a");
            assertEquals(2, release.getHosts().size(), "each host's deploy");
            String version = release.getVersion();
            assertTrue(DateVersion.isDateVersion(version), version);
            assertEquals("branch main", release.getSource().split(" \\(")[0]);
            j.assertLogContains("released " + version, b);
            j.assertLogContains("[essay] release ok: slot a runs " + version + " and is live", b);
            j.assertLogContains("status live: a, version: " + version, b);
            assertEquals(version, b.getEnvironment(TaskListener.NULL).get(ReleaseRecord.VERSION_VARIABLE));
            LedgerSnapshot snapshot = b.getAction(LedgerSnapshot.class);
            assertNotNull(snapshot, "the build keeps the router's ledger as its last step read it");
            assertEquals(List.of("release ok " + version + " none → a 2 hosts: 2 ok " + b.getFullDisplayName()),
                    snapshot.getEntries().stream().map(e -> e.getAction() + " " + e.getResult() + " " + e.getVersion()
                            + " " + e.getSlots() + " " + e.getHosts() + " " + e.getBuildName()).toList(),
                    "the release is one ledger entry: its package, deploy and switch are not recorded on their own");
            String detail = snapshot.getEntries().get(0).getDetail();
            assertTrue(detail.startsWith("packaged from branch main ("), detail);
            assertEquals(List.of("release a " + version), p.getAction(ReleasesPage.class).getLiveByRole().stream()
                    .map(e -> e.getAction() + " " + e.getTo() + " " + e.getVersion()).toList(),
                    "the release put slot a live, as the Releases page reads the ledger");

            HttpResponse<String> served = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(fleet.routerUrl()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("200 a " + version, served.statusCode() + " " + served.headers().firstValue("X-Essay-Slot")
                    .orElse("-") + " " + served.headers().firstValue("X-Essay-Version").orElse("-"));

            // The freestyle build step releases the next version into the other slot; the steps after it see it.
            FreeStyleProject freestyle = j.createFreeStyleProject("release-freestyle");
            EssayReleaseBuilder builder = new EssayReleaseBuilder();
            builder.setBranch("main");
            builder.setCredentialsId("fleet");
            builder.setConfig(project.resolve("essay.yaml").toAbsolutePath().toString());
            freestyle.getBuildersList().add(builder);
            freestyle.getBuildersList().add(new Shell("echo \"next: $ESSAY_VERSION\""));
            FreeStyleBuild second = j.buildAndAssertSuccess(freestyle);
            ReleaseRecord next = second.getAction(ReleaseRecord.class);
            assertEquals("b", next.getToSlot(), "slot a is live: the next release goes into slot b");
            assertEquals("a", next.getFromSlot());
            List<String> both = second.getAction(LedgerSnapshot.class).getEntries().stream()
                    .map(e -> e.getAction() + " " + e.getResult() + " " + e.getSlots()).toList();
            assertEquals(List.of("release ok a → b", "release ok none → a"), both, "newest first, one entry a release");
            j.assertLogContains("next: " + next.getVersion(), second);

            WorkflowJob wrongSlot = j.createProject(WorkflowJob.class, "release-unknown-slot");
            wrongSlot.setDefinition(new CpsFlowDefinition("node {\n"
                    + "  dir('" + EssayPackageTest.groovy(project) + "') {\n"
                    + "    essayRelease branch: 'main', slot: 'c', credentialsId: 'fleet'\n"
                    + "  }\n"
                    + "}\n", true));
            WorkflowRun failed = j.buildAndAssertStatus(Result.FAILURE, wrongSlot);
            j.assertLogContains("no slot 'c' in ", failed);
            j.assertLogContains("[essay] release FAILED", failed);
            assertEquals("failed", failed.getAction(ReleaseRecord.class).getResult());
        }
    }

    /**
     * A fleet deployed from two agents: {@code essayLock} takes the release lock once; a parallel branch on each agent
     * deploys its shard under it ({@code shard: [i, 2]}); the switch runs once after both. The router's ledger gets one
     * deploy entry with all three hosts, then the switch; the build keeps a record per shard; the lock is free after.
     */
    @Test
    void shardsOnTwoAgentsDeployUnderOneLockAndTheSwitchRunsOnce(JenkinsRule j) throws Exception {
        try (TestFleet fleet = TestFleet.builder().hosts(3).published("1.0.0").build()) {
            String config = EssayPackageTest.groovy(fleet.writeConfig().toAbsolutePath());
            trust(fleet);
            j.createOnlineSlave(Label.get("shard-a"));
            j.createOnlineSlave(Label.get("shard-b"));
            String login = "credentialsId: 'fleet', config: '" + config + "'";
            WorkflowJob p = j.createProject(WorkflowJob.class, "sharded");
            p.setDefinition(new CpsFlowDefinition(
                    "node {\n"
                    + "  essayLock(note: 'two agents', " + login + ") {\n"
                    + "    parallel(\n"
                    + "      'shard 0': { node('shard-a') { def r = essayDeploy version: '1.0.0', slot: 'a', shard: [0, 2], " + login + "\n"
                    + "        echo \"shard 0 hosts: ${r.size()}\" } },\n"
                    + "      'shard 1': { node('shard-b') { def r = essayDeploy version: '1.0.0', slot: 'a', shard: [1, 2], " + login + "\n"
                    + "        echo \"shard 1 hosts: ${r.size()}\" } })\n"
                    + "    echo \"live: ${essaySwitch to: 'a', " + login + "}\"\n"
                    + "  }\n"
                    + "  def status = essayStatus " + login + "\n"
                    + "  echo \"lock after the block: ${status.routers[0].lock_holder}\"\n"
                    + "}\n", true));
            WorkflowRun b = j.buildAndAssertSuccess(p);
            j.assertLogContains("[essay] holding the release lock ", b);
            j.assertLogContains("shard 0 hosts: 1", b);
            j.assertLogContains("shard 1 hosts: 2", b);
            j.assertLogContains("live: a", b);
            j.assertLogContains("[essay] released the release lock ", b);
            j.assertLogContains("deploy 1.0.0 into slot a, shard 0/2 under the release lock ", b);
            j.assertLogContains("lock after the block: null", b);
            assertEquals(List.of("deploy", "deploy", "switch"), b.getActions(ReleaseRecord.class).stream()
                    .map(ReleaseRecord::getAction).sorted().toList(), "a record per shard, and the switch");
            LedgerSnapshot snapshot = b.getAction(LedgerSnapshot.class);
            assertNotNull(snapshot);
            List<String> ledger = snapshot.getEntries().stream()
                    .map(e -> e.getAction() + " " + e.getResult() + " " + e.getHosts()).toList();
            assertEquals(List.of("deploy ok 3 hosts: 3 ok", "switch ok 3 hosts: 3 ok"),
                    ledger.subList(ledger.size() - 2, ledger.size()), "one deploy entry with every host: " + ledger);
        }
    }

    /**
     * Aborting a sharded deploy (its slot never gets healthy, so it is still running) ends the build as aborted, the
     * block's end releases the lock and records the shards' deploy once, as cancelled, with every host.
     */
    @Test
    void abortingAShardedDeployReleasesTheLockAndRecordsEveryShard(JenkinsRule j) throws Exception {
        try (TestFleet fleet = TestFleet.builder().hosts(2).published("1.0.0").build()) {
            String config = EssayPackageTest.groovy(fleet.writeConfig().toAbsolutePath());
            trust(fleet);
            String login = "credentialsId: 'fleet', config: '" + config + "'";
            WorkflowJob p = j.createProject(WorkflowJob.class, "sharded-abort");
            p.setDefinition(new CpsFlowDefinition(
                    "node {\n"
                    + "  essayLock(" + login + ") {\n"
                    + "    parallel(\n"
                    + "      'shard 0': { essayDeploy version: '1.0.0', slot: 'b', profile: 'unhealthy', shard: [0, 2], " + login + " },\n"
                    + "      'shard 1': { essayDeploy version: '1.0.0', slot: 'b', profile: 'unhealthy', shard: [1, 2], " + login + " })\n"
                    + "  }\n"
                    + "}\n", true));
            WorkflowRun b = p.scheduleBuild2(0).waitForStart();
            j.waitForMessage("under the held release lock", b);
            b.doStop();
            j.assertBuildStatus(Result.ABORTED, j.waitForCompletion(b));
            j.assertLogContains("[essay] released the release lock ", b);
            j.assertLogContains("recorded in the ledger: deploy 1.0.0 into slot b: cancelled on 2 host(s)", b);

            WorkflowJob after = j.createProject(WorkflowJob.class, "after-abort");
            after.setDefinition(new CpsFlowDefinition("node {\n"
                    + "  essayDeploy version: '1.0.0', slot: 'a', " + login + "\n"
                    + "}\n", true));
            WorkflowRun ok = j.buildAndAssertSuccess(after);
            List<String> ledger = ok.getAction(LedgerSnapshot.class).getEntries().stream()
                    .map(e -> e.getAction() + " " + e.getTo() + " " + e.getResult() + " " + e.getHosts()).toList();
            assertTrue(ledger.contains("deploy b cancelled 2 hosts: 2 failed"), "one cancelled deploy with both shards' hosts: " + ledger);
        }
    }

    /** Trusts the fleet's host keys and adds its SSH key as credential {@code fleet}. */
    private static void trust(TestFleet fleet) throws Exception {
        EssayGlobalConfiguration.get().setKnownHosts(Files.readString(fleet.knownHosts(), StandardCharsets.UTF_8));
        SystemCredentialsProvider.getInstance().getCredentials().add(new BasicSSHUserPrivateKey(
                CredentialsScope.GLOBAL, "fleet", "deploy", new BasicSSHUserPrivateKey.DirectEntryPrivateKeySource(
                        Files.readString(fleet.identity(), StandardCharsets.UTF_8)), null, "test fleet"));
        SystemCredentialsProvider.getInstance().save();
    }
}
