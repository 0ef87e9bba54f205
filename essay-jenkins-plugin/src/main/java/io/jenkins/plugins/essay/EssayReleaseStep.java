package io.jenkins.plugins.essay;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import io.jenkins.plugins.essay.plain.Outcome;
import io.jenkins.plugins.essay.plain.ReleaseConfig;
import java.util.List;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code def version = essayRelease(credentialsId: 'deploy-key', indexCredentialsId: 'index-upload')}: what
 * {@code essay release} does, on the agent running the build, under one release lock: package the project with a new
 * version and upload it, deploy it into the slot that is not live on every host of the router's role, switch to it.
 * A failed stage stops there and fails the build (the live slot is untouched before the switch, and a failed switch is
 * undone). Returns the version released. The fields and their rules are {@link ReleaseConfig}'s, shared with
 * {@link EssayReleaseBuilder}; the packaging fields' help is {@link EssayPackageStep}'s.
 */
public class EssayReleaseStep extends EssayStep implements ConfigFields.Release {
    private final ReleaseConfig release = new ReleaseConfig();

    @DataBoundConstructor
    public EssayReleaseStep() {
    }

    // The setters of the Pipeline arguments, the form and the Snippet Generator (getters: ConfigFields.Release).
    @DataBoundSetter public void setBranch(String branch) { release.packaging().setBranch(branch); }
    @DataBoundSetter public void setCommit(String commit) { release.packaging().setCommit(commit); }
    @DataBoundSetter public void setHere(boolean here) { release.packaging().setHere(here); }
    @DataBoundSetter public void setVersion(String version) { release.packaging().setVersion(version); }
    @DataBoundSetter public void setSuffix(String suffix) { release.packaging().setSuffix(suffix); }
    @DataBoundSetter public void setIndexCredentialsId(String id) { release.packaging().setIndexCredentialsId(id); }
    @DataBoundSetter public void setCredentialsId(String credentialsId) { release.setCredentialsId(credentialsId); }
    @DataBoundSetter public void setSlot(String slot) { release.setSlot(slot); }
    @DataBoundSetter public void setProfile(String profile) { release.setProfile(profile); }
    @DataBoundSetter public void setConfig(String config) { release.setConfig(config); }

    @Override
    public @NonNull ReleaseConfig configuration() {
        return release;
    }

    /** The version released. */
    @Override
    Object value(Outcome outcome) {
        return outcome.subject().version();
    }

    @Extension
    @Symbol("essayRelease")
    public static class DescriptorImpl extends EssayStepDescriptor implements FormChecks.Release {
        /** The packaging fields' help is essayPackage's, the profile's essayDeploy's. */
        public DescriptorImpl() {
            for (String field : List.of("branch", "commit", "here", "version", "suffix", "indexCredentialsId")) {
                addHelpFileRedirect(field, EssayPackageStep.class, field);
            }
            addHelpFileRedirect("profile", EssayDeployStep.class, "profile");
        }

        @Override
        public String getFunctionName() {
            return "essayRelease";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return ReleaseConfig.TITLE;
        }
    }
}
