package io.jenkins.plugins.essay;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
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
 * The freestyle build step "essay: deploy": the same operation as {@code essayDeploy}, for push-button
 * ("Build with Parameters": version, slot) and scheduled jobs. Every field expands {@code ${PARAM}} from
 * the build's environment. A failed host fails the build.
 */
public class EssayDeployBuilder extends Builder implements SimpleBuildStep {
    private final String version;
    private final String slot;
    private String role;
    private String profile;
    private String credentialsId;
    private String config = EssayRunner.DEFAULT_CONFIG;
    private boolean force;

    @DataBoundConstructor
    public EssayDeployBuilder(String version, String slot) {
        this.version = Util.fixEmptyAndTrim(version);
        this.slot = Util.fixEmptyAndTrim(slot);
    }

    public String getVersion() {
        return version;
    }

    public String getSlot() {
        return slot;
    }

    public @CheckForNull String getRole() {
        return role;
    }

    @DataBoundSetter
    public void setRole(String role) {
        this.role = Util.fixEmptyAndTrim(role);
    }

    public @CheckForNull String getProfile() {
        return profile;
    }

    @DataBoundSetter
    public void setProfile(String profile) {
        this.profile = Util.fixEmptyAndTrim(profile);
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
        String v = expand(env, version);
        String s = expand(env, slot);
        if (v == null || s == null) {
            throw new AbortException("essay deploy needs a version and a slot (after expanding build parameters: version '"
                    + v + "', slot '" + s + "')");
        }
        Operation op = Operation.deploy(v, s, expand(env, role), expand(env, profile), force);
        EssayRunner.run(run, workspace, env, listener, op, expand(env, credentialsId), expand(env, config));
    }

    /** Expands {@code ${PARAM}}; an empty result is null (the default applies). */
    static @CheckForNull String expand(EnvVars env, @CheckForNull String value) {
        return value == null ? null : Util.fixEmptyAndTrim(env.expand(value));
    }

    @Extension
    @Symbol("essayDeployBuilder")
    public static class DescriptorImpl extends BuildStepDescriptor<Builder> {
        @Override
        public boolean isApplicable(Class<? extends AbstractProject> jobType) {
            return true;
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "essay: deploy a version into a slot";
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
        public FormValidation doCheckVersion(@AncestorInPath Item item, @QueryParameter String value) {
            return EssayForms.checkVersion(item, value);
        }

        @POST
        public FormValidation doCheckSlot(@AncestorInPath Item item, @QueryParameter String value) {
            return EssayForms.checkSlot(item, value, true);
        }

        @POST
        public FormValidation doCheckRole(@AncestorInPath Item item, @QueryParameter String value) {
            return EssayForms.checkName(item, value, "role");
        }

        @POST
        public FormValidation doCheckProfile(@AncestorInPath Item item, @QueryParameter String value) {
            return EssayForms.checkName(item, value, "profile");
        }

        @POST
        public FormValidation doCheckConfig(@AncestorInPath Item item, @QueryParameter String value) {
            return EssayForms.checkConfig(item, value);
        }
    }
}
