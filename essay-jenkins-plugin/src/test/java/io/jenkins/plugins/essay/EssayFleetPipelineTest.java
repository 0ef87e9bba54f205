package io.jenkins.plugins.essay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.cloudbees.jenkins.plugins.sshcredentials.impl.BasicSSHUserPrivateKey;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import dev.essay.fleet.TestFleet;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * A Pipeline releases to a real fleet, essay-fleet's {@link TestFleet} (one OpenSSH server per host with supervisord,
 * nginx as the router, a package index with the sample service in 1.0.0 and 2.0.0): {@code essayDeploy} and
 * {@code essaySwitch} twice, then {@code essaySwitch(rollback: true)}, then {@code essayStatus}. It checks the build, the step values, the
 * recorded releases and, through the router, what serves.
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
            String config = fleet.writeConfig().toAbsolutePath().toString().replace("\\", "/").replace("'", "\\'");
            EssayGlobalConfiguration.get().setKnownHosts(Files.readString(fleet.knownHosts(), StandardCharsets.UTF_8));
            SystemCredentialsProvider.getInstance().getCredentials().add(new BasicSSHUserPrivateKey(
                    CredentialsScope.GLOBAL, "fleet", "deploy", new BasicSSHUserPrivateKey.DirectEntryPrivateKeySource(
                            Files.readString(fleet.identity(), StandardCharsets.UTF_8)), null, "test fleet"));
            SystemCredentialsProvider.getInstance().save();

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

            HttpResponse<String> served = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(fleet.routerUrl()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("200 a 1.0.0", served.statusCode() + " " + served.headers().firstValue("X-Essay-Slot")
                    .orElse("-") + " " + served.headers().firstValue("X-Essay-Version").orElse("-"),
                    "after the rollback the router serves slot a with 1.0.0");
        }
    }
}
