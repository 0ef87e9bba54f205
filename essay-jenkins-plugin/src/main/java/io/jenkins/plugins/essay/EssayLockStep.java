package io.jenkins.plugins.essay;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.essay.plain.LockConfig;
import java.util.List;
import java.util.Set;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code essayLock(credentialsId: 'deploy-key') { parallel(...); essaySwitch(...) }}: takes the release lock once and
 * holds it for the steps in its block, on whichever agents they run: {@code essayDeploy(shard: [i, n])} in parallel
 * branches deploy their part of the fleet under it, and the switch after them runs once. The shards' deploys are
 * recorded as one ledger entry with every host. The block's end, however it ends (success, failure, abort), records
 * them and releases the lock; the log then lists what each step under the lock came to. The fields and their rules are
 * {@link LockConfig}'s.
 */
public class EssayLockStep extends Step implements ConfigFields.Config<LockConfig> {
    private final LockConfig lock = new LockConfig();

    @DataBoundConstructor
    public EssayLockStep() {
    }

    // The setters of the Pipeline arguments and the Snippet Generator.
    @DataBoundSetter public void setCredentialsId(String credentialsId) { lock.setCredentialsId(credentialsId); }
    @DataBoundSetter public void setConfig(String config) { lock.setConfig(config); }
    @DataBoundSetter public void setNote(String note) { lock.setNote(note); }

    public String getCredentialsId() {
        return lock.getCredentialsId();
    }

    public String getNote() {
        return lock.getNote();
    }

    @Override
    public @NonNull LockConfig configuration() {
        return lock;
    }

    @Override
    public StepExecution start(StepContext context) {
        return new EssayLockExecution(context, lock);
    }

    @Extension
    @Symbol("essayLock")
    public static class DescriptorImpl extends StepDescriptor implements FormChecks.Fleet {
        /** The SSH key's and essay.yaml's help is the other steps' (under {@link EssayStep}). */
        public DescriptorImpl() {
            for (String field : List.of("credentialsId", "config")) {
                addHelpFileRedirect(field, EssayStep.class, field);
            }
        }

        @Override
        public String getFunctionName() {
            return "essayLock";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return LockConfig.TITLE;
        }

        @Override
        public boolean takesImplicitBlockArgument() {
            return true;
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class, FilePath.class, EnvVars.class);
        }
    }
}
