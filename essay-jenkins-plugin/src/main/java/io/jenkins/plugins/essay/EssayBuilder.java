package io.jenkins.plugins.essay;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.AbstractProject;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.tasks.BuildStepDescriptor;
import hudson.tasks.Builder;
import io.jenkins.plugins.essay.plain.EssayConfig;
import io.jenkins.plugins.essay.plain.Outcome;
import java.io.IOException;
import jenkins.model.Jenkins;
import jenkins.tasks.SimpleBuildStep;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.kohsuke.stapler.lang.Klass;

/**
 * An essay freestyle build step: the same operation, fields and checks as its Pipeline step, for push-button ("Build
 * with Parameters") and scheduled jobs. It binds the fields of its configuration ({@link #configuration()}) and
 * expands {@code ${PARAM}} in every field from the build's environment. A failed host fails the build.
 */
public abstract class EssayBuilder extends Builder implements SimpleBuildStep {
    /** What the build step is configured with, before expansion. */
    abstract EssayConfig<?> configuration();

    @Override
    public void perform(@NonNull Run<?, ?> run, @NonNull FilePath workspace, @NonNull EnvVars env,
                        @NonNull Launcher launcher, @NonNull TaskListener listener)
            throws InterruptedException, IOException {
        performed(EssayRunner.run(run, workspace, env, listener, configuration().expand(env::expand)), listener);
    }

    /** After the operation succeeded. */
    void performed(Outcome outcome, TaskListener listener) {
    }

    /**
     * The descriptor of a build step whose form and help are its Pipeline step's: the step's {@code config.jelly}
     * ({@link #getConfigPage()}), and the step's help for every field and page the build step has no file of its own
     * for ({@link #getHelpFile(Klass, String)}). The checks are shared through the form interfaces of
     * {@link FormChecks}, which the step's descriptor implements too.
     */
    public abstract static class EssayBuilderDescriptor extends BuildStepDescriptor<Builder> {
        private final Class<? extends Step> step;

        /** @param step the Pipeline step whose form and help this build step shows */
        protected EssayBuilderDescriptor(Class<? extends Step> step) {
            this.step = step;
        }

        @Override
        public boolean isApplicable(Class<? extends AbstractProject> jobType) {
            return true;
        }

        /** The Pipeline step's form, by its absolute resource path ({@code /io/jenkins/plugins/essay/EssayDeployStep/config.jelly}). */
        @Override
        public String getConfigPage() {
            return getViewPage(step, "config.jelly");
        }

        /** This build step's own help file when it has one ({@code help.html} of a package), else the step's. */
        @Override
        public String getHelpFile(Klass<?> clazz, String fieldName) {
            String own = super.getHelpFile(clazz, fieldName);
            return own != null ? own : Jenkins.get().getDescriptorOrDie(step).getHelpFile(fieldName);
        }
    }
}
