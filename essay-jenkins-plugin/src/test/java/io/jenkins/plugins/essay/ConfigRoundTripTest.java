package io.jenkins.plugins.essay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.FreeStyleProject;
import hudson.model.Items;
import hudson.util.FormValidation;
import org.jenkinsci.plugins.workflow.steps.StepConfigTester;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** Every step, build step and the global configuration survive a trip through their configuration forms. */
@WithJenkins
class ConfigRoundTripTest {

    @Test
    void deployStep(JenkinsRule j) throws Exception {
        EssayDeployStep step = new EssayDeployStep("1.4.0", "b");
        step.setRole("web");
        step.setProfile("prod");
        step.setCredentialsId("deploy-key");
        step.setConfig("deploy/essay.yaml");
        step.setForce(true);
        j.assertEqualDataBoundBeans(step, new StepConfigTester(j).configRoundTrip(step));

        EssayDeployStep minimal = new EssayDeployStep("2.0.0rc1", "a");
        EssayDeployStep after = new StepConfigTester(j).configRoundTrip(minimal);
        j.assertEqualDataBoundBeans(minimal, after);
        assertEquals("essay.yaml", after.getConfig());
    }

    @Test
    void switchStep(JenkinsRule j) throws Exception {
        EssaySwitchStep step = new EssaySwitchStep();
        step.setTo("b");
        step.setCredentialsId("deploy-key");
        step.setConfig("essay.yaml");
        j.assertEqualDataBoundBeans(step, new StepConfigTester(j).configRoundTrip(step));

        EssaySwitchStep rollback = new EssaySwitchStep();
        rollback.setRollback(true);
        rollback.setForce(true);
        rollback.setCredentialsId("deploy-key");
        j.assertEqualDataBoundBeans(rollback, new StepConfigTester(j).configRoundTrip(rollback));
    }

    @Test
    void packageStep(JenkinsRule j) throws Exception {
        EssayPackageStep step = new EssayPackageStep();
        step.setCommit("1a2b3c4");
        step.setVersion("1.4.0");
        step.setSuffix("hotfix-2");
        step.setIndexCredentialsId("index-upload");
        step.setConfig("deploy/essay.yaml");
        j.assertEqualDataBoundBeans(step, new StepConfigTester(j).configRoundTrip(step));

        EssayPackageStep here = new EssayPackageStep();
        here.setHere(true);
        here.setBranch("release");
        j.assertEqualDataBoundBeans(here, new StepConfigTester(j).configRoundTrip(here));

        EssayPackageStep after = new StepConfigTester(j).configRoundTrip(new EssayPackageStep());
        j.assertEqualDataBoundBeans(new EssayPackageStep(), after);
        assertEquals("essay.yaml", after.getConfig());
    }

    @Test
    void packageBuilder(JenkinsRule j) throws Exception {
        EssayPackageBuilder builder = new EssayPackageBuilder();
        builder.setCommit("${GIT_COMMIT}");
        builder.setSuffix("${SUFFIX}");
        builder.setIndexCredentialsId("index-upload");
        j.assertEqualDataBoundBeans(builder, j.configRoundtrip(builder));

        EssayPackageBuilder here = new EssayPackageBuilder();
        here.setHere(true);
        here.setVersion("1.4.0");
        here.setConfig("deploy/essay.yaml");
        j.assertEqualDataBoundBeans(here, j.configRoundtrip(here));
    }

    @Test
    void statusStep(JenkinsRule j) throws Exception {
        EssayStatusStep step = new EssayStatusStep();
        step.setCredentialsId("deploy-key");
        step.setRole("web");
        step.setFailIfDegraded(true);
        step.setConfig("deploy/essay.yaml");
        j.assertEqualDataBoundBeans(step, new StepConfigTester(j).configRoundTrip(step));
    }

    @Test
    void repairStepAndBuilder(JenkinsRule j) throws Exception {
        EssayRepairStep step = new EssayRepairStep();
        step.setCredentialsId("deploy-key");
        step.setRole("web");
        step.setBatch(3);
        step.setConfig("deploy/essay.yaml");
        j.assertEqualDataBoundBeans(step, new StepConfigTester(j).configRoundTrip(step));

        EssayRepairBuilder builder = new EssayRepairBuilder();
        builder.setCredentialsId("deploy-key");
        builder.setBatch(2);
        j.assertEqualDataBoundBeans(builder, j.configRoundtrip(builder));
    }

    @Test
    void releaseStepAndBuilder(JenkinsRule j) throws Exception {
        EssayReleaseStep step = new EssayReleaseStep();
        step.setCommit("1a2b3c4");
        step.setVersion("1.4.0");
        step.setSuffix("fixbug");
        step.setIndexCredentialsId("index-upload");
        step.setCredentialsId("deploy-key");
        step.setSlot("b");
        step.setProfile("prod");
        step.setConfig("deploy/essay.yaml");
        j.assertEqualDataBoundBeans(step, new StepConfigTester(j).configRoundTrip(step));

        EssayReleaseBuilder builder = new EssayReleaseBuilder();
        builder.setBranch("${BRANCH}");
        builder.setHere(true);
        builder.setCredentialsId("deploy-key");
        builder.setSlot("${SLOT}");
        j.assertEqualDataBoundBeans(builder, j.configRoundtrip(builder));
    }

    @Test
    void deployBuilder(JenkinsRule j) throws Exception {
        EssayDeployBuilder builder = new EssayDeployBuilder("${VERSION}", "${SLOT}");
        builder.setRole("web");
        builder.setProfile("prod");
        builder.setCredentialsId("deploy-key");
        builder.setConfig("essay.yaml");
        j.assertEqualDataBoundBeans(builder, j.configRoundtrip(builder));
    }

    @Test
    void switchBuilder(JenkinsRule j) throws Exception {
        EssaySwitchBuilder builder = new EssaySwitchBuilder();
        builder.setRollback(true);
        builder.setCredentialsId("deploy-key");
        j.assertEqualDataBoundBeans(builder, j.configRoundtrip(builder));

        EssaySwitchBuilder to = new EssaySwitchBuilder();
        to.setTo("${SLOT}");
        to.setCredentialsId("deploy-key");
        to.setForce(true);
        j.assertEqualDataBoundBeans(to, j.configRoundtrip(to));
    }

    /** Build steps saved by version 0.1 (flat fields) still load, into the shared configuration. */
    @Test
    void buildStepsSavedWithFlatFieldsLoad(JenkinsRule j) throws Exception {
        EssayDeployBuilder deploy = (EssayDeployBuilder) Items.XSTREAM2.fromXML(
                "<io.jenkins.plugins.essay.EssayDeployBuilder><version>${VERSION}</version><slot>b</slot>"
                        + "<role>web</role><credentialsId>deploy-key</credentialsId><config>deploy/essay.yaml</config>"
                        + "<force>true</force></io.jenkins.plugins.essay.EssayDeployBuilder>");
        EssayDeployBuilder expected = new EssayDeployBuilder("${VERSION}", "b");
        expected.setRole("web");
        expected.setCredentialsId("deploy-key");
        expected.setConfig("deploy/essay.yaml");
        expected.setForce(true);
        j.assertEqualDataBoundBeans(expected, deploy);

        EssaySwitchBuilder rollback = (EssaySwitchBuilder) Items.XSTREAM2.fromXML(
                "<io.jenkins.plugins.essay.EssaySwitchBuilder><rollback>true</rollback>"
                        + "<credentialsId>deploy-key</credentialsId><config>essay.yaml</config><force>false</force>"
                        + "</io.jenkins.plugins.essay.EssaySwitchBuilder>");
        assertTrue(rollback.isRollback());
        assertEquals("deploy-key", rollback.getCredentialsId());

        EssayPackageBuilder pack = (EssayPackageBuilder) Items.XSTREAM2.fromXML(
                "<io.jenkins.plugins.essay.EssayPackageBuilder><commit>${GIT_COMMIT}</commit><here>false</here>"
                        + "<suffix>fixbug</suffix><indexCredentialsId>index-upload</indexCredentialsId>"
                        + "<config>essay.yaml</config></io.jenkins.plugins.essay.EssayPackageBuilder>");
        assertEquals("${GIT_COMMIT}", pack.getCommit());
        assertEquals("fixbug", pack.getSuffix());
        assertEquals("index-upload", pack.getIndexCredentialsId());

        String saved = Items.XSTREAM2.toXML(deploy);
        assertTrue(saved.contains("<deploy>"), saved);
        j.assertEqualDataBoundBeans(expected, Items.XSTREAM2.fromXML(saved));
    }

    @Test
    void jobProperty(JenkinsRule j) throws Exception {
        FreeStyleProject rollbackJob = j.createFreeStyleProject("shop-rollback");
        FreeStyleProject p = j.createFreeStyleProject("shop-deploy");
        p.addProperty(new EssayJobProperty("shop-rollback"));
        p = j.configRoundtrip(p);
        EssayJobProperty property = p.getProperty(EssayJobProperty.class);
        assertEquals("shop-rollback", property.getRollbackJob());
        assertEquals(rollbackJob, property.findRollbackJob(p));
    }

    @Test
    void globalConfiguration(JenkinsRule j) throws Exception {
        EssayGlobalConfiguration global = EssayGlobalConfiguration.get();
        String knownHosts = "10.0.0.11 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBgF0m1bYt+pcB3l5dFbB0K1oFi6d2Yw8F8o0u1Z2n3x\n"
                + "[10.0.0.5]:2222 ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTY=\n";
        global.setKnownHosts(knownHosts);
        global.setAcceptNewHostKeys(true);
        j.configRoundtrip();
        assertEquals(knownHosts, global.getKnownHosts());
        assertTrue(global.isAcceptNewHostKeys());
        assertFalse(global.trustsNothing());

        global.setKnownHosts("");
        global.setAcceptNewHostKeys(false);
        j.configRoundtrip();
        assertEquals("", global.getKnownHosts());
        assertTrue(global.trustsNothing());
    }

    @Test
    void knownHostsValidation(JenkinsRule j) {
        EssayGlobalConfiguration global = EssayGlobalConfiguration.get();
        assertEquals(FormValidation.Kind.OK, global.doCheckKnownHosts(
                "# fleet\n10.0.0.11,web1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBgF0m1bYt+pcB3l5dFbB0K1oFi6d2Yw8F8o0u1Z2n3x\n").kind);
        assertEquals(FormValidation.Kind.WARNING, global.doCheckKnownHosts("").kind);
        assertEquals(FormValidation.Kind.ERROR, global.doCheckKnownHosts("10.0.0.11 AAAAC3Nza").kind);
        assertEquals(FormValidation.Kind.ERROR, global.doCheckKnownHosts("10.0.0.11 rsa AAAA").kind);
    }
}
