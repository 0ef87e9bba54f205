package io.jenkins.plugins.essay;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Action;
import hudson.model.Api;
import hudson.model.Job;
import hudson.model.Project;
import hudson.model.Run;
import hudson.tasks.Builder;
import io.jenkins.plugins.essay.plain.Outcome;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import jenkins.model.TransientActionFactory;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/**
 * The job's Releases page: every release, package, deploy, switch and rollback its builds ran, newest first, with
 * links to the builds, the slot and version the job last put live, and a filter by outcome
 * ({@code ?outcome=failed}). Rendered by {@code index.jelly}.
 *
 * <p>REST API: the job's {@code api/json} shows the release that last put a slot live ({@code live}); the page's own
 * {@code essay-releases/api/json} lists the releases too ({@code releases}), so that a job's API call does not read
 * its builds' records.
 */
@ExportedBean
public final class ReleasesPage implements Action {
    /** Builds looked at for the page; older releases stay on their builds. */
    static final int MAX_BUILDS = Integer.getInteger(ReleasesPage.class.getName() + ".maxBuilds", 200);

    private final Job<?, ?> job;

    ReleasesPage(@NonNull Job<?, ?> job) {
        this.job = job;
    }

    public @NonNull Job<?, ?> getJob() {
        return job;
    }

    @Override
    public String getIconFileName() {
        return "symbol-swap";
    }

    @Override
    public String getDisplayName() {
        return "Releases";
    }

    @Override
    public String getUrlName() {
        return "essay-releases";
    }

    /** {@code essay-releases/api/json}, {@code api/xml}. */
    public @NonNull Api getApi() {
        return new Api(this);
    }

    /** Every release of the last builds (at most {@code MAX_BUILDS}), newest first: the page's API. */
    @Exported(name = "releases")
    public @NonNull List<ReleaseRecord> getAllReleases() {
        return getReleases(null);
    }

    /** The outcomes the page filters by, in display order. */
    public @NonNull List<String> getOutcomes() {
        return Outcome.RESULTS;
    }

    /** Only known outcomes filter; anything else (or nothing) shows all. */
    public @CheckForNull String normalizeOutcome(@CheckForNull String outcome) {
        return Outcome.knownResult(outcome);
    }

    /** Releases newest first, only those with the given outcome unless it is null or unknown. */
    public @NonNull List<ReleaseRecord> getReleases(@CheckForNull String outcome) {
        String filter = normalizeOutcome(outcome);
        List<ReleaseRecord> releases = new ArrayList<>();
        int seen = 0;
        for (Run<?, ?> run : job.getBuilds()) {
            if (++seen > MAX_BUILDS) {
                break;
            }
            List<ReleaseRecord> ofRun = new ArrayList<>(run.getActions(ReleaseRecord.class));
            Collections.reverse(ofRun); // a build's later release first
            for (ReleaseRecord r : ofRun) {
                if (filter == null || filter.equals(r.getResult())) {
                    releases.add(r);
                }
            }
        }
        return releases;
    }

    /** The newest switch or rollback that put a slot live: the live slot and version as this job last set them. */
    @Exported(visibility = 2)
    public @CheckForNull ReleaseRecord getLive() {
        for (ReleaseRecord r : getReleases(null)) {
            if (r.isLiveChange()) {
                return r;
            }
        }
        return null;
    }

    /** The live slot as a sentence, for the page. */
    public @NonNull String getLiveText() {
        ReleaseRecord live = getLive();
        if (live == null) {
            return "No switch by this job has put a slot live yet.";
        }
        return live.subject().liveText(live.getUser());
    }

    /** The job that rolls this project back, from {@link EssayJobProperty}, when it exists. */
    public @CheckForNull Job<?, ?> getRollbackJob() {
        EssayJobProperty property = job.getProperty(EssayJobProperty.class);
        return property == null ? null : property.findRollbackJob(job);
    }

    /** Adds the Releases page to jobs that release with essay. */
    @Extension
    @SuppressWarnings("rawtypes")
    public static final class Factory extends TransientActionFactory<Job> {
        /** Recent builds checked for releases when nothing else marks the job. */
        private static final int RECENT_BUILDS = 10;

        @Override
        public Class<Job> type() {
            return Job.class;
        }

        @NonNull
        @Override
        public Collection<? extends Action> createFor(@NonNull Job target) {
            Job<?, ?> job = target;
            return releasesWithEssay(job) ? Set.of(new ReleasesPage(job)) : Set.of();
        }

        private static boolean releasesWithEssay(Job<?, ?> job) {
            if (job.getProperty(EssayJobProperty.class) != null) {
                return true;
            }
            if (job instanceof Project<?, ?> project) {
                for (Builder b : project.getBuilders()) {
                    if (b instanceof EssayBuilder) {
                        return true;
                    }
                }
            }
            Run<?, ?> run = job.getLastBuild();
            for (int i = 0; run != null && i < RECENT_BUILDS; i++, run = run.getPreviousBuild()) {
                if (run.getAction(ReleaseRecord.class) != null) {
                    return true;
                }
            }
            return false;
        }
    }
}
