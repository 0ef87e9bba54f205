package io.jenkins.plugins.essay;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import io.jenkins.plugins.essay.plain.Outcome;
import io.jenkins.plugins.essay.plain.StatusConfig;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code def status = essayStatus(credentialsId: 'deploy-key')}: what the routers and the hosts of a role show now,
 * on the agent running the build. Returns the document {@code essay status --json} prints (a map: {@code live},
 * {@code degraded}, {@code degraded_reasons}, {@code routers}, {@code hosts}; see docs/cli.md) and writes a short
 * summary to the log. Read-only: no lock, no ledger entry, no release recorded on the build. A degraded fleet fails
 * the step only with {@code failIfDegraded: true}. The fields and their rules are {@link StatusConfig}'s. There is no
 * freestyle build step: a freestyle job cannot use the map.
 */
public class EssayStatusStep extends EssayStep implements ConfigFields.Status {
    private final StatusConfig status = new StatusConfig();

    @DataBoundConstructor
    public EssayStatusStep() {
    }

    // The setters of the Pipeline arguments and the Snippet Generator (getters: ConfigFields.Status).
    @DataBoundSetter public void setCredentialsId(String credentialsId) { status.setCredentialsId(credentialsId); }
    @DataBoundSetter public void setRole(String role) { status.setRole(role); }
    @DataBoundSetter public void setFailIfDegraded(boolean failIfDegraded) { status.setFailIfDegraded(failIfDegraded); }
    @DataBoundSetter public void setConfig(String config) { status.setConfig(config); }

    @Override
    public @NonNull StatusConfig configuration() {
        return status;
    }

    /** The status document; the step fails instead when asked to and the fleet is degraded. */
    @Override
    Object value(Outcome outcome) throws AbortException {
        String failure = status.failure(outcome.status());
        if (failure != null) {
            throw new AbortException(failure);
        }
        return outcome.status();
    }

    @Extension
    @Symbol("essayStatus")
    public static class DescriptorImpl extends EssayStepDescriptor implements FormChecks.Status {
        @Override
        public String getFunctionName() {
            return "essayStatus";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return StatusConfig.TITLE;
        }
    }
}
