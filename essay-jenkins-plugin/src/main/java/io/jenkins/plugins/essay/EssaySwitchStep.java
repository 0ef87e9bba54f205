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
 * {@code essaySwitch(to: 'b', credentialsId: 'deploy-key')} puts a slot live through the router(s), after
 * checking its health on every host and proving traffic reaches it; {@code essaySwitch(rollback: true)}
 * puts the previous slot back. Returns the slot now live; fails the build when the switch is refused or
 * fails (the previous slot then stays, or is put back, live).
 */
public class EssaySwitchStep extends Step {
    private String to;
    private boolean rollback;
    private String credentialsId;
    private String config = EssayRunner.DEFAULT_CONFIG;
    private boolean force;

    @DataBoundConstructor
    public EssaySwitchStep() {
    }

    public @CheckForNull String getTo() {
        return to;
    }

    /** The slot to put live; empty for the slot that is not live (with two slots) or, on rollback, the previous one. */
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

    /** Switch even when the routers disagree about the live slot (the CLI's --force). */
    @DataBoundSetter
    public void setForce(boolean force) {
        this.force = force;
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(context, this);
    }

    /** Runs the switch off the CPS VM thread; the live slot is the step's value. */
    static final class Execution extends EssayStepExecution<String> {
        private static final long serialVersionUID = 1L;

        @SuppressFBWarnings(value = "SE_TRANSIENT_FIELD_NOT_RESTORED", justification = "only used when starting; onResume fails the step")
        private final transient EssaySwitchStep step;

        Execution(StepContext context, EssaySwitchStep step) {
            super(context);
            this.step = step;
        }

        @Override
        protected String run(Run<?, ?> run, FilePath workspace, EnvVars env, TaskListener listener) throws Exception {
            Operation op = Operation.switchTo(step.to, step.rollback, step.force);
            return EssayRunner.run(run, workspace, env, listener, op, step.credentialsId, step.config).to();
        }
    }

    @Extension
    @Symbol("essaySwitch")
    public static class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "essaySwitch";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "essay: switch the live slot, or roll back";
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
        public FormValidation doCheckTo(@AncestorInPath Item item, @QueryParameter String value) {
            return EssayForms.checkSlot(item, value, false);
        }

        @POST
        public FormValidation doCheckConfig(@AncestorInPath Item item, @QueryParameter String value) {
            return EssayForms.checkConfig(item, value);
        }
    }
}
