package io.jenkins.plugins.essay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import com.cloudbees.jenkins.plugins.sshcredentials.impl.BasicSSHUserPrivateKey;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * Runs {@code essayDeploy} then {@code essaySwitch} and {@code essaySwitch(rollback: true)} from a Pipeline
 * against a real fleet (sshd hosts with supervisord, an nginx router, a package index), and checks the
 * build, the per-host map and the recorded releases.
 *
 * <p><strong>Skipped unless a fleet is given</strong>, and then reported as skipped, not passed: set
 * {@code ESSAY_TEST_FLEET_CONFIG} to the essay.yaml of the fleet, {@code ESSAY_TEST_FLEET_KEY} to the private
 * key file that logs in to it, {@code ESSAY_TEST_FLEET_KNOWN_HOSTS} to its known_hosts file, and
 * {@code ESSAY_TEST_FLEET_VERSION} to a version of the project on its index (optionally
 * {@code ESSAY_TEST_FLEET_SLOT}, default {@code b}: the slot that is not live). With the system property
 * {@code essay.fleet.required=true} ({@code mvn -P jenkins ... -Dessay.fleet.required=true}) a missing
 * fleet fails the test instead, so a CI job that must exercise the fleet cannot pass without one.
 */
@WithJenkins
class EssayFleetPipelineTest {

    private static String required(String name) {
        String value = System.getenv(name);
        boolean mustRun = Boolean.getBoolean("essay.fleet.required");
        if (value == null || value.isBlank()) {
            String why = name + " is not set: no fleet to run essayDeploy/essaySwitch against";
            if (mustRun) {
                fail(why + " (essay.fleet.required=true)");
            }
            Assumptions.assumeTrue(false, why + "; the fleet test is SKIPPED, not passed");
        }
        return value;
    }

    @Test
    void deploySwitchAndRollBack(JenkinsRule j) throws Exception {
        Path config = Path.of(required("ESSAY_TEST_FLEET_CONFIG")).toAbsolutePath();
        String key = Files.readString(Path.of(required("ESSAY_TEST_FLEET_KEY")), StandardCharsets.UTF_8);
        String knownHosts = Files.readString(Path.of(required("ESSAY_TEST_FLEET_KNOWN_HOSTS")), StandardCharsets.UTF_8);
        String version = required("ESSAY_TEST_FLEET_VERSION");
        String slot = System.getenv().getOrDefault("ESSAY_TEST_FLEET_SLOT", "b");

        EssayGlobalConfiguration.get().setKnownHosts(knownHosts);
        SystemCredentialsProvider.getInstance().getCredentials().add(new BasicSSHUserPrivateKey(CredentialsScope.GLOBAL,
                "fleet", "deploy", new BasicSSHUserPrivateKey.DirectEntryPrivateKeySource(key), null, "test fleet"));
        SystemCredentialsProvider.getInstance().save();

        WorkflowJob p = j.createProject(WorkflowJob.class, "fleet");
        p.setDefinition(new CpsFlowDefinition(
                "node {\n"
                + "  def hosts = essayDeploy version: '" + version + "', slot: '" + slot + "', credentialsId: 'fleet', "
                + "config: '" + config.toString().replace("\\", "/").replace("'", "\\'") + "'\n"
                + "  hosts.each { host, r -> echo \"host ${host}: ${r.result} in ${r.duration} ms\" }\n"
                + "  def live = essaySwitch to: '" + slot + "', credentialsId: 'fleet', config: '"
                + config.toString().replace("\\", "/").replace("'", "\\'") + "'\n"
                + "  echo \"live: ${live}\"\n"
                + "  def back = essaySwitch rollback: true, credentialsId: 'fleet', config: '"
                + config.toString().replace("\\", "/").replace("'", "\\'") + "'\n"
                + "  echo \"rolled back to: ${back}\"\n"
                + "}\n", true));
        WorkflowRun b = j.buildAndAssertSuccess(p);
        j.assertLogContains("live: " + slot, b);
        j.assertLogContains("[essay] deploy ok", b);
        j.assertLogNotContains("FAILED", b);

        List<ReleaseRecord> releases = b.getActions(ReleaseRecord.class);
        assertEquals(3, releases.size());
        assertEquals("deploy", releases.get(0).getAction());
        assertEquals("switch", releases.get(1).getAction());
        assertEquals("rollback", releases.get(2).getAction());
        for (ReleaseRecord r : releases) {
            assertEquals("ok", r.getResult(), r.getSummary());
        }
        ReleasesPage page = p.getAction(ReleasesPage.class);
        assertNotNull(page);
        assertEquals("rollback", page.getLive().getAction());
    }
}
