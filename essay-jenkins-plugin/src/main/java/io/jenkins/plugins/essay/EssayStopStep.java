package io.jenkins.plugins.essay;

import hudson.Extension;
import io.jenkins.plugins.essay.plain.SlotCommandConfig;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * {@code essayStop(slot: 'b', credentialsId: 'deploy-key')}: {@code essay stop} of a slot that is not live (refused on the
 * live slot unless {@code force: true}). See {@link EssaySlotStep}.
 */
public class EssayStopStep extends EssaySlotStep {
    @DataBoundConstructor
    public EssayStopStep() {
        super(SlotCommandConfig.Command.STOP);
    }

    @Extension
    @Symbol("essayStop")
    public static class DescriptorImpl extends SlotStepDescriptor {
        public DescriptorImpl() {
            super(SlotCommandConfig.Command.STOP);
        }
    }
}
