package io.jenkins.plugins.essay;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Action;
import hudson.model.Api;
import hudson.model.Cause;
import hudson.model.CauseAction;
import hudson.model.Item;
import hudson.model.Job;
import hudson.model.Project;
import hudson.model.Queue;
import hudson.model.Run;
import hudson.tasks.Builder;
import io.jenkins.plugins.essay.plain.Outcome;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import jenkins.model.ParameterizedJobMixIn;
import jenkins.model.TransientActionFactory;
import org.kohsuke.stapler.HttpResponse;
import org.kohsuke.stapler.HttpResponses;
import org.kohsuke.stapler.interceptor.RequirePOST;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/**
 * The job's Releases page: the router's ledger (one ledger, whoever released: Jenkins builds of any job and
 * {@code essay} on a command line), as the job's newest build that reached the fleet read it ({@link LedgerSnapshot}),
 * newest first, each entry linked to the build that made it, with the live slot and version per role at the top and a
 * filter by outcome ({@code ?outcome=failed}). Before any build has read the ledger, it shows the job's own builds'
 * records ({@link ReleaseRecord}) instead. The rollback control schedules the job's rollback job
 * ({@link EssayJobProperty}) on a POST. Rendered by {@code index.jelly}.
 *
 * <p>REST API: the job's {@code api/json} shows the release that last put a slot live ({@code live}); the page's own
 * {@code essay-releases/api/json} lists the ledger entries ({@code ledger}) and the builds' records
 * ({@code releases}), so that a job's API call does not read its builds' records.
 */
@ExportedBean
public final class ReleasesPage implements Action {
    /** Builds looked at for the page; older releases stay on their builds. */
    static final int MAX_BUILDS = Integer.getInteger(ReleasesPage.class.getName() + ".maxBuilds", 200);
    /** Builds looked back through for the newest ledger snapshot. */
    static final int MAX_SNAPSHOT_BUILDS = Integer.getInteger(ReleasesPage.class.getName() + ".maxSnapshotBuilds", 50);

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

    /**
     * The ledger as the newest build that read it has it (looking back at most {@code MAX_SNAPSHOT_BUILDS} builds);
     * null when none did.
     */
    public @CheckForNull LedgerSnapshot getSnapshot() {
        Run<?, ?> run = job.getLastBuild();
        for (int i = 0; run != null && i < MAX_SNAPSHOT_BUILDS; i++, run = run.getPreviousBuild()) {
            LedgerSnapshot snapshot = run.getAction(LedgerSnapshot.class);
            if (snapshot != null) {
                return snapshot;
            }
        }
        return null;
    }

    /** The ledger's entries, newest first: the page's API ({@code ledger}); empty before any build read it. */
    @Exported(name = "ledger")
    public @NonNull List<LedgerEntryView> getAllLedgerEntries() {
        return getLedger(null);
    }

    /** The ledger's entries newest first, only those with the given outcome unless it is null or unknown. */
    public @NonNull List<LedgerEntryView> getLedger(@CheckForNull String outcome) {
        LedgerSnapshot snapshot = getSnapshot();
        return snapshot == null ? List.of() : LedgerEntryView.of(snapshot.getLedger().entries(outcome));
    }

    /** Per role, the ledger's newest entry that put a slot live: the live slot and version of each role. */
    public @NonNull List<LedgerEntryView> getLiveByRole() {
        LedgerSnapshot snapshot = getSnapshot();
        return snapshot == null ? List.of() : LedgerEntryView.of(snapshot.getLedger().getLive());
    }

    /** The job that rolls this project back, from {@link EssayJobProperty}, when it exists. */
    public @CheckForNull Job<?, ?> getRollbackJob() {
        EssayJobProperty property = job.getProperty(EssayJobProperty.class);
        return property == null ? null : property.findRollbackJob(job);
    }

    /**
     * The rollback control: schedules the rollback job, as its own "Build Now" would (its parameters' defaults), for a
     * user allowed to build it; only on a POST (the page's form sends the crumb), so a link or a crawler triggers
     * nothing.
     */
    @RequirePOST
    public HttpResponse doRollback() {
        Job<?, ?> rollback = getRollbackJob();
        if (rollback == null) {
            return HttpResponses.error(404, "No rollback job: name one in the job's configuration (Releases with essay).");
        }
        rollback.checkPermission(Item.BUILD);
        Queue.Item item = ParameterizedJobMixIn.scheduleBuild2(rollback, 0, new CauseAction(new Cause.UserIdCause()));
        if (item == null) {
            return HttpResponses.error(409, rollback.getFullDisplayName() + " cannot be built now (disabled, or refused"
                    + " by the queue).");
        }
        return HttpResponses.redirectToDot();
    }

    /**
     * Adds the Releases page to jobs that release with essay. It costs nothing when Jenkins asks for other action types
     * ({@link #actionType()}), and the check reads the job's property, its build steps and its last build's actions
     * (while that build runs, the last completed one's too) only: never a walk over builds.
     */
    @Extension
    @SuppressWarnings("rawtypes")
    public static final class Factory extends TransientActionFactory<Job> {
        @Override
        public Class<Job> type() {
            return Job.class;
        }

        @Override
        public Class<ReleasesPage> actionType() {
            return ReleasesPage.class;
        }

        @NonNull
        @Override
        public Collection<? extends Action> createFor(@NonNull Job target) {
            Job<?, ?> job = target;
            return releasesWithEssay(job) ? Set.of(new ReleasesPage(job)) : Set.of();
        }

        static boolean releasesWithEssay(Job<?, ?> job) {
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
            // the last build, and while it runs the last completed one (a running build has not recorded yet)
            Run<?, ?> last = job.getLastBuild();
            if (ranEssay(last)) {
                return true;
            }
            return last != null && last.isBuilding() && ranEssay(job.getLastCompletedBuild());
        }

        private static boolean ranEssay(@CheckForNull Run<?, ?> run) {
            return run != null
                    && (run.getAction(ReleaseRecord.class) != null || run.getAction(LedgerSnapshot.class) != null);
        }
    }
}
