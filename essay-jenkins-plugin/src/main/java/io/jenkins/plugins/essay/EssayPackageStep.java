package io.jenkins.plugins.essay;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import io.jenkins.plugins.essay.plain.Outcome;
import io.jenkins.plugins.essay.plain.PackageConfig;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code def version = essayPackage(commit: scmVars.GIT_COMMIT, indexCredentialsId: 'index-upload')}: builds the
 * project's wheel and sdist with a new version (the next date version unless {@code version:} is given) on the
 * agent running the build, and uploads them to the index; returns the version, for {@code essayDeploy}. The fields
 * and their rules are {@link PackageConfig}'s, shared with {@link EssayPackageBuilder}.
 */
public class EssayPackageStep extends EssayStep implements ConfigFields.Packaging {
    private final PackageConfig pack = new PackageConfig();

    @DataBoundConstructor
    public EssayPackageStep() {
    }

    // The setters of the Pipeline arguments, the form and the Snippet Generator (getters: ConfigFields.Packaging).
    @DataBoundSetter public void setBranch(String branch) { pack.setBranch(branch); }
    @DataBoundSetter public void setCommit(String commit) { pack.setCommit(commit); }
    @DataBoundSetter public void setHere(boolean here) { pack.setHere(here); }
    @DataBoundSetter public void setVersion(String version) { pack.setVersion(version); }
    @DataBoundSetter public void setSuffix(String suffix) { pack.setSuffix(suffix); }
    @DataBoundSetter public void setIndexCredentialsId(String id) { pack.setIndexCredentialsId(id); }
    @DataBoundSetter public void setConfig(String config) { pack.setConfig(config); }

    @Override
    public @NonNull PackageConfig configuration() {
        return pack;
    }

    /** The version uploaded. */
    @Override
    Object value(Outcome outcome) {
        return outcome.subject().version();
    }

    @Extension
    @Symbol("essayPackage")
    public static class DescriptorImpl extends EssayStepDescriptor implements FormChecks.Packaging {
        @Override
        public String getFunctionName() {
            return "essayPackage";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return PackageConfig.TITLE;
        }
    }
}
