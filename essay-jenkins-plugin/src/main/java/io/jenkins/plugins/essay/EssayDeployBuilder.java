package io.jenkins.plugins.essay;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import io.jenkins.plugins.essay.plain.DeployConfig;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * The freestyle build step "essay: deploy": the same operation, fields, checks, form and help as {@code essayDeploy}
 * ({@link DeployConfig}, {@link EssayDeployStep}), for push-button ("Build with Parameters": version, slot) and
 * scheduled jobs. Every field expands {@code ${PARAM}} from the build's environment. A failed host fails the build.
 */
public class EssayDeployBuilder extends EssayBuilder implements ConfigFields.Deploy {
    /** Saved in the job's config.xml as {@code <deploy>...</deploy>}. */
    private DeployConfig deploy;

    // How version 0.1 saved the build step: flat fields. XStream2 reads transient fields (it never writes them), so a
    // job saved then still loads, and readResolve moves the values into `deploy`; the next save writes the new form.
    // Reading them this way keeps one set of fields and rules (DeployConfig) instead of a second flat copy here.
    private transient String version;
    private transient String slot;
    private transient String role;
    private transient String profile;
    private transient String credentialsId;
    private transient String config;
    private transient boolean force;

    @DataBoundConstructor
    public EssayDeployBuilder(String version, String slot) {
        deploy = new DeployConfig(version, slot);
    }

    protected Object readResolve() {
        if (deploy == null) {
            deploy = new DeployConfig(version, slot);
            setRole(role);
            setProfile(profile);
            setCredentialsId(credentialsId);
            setConfig(config);
            setForce(force);
        }
        return this;
    }

    // The setters of the form, saved jobs and step(...) (getters: ConfigFields.Deploy; setters must be declared here).
    @DataBoundSetter public void setRole(String role) { deploy.setRole(role); }
    @DataBoundSetter public void setProfile(String profile) { deploy.setProfile(profile); }
    @DataBoundSetter public void setCredentialsId(String credentialsId) { deploy.setCredentialsId(credentialsId); }
    @DataBoundSetter public void setConfig(String config) { deploy.setConfig(config); }
    @DataBoundSetter public void setForce(boolean force) { deploy.setForce(force); }

    @Override
    public @NonNull DeployConfig configuration() {
        return deploy;
    }

    @Extension
    @Symbol("essayDeployBuilder")
    public static class DescriptorImpl extends EssayBuilderDescriptor implements FormChecks.Deploy {
        public DescriptorImpl() {
            super(EssayDeployStep.class);
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return DeployConfig.TITLE;
        }
    }
}
