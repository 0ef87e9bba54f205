package io.jenkins.plugins.essay;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import io.jenkins.plugins.essay.plain.DeployConfig;
import io.jenkins.plugins.essay.plain.Outcome;
import java.util.List;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code essayDeploy(version: '1.4.0', slot: 'b', credentialsId: 'deploy-key')}: installs a version of the
 * project into a slot on every host of a role, on the agent running the build. Returns a map host →
 * {@code [result:, duration: (milliseconds), detail:, error:]}; fails the build when any host fails. The fields and
 * their rules are {@link DeployConfig}'s, shared with {@link EssayDeployBuilder}.
 */
public class EssayDeployStep extends EssayStep implements ConfigFields.Deploy {
    private final DeployConfig deploy;

    @DataBoundConstructor
    public EssayDeployStep(String version, String slot) {
        deploy = new DeployConfig(version, slot);
    }

    // The setters of the Pipeline arguments, the form and the Snippet Generator (getters: ConfigFields.Deploy).
    @DataBoundSetter public void setRole(String role) { deploy.setRole(role); }
    @DataBoundSetter public void setProfile(String profile) { deploy.setProfile(profile); }
    @DataBoundSetter public void setCredentialsId(String credentialsId) { deploy.setCredentialsId(credentialsId); }
    @DataBoundSetter public void setConfig(String config) { deploy.setConfig(config); }
    @DataBoundSetter public void setForce(boolean force) { deploy.setForce(force); }
    @DataBoundSetter public void setShard(List<Integer> shard) { deploy.setShard(shard); }
    @DataBoundSetter public void setHosts(List<String> hosts) { deploy.setHosts(hosts); }

    /** {@code [index, count]} of a sharded deploy (Pipeline only); null for every host. */
    public List<Integer> getShard() {
        return deploy.getShard();
    }

    /** The hosts of the role to deploy to (Pipeline only); null for every host. */
    public List<String> getHosts() {
        return deploy.getHosts();
    }

    @Override
    public @NonNull DeployConfig configuration() {
        return deploy;
    }

    /** The per-host map. */
    @Override
    Object value(Outcome outcome) {
        return outcome.hostMap();
    }

    @Extension
    @Symbol("essayDeploy")
    public static class DescriptorImpl extends EssayStepDescriptor implements FormChecks.Deploy {
        @Override
        public String getFunctionName() {
            return "essayDeploy";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return DeployConfig.TITLE;
        }
    }
}
