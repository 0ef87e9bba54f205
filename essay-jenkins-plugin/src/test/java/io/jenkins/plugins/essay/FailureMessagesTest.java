package io.jenkins.plugins.essay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbees.jenkins.plugins.sshcredentials.impl.BasicSSHUserPrivateKey;
import com.cloudbees.plugins.credentials.Credentials;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl;
import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.Result;
import hudson.util.FormValidation;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * User-facing failures end the build as FAILURE with one clear message and no stack trace: a missing or
 * wrongly typed credential, no known hosts, no essay.yaml, an invalid essay.yaml.
 */
@WithJenkins
class FailureMessagesTest {
    /** Not a usable key: the tests below fail before any SSH connection is attempted. */
    private static final String NOT_A_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nnot a key\n-----END OPENSSH PRIVATE KEY-----\n";

    private JenkinsRule j;

    @BeforeEach
    void setUp(JenkinsRule j) throws Exception {
        this.j = j;
        EssayGlobalConfiguration.get().setKnownHosts(
                "10.0.0.11 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBgF0m1bYt+pcB3l5dFbB0K1oFi6d2Yw8F8o0u1Z2n3x");
        add(new UsernamePasswordCredentialsImpl(CredentialsScope.GLOBAL, "user-pass", "not a key", "deploy", "secret"));
        add(new BasicSSHUserPrivateKey(CredentialsScope.GLOBAL, "deploy-key", "deploy",
                new BasicSSHUserPrivateKey.DirectEntryPrivateKeySource(NOT_A_KEY), null, "deploy key"));
    }

    private static void add(Credentials c) throws Exception {
        SystemCredentialsProvider.getInstance().getCredentials().add(c);
        SystemCredentialsProvider.getInstance().save();
    }

    private FreeStyleBuild deploy(String credentialsId) throws Exception {
        FreeStyleProject p = j.createFreeStyleProject();
        EssayDeployBuilder builder = new EssayDeployBuilder("1.4.0", "b");
        builder.setCredentialsId(credentialsId);
        p.getBuildersList().add(builder);
        return j.buildAndAssertStatus(Result.FAILURE, p);
    }

    private void assertNoStackTrace(hudson.model.Run<?, ?> run) throws Exception {
        j.assertLogNotContains("\tat ", run);
        j.assertLogNotContains("Exception", run);
    }

    /** A deploy that failed before essay started is still recorded on the build, with its reason. */
    private static void assertRecordedWithReason(hudson.model.Run<?, ?> run, String reason) {
        ReleaseRecord record = run.getAction(ReleaseRecord.class);
        assertNotNull(record, "the attempt is recorded on the build");
        assertEquals("deploy", record.getAction());
        assertEquals("failed", record.getResult());
        assertEquals("1.4.0", record.getVersion());
        assertTrue(record.getMessage() != null && record.getMessage().contains(reason), record.getMessage());
    }

    @Test
    void missingCredential() throws Exception {
        FreeStyleBuild b = deploy("no-such-key");
        j.assertLogContains("no credential with id 'no-such-key'", b);
        j.assertLogContains("SSH Username with private key", b);
        assertRecordedWithReason(b, "no credential with id 'no-such-key'");
        assertNoStackTrace(b);
    }

    @Test
    void noCredentialGiven() throws Exception {
        FreeStyleBuild b = deploy(null);
        j.assertLogContains("no credentialsId given", b);
        assertNoStackTrace(b);
    }

    @Test
    void usernamePasswordInsteadOfSshKey() throws Exception {
        FreeStyleBuild b = deploy("user-pass");
        j.assertLogContains("credential 'user-pass' is of type", b);
        j.assertLogContains("where 'SSH Username with private key' was expected", b);
        assertRecordedWithReason(b, "is of type");
        assertNoStackTrace(b);
    }

    @Test
    void noKnownHosts() throws Exception {
        EssayGlobalConfiguration.get().setKnownHosts("");
        FreeStyleBuild b = deploy("deploy-key");
        j.assertLogContains("no known hosts are configured", b);
        assertRecordedWithReason(b, "no known hosts are configured");
        assertNoStackTrace(b);
    }

    @Test
    void noEssayYaml() throws Exception {
        FreeStyleBuild b = deploy("deploy-key");
        j.assertLogContains("essay.yaml not found in the workspace", b);
        assertRecordedWithReason(b, "essay.yaml not found in the workspace");
        assertNoStackTrace(b);
    }

    @Test
    void invalidEssayYamlInPipeline() throws Exception {
        WorkflowJob p = j.createProject(WorkflowJob.class, "shop");
        p.setDefinition(new CpsFlowDefinition("node {\n"
                + "  writeFile file: 'essay.yaml', text: 'project: shop\\nslots: nope\\n'\n"
                + "  essayDeploy version: '1.4.0', slot: 'b', credentialsId: 'deploy-key'\n"
                + "}\n", true));
        WorkflowRun b = j.buildAndAssertStatus(Result.FAILURE, p);
        j.assertLogContains("essay.yaml", b);
        j.assertLogContains("hint: fix the fields above", b);
        j.assertLogNotContains("\tat ", b);
        ReleaseRecord release = b.getAction(ReleaseRecord.class);
        assertNotNull(release, "a failed deploy is recorded too");
        assertEquals("deploy", release.getAction());
        assertEquals("failed", release.getResult());
        assertEquals("1.4.0", release.getVersion());
    }

    @Test
    void sshKeyAsIndexLogin() throws Exception {
        FreeStyleProject p = j.createFreeStyleProject();
        EssayPackageBuilder builder = new EssayPackageBuilder();
        builder.setIndexCredentialsId("deploy-key");
        p.getBuildersList().add(builder);
        FreeStyleBuild b = j.buildAndAssertStatus(Result.FAILURE, p);
        j.assertLogContains("credential 'deploy-key' is of type", b);
        j.assertLogContains("where 'Username with password' was expected", b);
        assertNoStackTrace(b);
    }

    @Test
    void packageWithoutEssayYamlInPipeline() throws Exception {
        WorkflowJob p = j.createProject(WorkflowJob.class, "shop-package");
        p.setDefinition(new CpsFlowDefinition("node {\n"
                + "  essayPackage indexCredentialsId: 'user-pass'\n"
                + "}\n", true));
        WorkflowRun b = j.buildAndAssertStatus(Result.FAILURE, p);
        j.assertLogContains("essay.yaml not found in the workspace", b);
        j.assertLogNotContains("\tat ", b);
    }

    @Test
    void packageFormValidation() throws Exception {
        FreeStyleProject p = j.createFreeStyleProject();
        EssayPackageBuilder.DescriptorImpl d = j.jenkins.getDescriptorByType(EssayPackageBuilder.DescriptorImpl.class);
        assertEquals(FormValidation.Kind.OK, d.doCheckIndexCredentialsId(p, "user-pass").kind);
        assertEquals(FormValidation.Kind.OK, d.doCheckIndexCredentialsId(p, "").kind, "the index login is optional");
        assertEquals(FormValidation.Kind.ERROR, d.doCheckIndexCredentialsId(p, "deploy-key").kind);
        assertEquals(FormValidation.Kind.ERROR, d.doCheckIndexCredentialsId(p, "no-such-login").kind);
        assertEquals(2, d.doFillIndexCredentialsIdItems(p, "").size(), "the empty choice and the one login");
        assertEquals(FormValidation.Kind.OK, d.doCheckVersion(p, "").kind, "empty: the next date version");
        assertEquals(FormValidation.Kind.ERROR, d.doCheckVersion(p, "latest").kind);
        assertEquals(FormValidation.Kind.OK, d.doCheckSuffix(p, "hotfix-2").kind);
        assertEquals(FormValidation.Kind.ERROR, d.doCheckSuffix(p, "fix bug").kind);
        assertEquals(FormValidation.Kind.ERROR, d.doCheckCommit(p, "--upload-pack=x").kind);
        assertEquals(FormValidation.Kind.OK, d.doCheckCommit(p, "${GIT_COMMIT}").kind);
        assertEquals(FormValidation.Kind.OK, d.doCheckBranch(p, "release/1.4").kind);
    }

    @Test
    void credentialsFormValidation() throws Exception {
        FreeStyleProject p = j.createFreeStyleProject();
        EssayDeployBuilder.DescriptorImpl d = j.jenkins.getDescriptorByType(EssayDeployBuilder.DescriptorImpl.class);
        assertEquals(FormValidation.Kind.OK, d.doCheckCredentialsId(p, "deploy-key").kind);
        assertEquals(FormValidation.Kind.ERROR, d.doCheckCredentialsId(p, "user-pass").kind);
        assertEquals(FormValidation.Kind.ERROR, d.doCheckCredentialsId(p, "no-such-key").kind);
        assertEquals(FormValidation.Kind.ERROR, d.doCheckCredentialsId(p, "").kind);
        assertEquals(2, d.doFillCredentialsIdItems(p, "").size(), "the empty choice and the one SSH key");
        assertEquals(FormValidation.Kind.OK, d.doCheckVersion(p, "1.4.0").kind);
        assertEquals(FormValidation.Kind.ERROR, d.doCheckVersion(p, "latest").kind);
        assertEquals(FormValidation.Kind.OK, d.doCheckVersion(p, "${VERSION}").kind);
        assertEquals(FormValidation.Kind.ERROR, d.doCheckSlot(p, "B!").kind);
    }
}
