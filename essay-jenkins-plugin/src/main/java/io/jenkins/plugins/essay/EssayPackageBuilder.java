package io.jenkins.plugins.essay;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.Launcher;
import hudson.Util;
import hudson.model.AbstractProject;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.tasks.BuildStepDescriptor;
import hudson.tasks.Builder;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import java.io.IOException;
import jenkins.tasks.SimpleBuildStep;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * The freestyle build step "essay: package": the same operation as {@code essayPackage}. The version it uploaded
 * is {@code ${ESSAY_VERSION}} for the build steps after it (see {@link ReleaseAction#VERSION_VARIABLE}), so a
 * push-button job can package, deploy {@code ${ESSAY_VERSION}} and switch. Every field expands {@code ${PARAM}}.
 */
public class EssayPackageBuilder extends Builder implements SimpleBuildStep {
    private String branch;
    private String commit;
    private boolean here;
    private String version;
    private String suffix;
    private String indexCredentialsId;
    private String config = EssayRunner.DEFAULT_CONFIG;

    @DataBoundConstructor
    public EssayPackageBuilder() {
    }

    public @CheckForNull String getBranch() {
        return branch;
    }

    @DataBoundSetter
    public void setBranch(String branch) {
        this.branch = Util.fixEmptyAndTrim(branch);
    }

    public @CheckForNull String getCommit() {
        return commit;
    }

    @DataBoundSetter
    public void setCommit(String commit) {
        this.commit = Util.fixEmptyAndTrim(commit);
    }

    public boolean isHere() {
        return here;
    }

    @DataBoundSetter
    public void setHere(boolean here) {
        this.here = here;
    }

    public @CheckForNull String getVersion() {
        return version;
    }

    @DataBoundSetter
    public void setVersion(String version) {
        this.version = Util.fixEmptyAndTrim(version);
    }

    public @CheckForNull String getSuffix() {
        return suffix;
    }

    @DataBoundSetter
    public void setSuffix(String suffix) {
        this.suffix = Util.fixEmptyAndTrim(suffix);
    }

    public @CheckForNull String getIndexCredentialsId() {
        return indexCredentialsId;
    }

    @DataBoundSetter
    public void setIndexCredentialsId(String indexCredentialsId) {
        this.indexCredentialsId = Util.fixEmptyAndTrim(indexCredentialsId);
    }

    public @NonNull String getConfig() {
        return config;
    }

    @DataBoundSetter
    public void setConfig(String config) {
        String c = Util.fixEmptyAndTrim(config);
        this.config = c == null ? EssayRunner.DEFAULT_CONFIG : c;
    }

    @Override
    public void perform(@NonNull Run<?, ?> run, @NonNull FilePath workspace, @NonNull EnvVars env,
                        @NonNull Launcher launcher, @NonNull TaskListener listener)
            throws InterruptedException, IOException {
        Operation op = Operation.pack(EssayDeployBuilder.expand(env, branch), EssayDeployBuilder.expand(env, commit),
                here, EssayDeployBuilder.expand(env, version), EssayDeployBuilder.expand(env, suffix));
        Outcome outcome = EssayRunner.pack(run, workspace, env, listener, op,
                EssayDeployBuilder.expand(env, indexCredentialsId), EssayDeployBuilder.expand(env, config));
        listener.getLogger().println("[essay] " + ReleaseAction.VERSION_VARIABLE + "=" + outcome.version()
                + " for the build steps that follow");
    }

    @Extension
    @Symbol("essayPackageBuilder")
    public static class DescriptorImpl extends BuildStepDescriptor<Builder> {
        /** The fields' help is the Pipeline step's. */
        public DescriptorImpl() {
            for (String field : new String[] {"branch", "commit", "here", "version", "suffix", "indexCredentialsId",
                    "config"}) {
                addHelpFileRedirect(field, EssayPackageStep.class, field);
            }
        }

        @Override
        public boolean isApplicable(Class<? extends AbstractProject> jobType) {
            return true;
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "essay: build a package with a new version and upload it";
        }

        @POST
        public ListBoxModel doFillIndexCredentialsIdItems(@AncestorInPath Item item,
                                                          @QueryParameter String indexCredentialsId) {
            return EssayCredentials.fillIndexItems(item, indexCredentialsId);
        }

        @POST
        public FormValidation doCheckIndexCredentialsId(@AncestorInPath Item item, @QueryParameter String value) {
            return EssayCredentials.checkIndex(item, value);
        }

        @POST
        public FormValidation doCheckBranch(@AncestorInPath Item item, @QueryParameter String value) {
            return EssayForms.checkRevision(item, value);
        }

        @POST
        public FormValidation doCheckCommit(@AncestorInPath Item item, @QueryParameter String value) {
            return EssayForms.checkRevision(item, value);
        }

        @POST
        public FormValidation doCheckVersion(@AncestorInPath Item item, @QueryParameter String value) {
            return EssayForms.checkPackageVersion(item, value);
        }

        @POST
        public FormValidation doCheckSuffix(@AncestorInPath Item item, @QueryParameter String value) {
            return EssayForms.checkSuffix(item, value);
        }

        @POST
        public FormValidation doCheckConfig(@AncestorInPath Item item, @QueryParameter String value) {
            return EssayForms.checkConfig(item, value);
        }
    }
}
