package io.jenkins.plugins.essay;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import io.jenkins.plugins.essay.plain.Outcome;
import io.jenkins.plugins.essay.plain.RepairConfig;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code essayRepair(credentialsId: 'deploy-key')}: {@code essay repair} on the agent running the build, for a
 * scheduled job: the hosts whose live slot drifted (missing, stopped, unhealthy, another version than the ledger's live
 * version) get the live version reinstalled, {@code batch} hosts at a time, each batch healthy before the next; hosts
 * in sync and the router are not touched. Returns a map host → {@code [result:, duration: (milliseconds), detail:,
 * error:]} ({@code unchanged}: in sync; {@code ok}: repaired; {@code failed}; {@code skipped}: not attempted); fails the
 * build when a host could not be repaired. The fields and their rules are {@link RepairConfig}'s, shared with
 * {@link EssayRepairBuilder}.
 */
public class EssayRepairStep extends EssayStep implements ConfigFields.Repair {
    private final RepairConfig repair = new RepairConfig();

    @DataBoundConstructor
    public EssayRepairStep() {
    }

    // The setters of the Pipeline arguments and the Snippet Generator (getters: ConfigFields.Repair).
    @DataBoundSetter public void setCredentialsId(String credentialsId) { repair.setCredentialsId(credentialsId); }
    @DataBoundSetter public void setRole(String role) { repair.setRole(role); }
    @DataBoundSetter public void setBatch(int batch) { repair.setBatch(batch); }
    @DataBoundSetter public void setConfig(String config) { repair.setConfig(config); }

    @Override
    public @NonNull RepairConfig configuration() {
        return repair;
    }

    /** The per-host map. */
    @Override
    Object value(Outcome outcome) {
        return outcome.hostMap();
    }

    @Extension
    @Symbol("essayRepair")
    public static class DescriptorImpl extends EssayStepDescriptor implements FormChecks.Repair {
        @Override
        public String getFunctionName() {
            return "essayRepair";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return RepairConfig.TITLE;
        }
    }
}
