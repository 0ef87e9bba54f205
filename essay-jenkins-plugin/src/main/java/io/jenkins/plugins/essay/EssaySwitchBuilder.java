package io.jenkins.plugins.essay;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import io.jenkins.plugins.essay.plain.SwitchConfig;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * The freestyle build step "essay: switch / roll back": the same operation, fields, checks, form and help as
 * {@code essaySwitch} ({@link SwitchConfig}, {@link EssaySwitchStep}). With "Roll back" checked, a one-button
 * rollback job. Every field expands {@code ${PARAM}}.
 */
public class EssaySwitchBuilder extends EssayBuilder implements ConfigFields.Switch {
    /** Saved in the job's config.xml as {@code <switchTo>...</switchTo>}. */
    private SwitchConfig switchTo = new SwitchConfig();

    // How version 0.1 saved the build step: flat fields, read once by XStream2 (which reads transient fields and never
    // writes them) and moved into `switchTo` by readResolve; see EssayDeployBuilder.
    private transient String to;
    private transient boolean rollback;
    private transient String credentialsId;
    private transient String config;
    private transient boolean force;

    @DataBoundConstructor
    public EssaySwitchBuilder() {
    }

    protected Object readResolve() {
        if (switchTo == null) {
            switchTo = new SwitchConfig();
            setTo(to);
            setRollback(rollback);
            setCredentialsId(credentialsId);
            setConfig(config);
            setForce(force);
        }
        return this;
    }

    // The setters of the form, saved jobs and step(...) (getters: ConfigFields.Switch; setters must be declared here).
    @DataBoundSetter public void setTo(String to) { switchTo.setTo(to); }
    @DataBoundSetter public void setRollback(boolean rollback) { switchTo.setRollback(rollback); }
    @DataBoundSetter public void setCredentialsId(String credentialsId) { switchTo.setCredentialsId(credentialsId); }
    @DataBoundSetter public void setConfig(String config) { switchTo.setConfig(config); }
    @DataBoundSetter public void setForce(boolean force) { switchTo.setForce(force); }

    @Override
    public @NonNull SwitchConfig configuration() {
        return switchTo;
    }

    @Extension
    @Symbol("essaySwitchBuilder")
    public static class DescriptorImpl extends EssayBuilderDescriptor implements FormChecks.Switch {
        public DescriptorImpl() {
            super(EssaySwitchStep.class);
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return SwitchConfig.TITLE;
        }
    }
}
