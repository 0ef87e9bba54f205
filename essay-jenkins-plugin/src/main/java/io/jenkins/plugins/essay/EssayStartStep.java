package io.jenkins.plugins.essay;

import hudson.Extension;
import io.jenkins.plugins.essay.plain.SlotCommandConfig;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * {@code essayStart(slot: 'b', credentialsId: 'deploy-key')}: {@code essay start} of a slot that is not live (refused on the
 * live slot unless {@code force: true}). See {@link EssaySlotStep}.
 */
public class EssayStartStep extends EssaySlotStep {
    @DataBoundConstructor
    public EssayStartStep() {
        super(SlotCommandConfig.Command.START);
    }

    @Extension
    @Symbol("essayStart")
    public static class DescriptorImpl extends SlotStepDescriptor {
        public DescriptorImpl() {
            super(SlotCommandConfig.Command.START);
        }
    }
}
