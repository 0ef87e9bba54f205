package io.jenkins.plugins.essay;

import edu.umd.cs.findbugs.annotations.NonNull;
import io.jenkins.plugins.essay.plain.Outcome;
import io.jenkins.plugins.essay.plain.SlotCommandConfig;
import java.util.List;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * The day-2 steps on a slot's processes ({@link EssayRestartStep}, {@link EssayStopStep}, {@link EssayStartStep}), on
 * the agent running the build, under the release lock and in the ledger as the {@code essay} command does. They return
 * a map host → {@code [result:, duration: (milliseconds), detail:, error:]} ({@code skipped}: a restart stopped before
 * it) and fail the build when a host failed or the command was refused (the live slot for stop and start, unless
 * {@code force: true}). The fields and their rules are {@link SlotCommandConfig}'s; the help of the fields they share
 * is this class's, found through the class hierarchy.
 */
public abstract class EssaySlotStep extends EssayStep implements ConfigFields.Fleet<SlotCommandConfig> {
    private final SlotCommandConfig command;

    EssaySlotStep(SlotCommandConfig.Command which) {
        command = new SlotCommandConfig(which);
    }

    // The setters the three steps share (Stapler and structs find them on the class chain).
    @DataBoundSetter public void setSlot(String slot) { command.setSlot(slot); }
    @DataBoundSetter public void setRole(String role) { command.setRole(role); }
    @DataBoundSetter public void setHosts(List<String> hosts) { command.setHosts(hosts); }
    @DataBoundSetter public void setForce(boolean force) { command.setForce(force); }
    @DataBoundSetter public void setCredentialsId(String credentialsId) { command.setCredentialsId(credentialsId); }
    @DataBoundSetter public void setConfig(String config) { command.setConfig(config); }

    public String getSlot() {
        return command.getSlot();
    }

    public String getRole() {
        return command.getRole();
    }

    public List<String> getHosts() {
        return command.getHosts();
    }

    @Override
    public @NonNull SlotCommandConfig configuration() {
        return command;
    }

    /** The per-host map. */
    @Override
    Object value(Outcome outcome) {
        return outcome.hostMap();
    }

    /** The descriptor of a slot step: its function name and title are its command's. */
    abstract static class SlotStepDescriptor extends EssayStepDescriptor implements FormChecks.Fleet {
        private final SlotCommandConfig.Command which;

        SlotStepDescriptor(SlotCommandConfig.Command which) {
            this.which = which;
        }

        @Override
        public String getFunctionName() {
            String action = which.action();
            return "essay" + Character.toUpperCase(action.charAt(0)) + action.substring(1);
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return which.title();
        }
    }
}
