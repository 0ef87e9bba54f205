package io.jenkins.plugins.essay;

import java.util.List;
import org.jenkinsci.plugins.workflow.cps.SnippetizerTester;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** What the Snippet Generator writes for the steps, and that it reads back the same step. */
@WithJenkins
class SnippetGeneratorTest {

    @Test
    void deploy(JenkinsRule j) throws Exception {
        SnippetizerTester st = new SnippetizerTester(j);
        EssayDeployStep step = new EssayDeployStep("1.4.0", "b");
        step.setCredentialsId("deploy-key");
        st.assertRoundTrip(step, "essayDeploy credentialsId: 'deploy-key', slot: 'b', version: '1.4.0'");

        step.setRole("web");
        step.setProfile("prod");
        step.setConfig("deploy/essay.yaml");
        step.setForce(true);
        st.assertRoundTrip(step, "essayDeploy config: 'deploy/essay.yaml', credentialsId: 'deploy-key', force: true, "
                + "profile: 'prod', role: 'web', slot: 'b', version: '1.4.0'");
    }

    @Test
    void shardedDeployInsideALockBlock(JenkinsRule j) throws Exception {
        SnippetizerTester st = new SnippetizerTester(j);
        EssayDeployStep shard = new EssayDeployStep("1.4.0", "b");
        shard.setCredentialsId("deploy-key");
        shard.setShard(List.of(1, 2));
        st.assertRoundTrip(shard, "essayDeploy credentialsId: 'deploy-key', shard: [1, 2], slot: 'b', version: '1.4.0'");
        EssayDeployStep named = new EssayDeployStep("1.4.0", "b");
        named.setCredentialsId("deploy-key");
        named.setHosts(List.of("app@10.0.0.1", "app@10.0.0.2"));
        st.assertRoundTrip(named, "essayDeploy credentialsId: 'deploy-key', hosts: ['app@10.0.0.1', 'app@10.0.0.2'], "
                + "slot: 'b', version: '1.4.0'");

        EssayLockStep lock = new EssayLockStep();
        lock.setCredentialsId("deploy-key");
        st.assertRoundTrip(lock, "essayLock(credentialsId: 'deploy-key') {\n    // some block\n}");
        lock.setNote("release 1.4.0");
        st.assertRoundTrip(lock, "essayLock(credentialsId: 'deploy-key', note: 'release 1.4.0') {\n    // some block\n}");
    }

    @Test
    void dayTwoSteps(JenkinsRule j) throws Exception {
        SnippetizerTester st = new SnippetizerTester(j);
        EssayRestartStep restart = new EssayRestartStep();
        restart.setCredentialsId("deploy-key");
        st.assertRoundTrip(restart, "essayRestart credentialsId: 'deploy-key'");
        restart.setBatch(2);
        restart.setPause(5);
        restart.setSlot("b");
        st.assertRoundTrip(restart, "essayRestart batch: 2, credentialsId: 'deploy-key', pause: 5, slot: 'b'");
        EssayStopStep stop = new EssayStopStep();
        stop.setSlot("b");
        stop.setCredentialsId("deploy-key");
        st.assertRoundTrip(stop, "essayStop credentialsId: 'deploy-key', slot: 'b'");
        EssayStartStep start = new EssayStartStep();
        start.setSlot("b");
        start.setCredentialsId("deploy-key");
        start.setHosts(List.of("app@10.0.0.1"));
        st.assertRoundTrip(start, "essayStart credentialsId: 'deploy-key', hosts: ['app@10.0.0.1'], slot: 'b'");
    }

    @Test
    void switchAndRollback(JenkinsRule j) throws Exception {
        SnippetizerTester st = new SnippetizerTester(j);
        EssaySwitchStep step = new EssaySwitchStep();
        step.setTo("b");
        step.setCredentialsId("deploy-key");
        st.assertRoundTrip(step, "essaySwitch credentialsId: 'deploy-key', to: 'b'");

        EssaySwitchStep rollback = new EssaySwitchStep();
        rollback.setRollback(true);
        rollback.setCredentialsId("deploy-key");
        st.assertRoundTrip(rollback, "essaySwitch credentialsId: 'deploy-key', rollback: true");
    }

    @Test
    void status(JenkinsRule j) throws Exception {
        SnippetizerTester st = new SnippetizerTester(j);
        EssayStatusStep step = new EssayStatusStep();
        step.setCredentialsId("deploy-key");
        st.assertRoundTrip(step, "essayStatus credentialsId: 'deploy-key'");

        step.setRole("web");
        step.setFailIfDegraded(true);
        step.setConfig("deploy/essay.yaml");
        st.assertRoundTrip(step, "essayStatus config: 'deploy/essay.yaml', credentialsId: 'deploy-key', "
                + "failIfDegraded: true, role: 'web'");
    }

    @Test
    void repair(JenkinsRule j) throws Exception {
        SnippetizerTester st = new SnippetizerTester(j);
        EssayRepairStep step = new EssayRepairStep();
        step.setCredentialsId("deploy-key");
        st.assertRoundTrip(step, "essayRepair credentialsId: 'deploy-key'");

        step.setBatch(3);
        step.setRole("web");
        step.setConfig("deploy/essay.yaml");
        st.assertRoundTrip(step, "essayRepair batch: 3, config: 'deploy/essay.yaml', credentialsId: 'deploy-key', "
                + "role: 'web'");
    }

    @Test
    void release(JenkinsRule j) throws Exception {
        SnippetizerTester st = new SnippetizerTester(j);
        EssayReleaseStep step = new EssayReleaseStep();
        step.setCredentialsId("deploy-key");
        step.setIndexCredentialsId("index-upload");
        st.assertRoundTrip(step, "essayRelease credentialsId: 'deploy-key', indexCredentialsId: 'index-upload'");

        step.setCommit("1a2b3c4");
        step.setVersion("1.4.0");
        step.setSuffix("fixbug");
        step.setSlot("b");
        step.setProfile("prod");
        step.setConfig("deploy/essay.yaml");
        st.assertRoundTrip(step, "essayRelease commit: '1a2b3c4', config: 'deploy/essay.yaml', "
                + "credentialsId: 'deploy-key', indexCredentialsId: 'index-upload', profile: 'prod', slot: 'b', "
                + "suffix: 'fixbug', version: '1.4.0'");
    }

    @Test
    void packageStep(JenkinsRule j) throws Exception {
        SnippetizerTester st = new SnippetizerTester(j);
        st.assertRoundTrip(new EssayPackageStep(), "essayPackage()");

        EssayPackageStep step = new EssayPackageStep();
        step.setCommit("1a2b3c4");
        step.setIndexCredentialsId("index-upload");
        st.assertRoundTrip(step, "essayPackage commit: '1a2b3c4', indexCredentialsId: 'index-upload'");

        EssayPackageStep all = new EssayPackageStep();
        all.setBranch("release");
        all.setHere(true);
        all.setVersion("1.4.0");
        all.setSuffix("fixbug");
        all.setConfig("deploy/essay.yaml");
        st.assertRoundTrip(all, "essayPackage branch: 'release', config: 'deploy/essay.yaml', here: true, "
                + "suffix: 'fixbug', version: '1.4.0'");
    }

    @Test
    void generatedFromTheForm(JenkinsRule j) throws Exception {
        SnippetizerTester st = new SnippetizerTester(j);
        st.assertGenerateSnippet("{'stapler-class':'" + EssayDeployStep.class.getName() + "', 'version':'1.4.0', "
                        + "'slot':'b', 'credentialsId':'deploy-key', 'config':'essay.yaml', 'role':'', 'profile':'', "
                        + "'force':false}",
                "essayDeploy credentialsId: 'deploy-key', slot: 'b', version: '1.4.0'", null);
        st.assertGenerateSnippet("{'stapler-class':'" + EssaySwitchStep.class.getName() + "', 'to':'', "
                        + "'rollback':true, 'credentialsId':'deploy-key', 'config':'essay.yaml', 'force':false}",
                "essaySwitch credentialsId: 'deploy-key', rollback: true", null);
        st.assertGenerateSnippet("{'stapler-class':'" + EssayPackageStep.class.getName() + "', 'commit':'1a2b3c4', "
                        + "'branch':'', 'here':false, 'indexCredentialsId':'index-upload', 'config':'essay.yaml', "
                        + "'version':'', 'suffix':''}",
                "essayPackage commit: '1a2b3c4', indexCredentialsId: 'index-upload'", null);
    }

    @Test
    void documentation(JenkinsRule j) throws Exception {
        SnippetizerTester.assertDocGeneration(EssayDeployStep.class);
        SnippetizerTester.assertDocGeneration(EssaySwitchStep.class);
        SnippetizerTester.assertDocGeneration(EssayPackageStep.class);
        SnippetizerTester.assertDocGeneration(EssayReleaseStep.class);
        SnippetizerTester.assertDocGeneration(EssayStatusStep.class);
    }
}
