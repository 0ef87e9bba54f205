package io.jenkins.plugins.essay;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.essay.plain.EssayConfig;
import io.jenkins.plugins.essay.plain.HeldLock;
import io.jenkins.plugins.essay.plain.Outcome;
import java.util.Set;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;

/**
 * An essay Pipeline step: it binds the fields of its configuration ({@link #configuration()}) for Pipeline scripts
 * and the Snippet Generator, and runs it off the CPS VM thread ({@link EssayStepExecution}). The help of the fields
 * deploy and switch share ({@code credentialsId}, {@code config}) is this class's, found through the class hierarchy
 * by {@code Descriptor.getHelpFile} and by the Pipeline syntax reference; a subclass's own file of the same name
 * wins.
 */
public abstract class EssayStep extends Step {
    /** What the step is configured with; a Pipeline script has expanded its {@code ${...}} already. */
    abstract EssayConfig<?> configuration();

    /** The step's value in the Pipeline script, from the outcome of a call that succeeded (or why the step fails). */
    abstract Object value(Outcome outcome) throws AbortException;

    @Override
    public StepExecution start(StepContext context) {
        return new EssayStepExecution(context, this);
    }

    /** Runs on a pool thread, under the lock of an enclosing {@code essayLock} block if any; its value is the step's. */
    final Object run(Run<?, ?> run, FilePath workspace, EnvVars env, TaskListener listener, HeldLock held)
            throws Exception {
        return value(EssayRunner.run(run, workspace, env, listener, configuration(), held));
    }

    /** Every essay step needs a workspace on a node, with the build's environment and log. */
    public abstract static class EssayStepDescriptor extends StepDescriptor {
        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class, FilePath.class, EnvVars.class);
        }
    }
}
