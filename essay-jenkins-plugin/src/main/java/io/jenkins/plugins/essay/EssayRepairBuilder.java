package io.jenkins.plugins.essay;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import io.jenkins.plugins.essay.plain.RepairConfig;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * The freestyle build step "essay: repair drifted hosts of the live slot": the same operation, fields, checks, form
 * and help as {@code essayRepair} ({@link RepairConfig}, {@link EssayRepairStep}), for a job with a "Build
 * periodically" trigger. Every text field expands {@code ${PARAM}} from the build's environment. A host that could not
 * be repaired fails the build.
 */
public class EssayRepairBuilder extends EssayBuilder implements ConfigFields.Repair {
    /** Saved in the job's config.xml as {@code <repair>...</repair>}. */
    private final RepairConfig repair = new RepairConfig();

    @DataBoundConstructor
    public EssayRepairBuilder() {
    }

    // The setters of the form, saved jobs and step(...) (getters: ConfigFields.Repair; setters must be declared here).
    @DataBoundSetter public void setCredentialsId(String credentialsId) { repair.setCredentialsId(credentialsId); }
    @DataBoundSetter public void setRole(String role) { repair.setRole(role); }
    @DataBoundSetter public void setBatch(int batch) { repair.setBatch(batch); }
    @DataBoundSetter public void setConfig(String config) { repair.setConfig(config); }

    @Override
    public @NonNull RepairConfig configuration() {
        return repair;
    }

    @Extension
    @Symbol("essayRepairBuilder")
    public static class DescriptorImpl extends EssayBuilderDescriptor implements FormChecks.Repair {
        public DescriptorImpl() {
            super(EssayRepairStep.class);
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return RepairConfig.TITLE;
        }
    }
}
