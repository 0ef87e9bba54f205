package io.jenkins.plugins.essay;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.TaskListener;
import io.jenkins.plugins.essay.plain.Outcome;
import io.jenkins.plugins.essay.plain.PackageConfig;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * The freestyle build step "essay: package": the same operation, fields, checks and form as {@code essayPackage}
 * ({@link PackageConfig}, {@link EssayPackageStep}); its own help page says what differs. The version it uploaded is
 * {@code ${ESSAY_VERSION}} for the build steps after it (see {@link ReleaseRecord#VERSION_VARIABLE}), so a
 * push-button job can package, deploy {@code ${ESSAY_VERSION}} and switch. Every field expands {@code ${PARAM}}.
 */
public class EssayPackageBuilder extends EssayBuilder implements ConfigFields.Packaging {
    /** Saved in the job's config.xml as {@code <pack>...</pack>}. */
    private PackageConfig pack = new PackageConfig();

    // How version 0.1 saved the build step: flat fields, read once by XStream2 (which reads transient fields and never
    // writes them) and moved into `pack` by readResolve; see EssayDeployBuilder.
    private transient String branch;
    private transient String commit;
    private transient boolean here;
    private transient String version;
    private transient String suffix;
    private transient String indexCredentialsId;
    private transient String config;

    @DataBoundConstructor
    public EssayPackageBuilder() {
    }

    protected Object readResolve() {
        if (pack == null) {
            pack = new PackageConfig();
            setBranch(branch);
            setCommit(commit);
            setHere(here);
            setVersion(version);
            setSuffix(suffix);
            setIndexCredentialsId(indexCredentialsId);
            setConfig(config);
        }
        return this;
    }

    // The setters of the form, saved jobs and step(...) (getters: ConfigFields.Packaging; setters must be declared here).
    @DataBoundSetter public void setBranch(String branch) { pack.setBranch(branch); }
    @DataBoundSetter public void setCommit(String commit) { pack.setCommit(commit); }
    @DataBoundSetter public void setHere(boolean here) { pack.setHere(here); }
    @DataBoundSetter public void setVersion(String version) { pack.setVersion(version); }
    @DataBoundSetter public void setSuffix(String suffix) { pack.setSuffix(suffix); }
    @DataBoundSetter public void setIndexCredentialsId(String id) { pack.setIndexCredentialsId(id); }
    @DataBoundSetter public void setConfig(String config) { pack.setConfig(config); }

    @Override
    public @NonNull PackageConfig configuration() {
        return pack;
    }

    @Override
    void performed(Outcome outcome, TaskListener listener) {
        announceVersion(outcome, listener);
    }

    /** Says in the log that the version packaged (or released) is {@code ${ESSAY_VERSION}} from now on. */
    static void announceVersion(Outcome outcome, TaskListener listener) {
        listener.getLogger().println("[essay] " + ReleaseRecord.VERSION_VARIABLE + "=" + outcome.subject().version()
                + " for the build steps that follow");
    }

    @Extension
    @Symbol("essayPackageBuilder")
    public static class DescriptorImpl extends EssayBuilderDescriptor implements FormChecks.Packaging {
        public DescriptorImpl() {
            super(EssayPackageStep.class);
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return PackageConfig.TITLE;
        }
    }
}
