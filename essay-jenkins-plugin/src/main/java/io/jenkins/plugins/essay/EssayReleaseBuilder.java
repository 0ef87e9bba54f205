package io.jenkins.plugins.essay;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.TaskListener;
import io.jenkins.plugins.essay.plain.Outcome;
import io.jenkins.plugins.essay.plain.ReleaseConfig;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * The freestyle build step "essay: release": the same operation, fields, checks, form and help as
 * {@code essayRelease} ({@link ReleaseConfig}, {@link EssayReleaseStep}): package, deploy into the slot that is not
 * live, switch, under one release lock, for push-button and scheduled jobs. Every field expands {@code ${PARAM}}
 * from the build's environment; the version released is {@code ${ESSAY_VERSION}} for the build steps after it. A
 * failed stage fails the build.
 */
public class EssayReleaseBuilder extends EssayBuilder implements ConfigFields.Release {
    /** Saved in the job's config.xml as {@code <release>...</release>}. */
    private final ReleaseConfig release = new ReleaseConfig();

    @DataBoundConstructor
    public EssayReleaseBuilder() {
    }

    // The setters of the form, saved jobs and step(...) (getters: ConfigFields.Release; setters must be declared here).
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

    @Override
    void performed(Outcome outcome, TaskListener listener) {
        EssayPackageBuilder.announceVersion(outcome, listener);
    }

    @Extension
    @Symbol("essayReleaseBuilder")
    public static class DescriptorImpl extends EssayBuilderDescriptor implements FormChecks.Release {
        public DescriptorImpl() {
            super(EssayReleaseStep.class);
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return ReleaseConfig.TITLE;
        }
    }
}
