package io.jenkins.plugins.essay;

import hudson.Extension;
import io.jenkins.plugins.essay.plain.SlotCommandConfig;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code essayRestart(credentialsId: 'deploy-key')}: a rolling restart of a slot (the live one by default), {@code batch}
 * hosts at a time, each batch healthy before the next; on the live slot no batch takes every host of the role (unless
 * {@code force: true}), and it waits {@code pause} seconds between batches. See {@link EssaySlotStep}.
 */
public class EssayRestartStep extends EssaySlotStep {
    @DataBoundConstructor
    public EssayRestartStep() {
        super(SlotCommandConfig.Command.RESTART);
    }

    @DataBoundSetter public void setBatch(int batch) { configuration().setBatch(batch); }
    @DataBoundSetter public void setPause(Integer pause) { configuration().setPause(pause); }

    public int getBatch() {
        return configuration().getBatch();
    }

    public Integer getPause() {
        return configuration().getPause();
    }

    @Extension
    @Symbol("essayRestart")
    public static class DescriptorImpl extends SlotStepDescriptor {
        public DescriptorImpl() {
            super(SlotCommandConfig.Command.RESTART);
        }
    }
}
