package io.jenkins.plugins.essay;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.Util;
import hudson.model.Item;
import hudson.model.Job;
import hudson.util.FormValidation;
import jenkins.model.Jenkins;
import jenkins.model.OptionalJobProperty;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * Marks a job as releasing with essay and names the job that rolls it back, so the job's Releases page
 * always shows and links to it. In a Jenkinsfile:
 * {@code properties([essayReleases(rollbackJob: 'shop-rollback')])}.
 */
public class EssayJobProperty extends OptionalJobProperty<Job<?, ?>> {
    private final String rollbackJob;

    @DataBoundConstructor
    public EssayJobProperty(String rollbackJob) {
        this.rollbackJob = Util.fixEmptyAndTrim(rollbackJob);
    }

    /** Full name of the job that rolls this project back (a job with essaySwitch(rollback: true)), or null. */
    public @CheckForNull String getRollbackJob() {
        return rollbackJob;
    }

    /** The rollback job, when it exists and the current user can see it. */
    public @CheckForNull Job<?, ?> findRollbackJob(@CheckForNull Job<?, ?> from) {
        if (rollbackJob == null) {
            return null;
        }
        return Jenkins.get().getItem(rollbackJob, from == null ? Jenkins.get() : from.getParent(), Job.class);
    }

    @Extension
    @Symbol("essayReleases")
    public static class DescriptorImpl extends OptionalJobPropertyDescriptor {
        @NonNull
        @Override
        public String getDisplayName() {
            return "Releases with essay (Releases page, rollback job)";
        }

        @POST
        public FormValidation doCheckRollbackJob(@AncestorInPath Item item, @QueryParameter String value) {
            if (item == null || !item.hasPermission(Item.CONFIGURE)) {
                return FormValidation.ok();
            }
            String name = Util.fixEmptyAndTrim(value);
            if (name == null) {
                return FormValidation.ok();
            }
            Job<?, ?> job = Jenkins.get().getItem(name, item.getParent(), Job.class);
            return job == null
                    ? FormValidation.error("No job '" + name + "' (use its full name, or a path relative to this folder).")
                    : FormValidation.ok();
        }
    }
}
