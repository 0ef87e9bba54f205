package io.jenkins.plugins.essay;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import io.jenkins.plugins.essay.plain.Outcome;
import io.jenkins.plugins.essay.plain.SwitchConfig;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code essaySwitch(to: 'b', credentialsId: 'deploy-key')} puts a slot live through the router(s), after
 * checking its health on every host and proving traffic reaches it; {@code essaySwitch(rollback: true)}
 * puts the previous slot back. Returns the slot now live; fails the build when the switch is refused or
 * fails (the previous slot then stays, or is put back, live). The fields and their rules are {@link SwitchConfig}'s,
 * shared with {@link EssaySwitchBuilder}.
 */
public class EssaySwitchStep extends EssayStep implements ConfigFields.Switch {
    private final SwitchConfig switchTo = new SwitchConfig();

    @DataBoundConstructor
    public EssaySwitchStep() {
    }

    // The setters of the Pipeline arguments, the form and the Snippet Generator (getters: ConfigFields.Switch).
    @DataBoundSetter public void setTo(String to) { switchTo.setTo(to); }
    @DataBoundSetter public void setRollback(boolean rollback) { switchTo.setRollback(rollback); }
    @DataBoundSetter public void setCredentialsId(String credentialsId) { switchTo.setCredentialsId(credentialsId); }
    @DataBoundSetter public void setConfig(String config) { switchTo.setConfig(config); }
    @DataBoundSetter public void setForce(boolean force) { switchTo.setForce(force); }

    @Override
    public @NonNull SwitchConfig configuration() {
        return switchTo;
    }

    /** The slot now live. */
    @Override
    Object value(Outcome outcome) {
        return outcome.subject().to();
    }

    @Extension
    @Symbol("essaySwitch")
    public static class DescriptorImpl extends EssayStepDescriptor implements FormChecks.Switch {
        @Override
        public String getFunctionName() {
            return "essaySwitch";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return SwitchConfig.TITLE;
        }
    }
}
