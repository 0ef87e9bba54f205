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
 * {@code def version = essayPackage(commit: scmVars.GIT_COMMIT, indexCredentialsId: 'index-upload')}: builds the
 * project's wheel and sdist with a new version (the next date version unless {@code version:} is given) on the
 * agent running the build, and uploads them to the index; returns the version, for {@code essayDeploy}.
 */
public class EssayPackageStep extends Step {
    private String branch;
    private String commit;
    private boolean here;
    private String version;
    private String suffix;
    private String indexCredentialsId;
    private String config = EssayRunner.DEFAULT_CONFIG;

    @DataBoundConstructor
    public EssayPackageStep() {
    }

    public @CheckForNull String getBranch() {
        return branch;
    }

    /** The branch to package; empty for build.branch of essay.yaml. Ignored when a commit is given. */
    @DataBoundSetter
    public void setBranch(String branch) {
        this.branch = Util.fixEmptyAndTrim(branch);
    }

    public @CheckForNull String getCommit() {
        return commit;
    }

    /** The commit (id, tag or other revision) to package; wins over the branch. */
    @DataBoundSetter
    public void setCommit(String commit) {
        this.commit = Util.fixEmptyAndTrim(commit);
    }

    public boolean isHere() {
        return here;
    }

    /** Package the workspace's tree as it is instead of a clean checkout (the CLI's --here). */
    @DataBoundSetter
    public void setHere(boolean here) {
        this.here = here;
    }

    public @CheckForNull String getVersion() {
        return version;
    }

    /** An explicit PEP 440 version; empty for the next date version on the index. */
    @DataBoundSetter
    public void setVersion(String version) {
        this.version = Util.fixEmptyAndTrim(version);
    }

    public @CheckForNull String getSuffix() {
        return suffix;
    }

    /** A local version label: {@code 6.11.28.3+fixbug}. */
    @DataBoundSetter
    public void setSuffix(String suffix) {
        this.suffix = Util.fixEmptyAndTrim(suffix);
    }

    public @CheckForNull String getIndexCredentialsId() {
        return indexCredentialsId;
    }

    /** A "Username with password" credential to upload with; empty for essay.yaml's index login. */
    @DataBoundSetter
    public void setIndexCredentialsId(String indexCredentialsId) {
        this.indexCredentialsId = Util.fixEmptyAndTrim(indexCredentialsId);
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

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(context, this);
    }

    /** Packages off the CPS VM thread; the version uploaded is the step's value. */
    static final class Execution extends EssayStepExecution<String> {
        private static final long serialVersionUID = 1L;

        @SuppressFBWarnings(value = "SE_TRANSIENT_FIELD_NOT_RESTORED", justification = "only used when starting; onResume fails the step")
        private final transient EssayPackageStep step;

        Execution(StepContext context, EssayPackageStep step) {
            super(context);
            this.step = step;
        }

        @Override
        protected String run(Run<?, ?> run, FilePath workspace, EnvVars env, TaskListener listener) throws Exception {
            Operation op = Operation.pack(step.branch, step.commit, step.here, step.version, step.suffix);
            return EssayRunner.pack(run, workspace, env, listener, op, step.indexCredentialsId, step.config).version();
        }
    }

    @Extension
    @Symbol("essayPackage")
    public static class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "essayPackage";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "essay: build a package with a new version and upload it";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class, FilePath.class, EnvVars.class);
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
