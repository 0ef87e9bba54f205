package io.jenkins.plugins.essay;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import edu.umd.cs.findbugs.annotations.SuppressFBWarnings;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.Util;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import java.util.Map;
import java.util.Set;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * {@code essayDeploy(version: '1.4.0', slot: 'b', credentialsId: 'deploy-key')}: installs a version of the
 * project into a slot on every host of a role, on the agent running the build. Returns a map host →
 * {@code [result:, duration: (milliseconds), detail:, error:]}; fails the build when any host fails.
 */
public class EssayDeployStep extends Step {
    private final String version;
    private final String slot;
    private String role;
    private String profile;
    private String credentialsId;
    private String config = EssayRunner.DEFAULT_CONFIG;
    private boolean force;

    @DataBoundConstructor
    public EssayDeployStep(String version, String slot) {
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

    /** The role whose hosts get the deploy; empty for essay.yaml's default_role. */
    @DataBoundSetter
    public void setRole(String role) {
        this.role = Util.fixEmptyAndTrim(role);
    }

    public @CheckForNull String getProfile() {
        return profile;
    }

    /** The profile passed to the supervisord template; empty for essay.yaml's profile. */
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

    /** Path of essay.yaml relative to the workspace. */
    @DataBoundSetter
    public void setConfig(String config) {
        String c = Util.fixEmptyAndTrim(config);
        this.config = c == null ? EssayRunner.DEFAULT_CONFIG : c;
    }

    public boolean isForce() {
        return force;
    }

    /** Deploy even into the live slot (the CLI's --force). */
    @DataBoundSetter
    public void setForce(boolean force) {
        this.force = force;
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(context, this);
    }

    /** Runs the deploy off the CPS VM thread; the per-host map is the step's value. */
    static final class Execution extends EssayStepExecution<Map<String, Object>> {
        private static final long serialVersionUID = 1L;

        @SuppressFBWarnings(value = "SE_TRANSIENT_FIELD_NOT_RESTORED", justification = "only used when starting; onResume fails the step")
        private final transient EssayDeployStep step;

        Execution(StepContext context, EssayDeployStep step) {
            super(context);
            this.step = step;
        }

        @Override
        protected Map<String, Object> run(Run<?, ?> run, FilePath workspace, EnvVars env, TaskListener listener)
                throws Exception {
            if (step.version == null || step.slot == null) {
                throw new hudson.AbortException("essayDeploy needs version: and slot:");
            }
            Operation op = Operation.deploy(step.version, step.slot, step.role, step.profile, step.force);
            return EssayRunner.run(run, workspace, env, listener, op, step.credentialsId, step.config).hostMap();
        }
    }

    @Extension
    @Symbol("essayDeploy")
    public static class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "essayDeploy";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "essay: deploy a version into a slot";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class, FilePath.class, EnvVars.class);
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
