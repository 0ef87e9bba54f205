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
 * The freestyle build step "essay: switch / roll back": the same operation as {@code essaySwitch}. With
 * "Roll back" checked, a one-button rollback job. Every field expands {@code ${PARAM}}.
 */
public class EssaySwitchBuilder extends Builder implements SimpleBuildStep {
    private String to;
    private boolean rollback;
    private String credentialsId;
    private String config = EssayRunner.DEFAULT_CONFIG;
    private boolean force;

    @DataBoundConstructor
    public EssaySwitchBuilder() {
    }

    public @CheckForNull String getTo() {
        return to;
    }

    @DataBoundSetter
    public void setTo(String to) {
        this.to = Util.fixEmptyAndTrim(to);
    }

    public boolean isRollback() {
        return rollback;
    }

    @DataBoundSetter
    public void setRollback(boolean rollback) {
        this.rollback = rollback;
    }

    public @CheckForNull String getCredentialsId() {
        return credentialsId;
    }

    @DataBoundSetter
    public void setCredentialsId(String credentialsId) {
        this.credentialsId = Util.fixEmptyAndTrim(credentialsId);
    }

    public @NonNull String getConfig() {
        return config;
    }

    @DataBoundSetter
    public void setConfig(String config) {
        String c = Util.fixEmptyAndTrim(config);
        this.config = c == null ? EssayRunner.DEFAULT_CONFIG : c;
    }

    public boolean isForce() {
        return force;
    }

    @DataBoundSetter
    public void setForce(boolean force) {
        this.force = force;
    }

    @Override
    public void perform(@NonNull Run<?, ?> run, @NonNull FilePath workspace, @NonNull EnvVars env,
                        @NonNull Launcher launcher, @NonNull TaskListener listener)
            throws InterruptedException, IOException {
        Operation op = Operation.switchTo(EssayDeployBuilder.expand(env, to), rollback, force);
        EssayRunner.run(run, workspace, env, listener, op, EssayDeployBuilder.expand(env, credentialsId),
                EssayDeployBuilder.expand(env, config));
    }

    @Extension
    @Symbol("essaySwitchBuilder")
    public static class DescriptorImpl extends BuildStepDescriptor<Builder> {
        @Override
        public boolean isApplicable(Class<? extends AbstractProject> jobType) {
            return true;
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "essay: switch the live slot, or roll back";
        }

        @POST
        public ListBoxModel doFillCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String credentialsId) {
            return EssayCredentials.fillItems(item, credentialsId);
        }

        @POST
        public FormValidation doCheckCredentialsId(@AncestorInPath Item item, @QueryParameter String value) {
            return EssayCredentials.check(item, value);
        }

        @POST
        public FormValidation doCheckTo(@AncestorInPath Item item, @QueryParameter String value) {
            return EssayForms.checkSlot(item, value, false);
        }

        @POST
        public FormValidation doCheckConfig(@AncestorInPath Item item, @QueryParameter String value) {
            return EssayForms.checkConfig(item, value);
        }
    }
}
