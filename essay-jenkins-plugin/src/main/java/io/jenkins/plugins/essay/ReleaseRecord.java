package io.jenkins.plugins.essay;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.EnvVars;
import hudson.init.InitMilestone;
import hudson.init.Initializer;
import hudson.model.EnvironmentContributingAction;
import hudson.model.Run;
import io.jenkins.plugins.essay.plain.HostResult;
import io.jenkins.plugins.essay.plain.Outcome;
import java.util.Date;
import java.util.List;
import java.util.Map;
import jenkins.model.RunAction2;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/**
 * The build's record of one package, deploy, switch, rollback or release it ran: who and why, what moved where (or
 * what was packaged),
 * and each host's result. Kept in the build's {@code build.xml}; shown on the build page (summary.jelly) and,
 * across builds, on the job's Releases page ({@link ReleasesPage}). A build that deploys and then switches
 * has two.
 *
 * <p>A package or release that succeeded sets {@value #VERSION_VARIABLE} for the rest of the build, so that a later
 * "essay: deploy" build step can take {@code ${ESSAY_VERSION}}; with several, the last one's version.
 *
 * <p>Exported in the build's REST API ({@code api/json}, under {@code actions}) and in the Releases page's, at
 * depth 0: visibility 3, since it is shown nested (job → actions → live → record).
 */
@ExportedBean(defaultVisibility = 3)
public final class ReleaseRecord implements RunAction2, EnvironmentContributingAction {
    /** The environment variable with the version the build last packaged. */
    public static final String VERSION_VARIABLE = "ESSAY_VERSION";
    static final String PACKAGE = "package";
    static final String RELEASE = "release";

    private final String action;
    private final String result;
    private final String version;
    private final String role;
    private final String fromSlot;
    private final String toSlot;
    private final String user;
    private final String cause;
    private final String message;
    private final String suggestion;
    private final List<HostResult> hosts;
    /** What a package was built from ({@code branch main (1a2b3c...)}); null for the other actions. */
    private final String source;
    private final long startedAt;
    private final long finishedAt;

    private transient Run<?, ?> run;

    /**
     * Reads builds recorded under the plugin's earlier class names: their {@code build.xml} names this class
     * {@code io.jenkins.plugins.essay.ReleaseAction}, and a host's result {@code io.jenkins.plugins.essay.HostOutcome}
     * (before it moved to the plain package) or {@code io.jenkins.plugins.essay.plain.HostOutcome}.
     */
    @Initializer(before = InitMilestone.PLUGINS_STARTED)
    public static void addCompatibilityAliases() {
        Run.XSTREAM2.addCompatibilityAlias("io.jenkins.plugins.essay.ReleaseAction", ReleaseRecord.class);
        Run.XSTREAM2.addCompatibilityAlias("io.jenkins.plugins.essay.HostOutcome", HostResult.class);
        Run.XSTREAM2.addCompatibilityAlias("io.jenkins.plugins.essay.plain.HostOutcome", HostResult.class);
    }

    ReleaseRecord(Outcome outcome, String user, String cause, long startedAt, long finishedAt) {
        Outcome.Subject subject = outcome.subject();
        this.action = subject.action();
        this.result = outcome.result();
        this.version = subject.version();
        this.role = subject.role();
        this.fromSlot = subject.from();
        this.toSlot = subject.to();
        this.user = user;
        this.cause = cause;
        this.message = outcome.failure() == null ? null : outcome.failure().message();
        this.suggestion = outcome.failure() == null ? null : outcome.failure().suggestion();
        this.hosts = new java.util.ArrayList<>(outcome.hosts()); // a plain list: XStream writes it to build.xml
        this.source = subject.source();
        this.startedAt = startedAt;
        this.finishedAt = finishedAt;
    }

    @Override
    public void onAttached(Run<?, ?> r) {
        this.run = r;
    }

    @Override
    public void onLoad(Run<?, ?> r) {
        this.run = r;
    }

    /** The build that ran it (null only before it is attached). */
    public @CheckForNull Run<?, ?> getRun() {
        return run;
    }

    /** {@code package}, {@code deploy}, {@code switch}, {@code rollback} or {@code release}. */
    @Exported
    public @NonNull String getAction() {
        return action;
    }

    /** {@code ok}, {@code failed}, {@code refused} or {@code cancelled}. */
    @Exported
    public @NonNull String getResult() {
        return result;
    }

    public boolean isOk() {
        return Outcome.OK.equals(result);
    }

    /** True for a switch or rollback that put a slot live. */
    public boolean isLiveChange() {
        return isOk() && subject().putsLive();
    }

    /** What a package was built from: {@code branch main (1a2b3c...)}, {@code working tree}; null for the others. */
    @Exported
    public @CheckForNull String getSource() {
        return source;
    }

    @Exported
    public @CheckForNull String getVersion() {
        return version;
    }

    @Exported
    public @CheckForNull String getRole() {
        return role;
    }

    /** The slot live before a switch or rollback; null for a deploy or when none was live. */
    @Exported
    public @CheckForNull String getFromSlot() {
        return fromSlot;
    }

    /** The slot deployed into, or put live. */
    @Exported
    public @CheckForNull String getToSlot() {
        return toSlot;
    }

    /** {@code from → to} for switches, {@code into to} for deploys, nothing for packages. */
    public @NonNull String getSlots() {
        return subject().slots();
    }

    /** One line for people: {@code essay deploy 1.5.0 into slot a: failed (alice@jenkins, 12.0s)}. */
    public @NonNull String getSummary() {
        return subject().summary() + ": " + result + " (" + getUser() + ", " + getDuration() + ")";
    }

    /** What it was about, for the texts above (kept as flat fields in build.xml). */
    Outcome.Subject subject() {
        return new Outcome.Subject(action, version, role, fromSlot, toSlot, source, List.of());
    }

    /** Who started it: {@code alice@jenkins}, or {@code jenkins} for timer and SCM builds. */
    @Exported
    public @NonNull String getUser() {
        return user == null ? "jenkins" : user;
    }

    /** The build's causes ("Started by timer"). */
    @Exported
    public @NonNull String getCause() {
        return cause == null ? "" : cause;
    }

    /** What went wrong, when it did not end ok. */
    @Exported
    public @CheckForNull String getMessage() {
        return message;
    }

    @Exported
    public @CheckForNull String getSuggestion() {
        return suggestion;
    }

    public @NonNull List<HostResult> getHosts() {
        return hosts == null ? List.of() : hosts;
    }

    /** Each host's result for the REST API: host → {@code [result:, duration: (milliseconds), detail:, error:]}. */
    @Exported(name = "hosts")
    public @NonNull Map<String, Object> getHostMap() {
        return Outcome.hostMap(getHosts());
    }

    /** How long it took, in milliseconds. */
    @Exported
    public long getDurationMillis() {
        return Math.max(0, finishedAt - startedAt);
    }

    public int getFailedHostCount() {
        return (int) getHosts().stream().filter(h -> !h.isOk()).count();
    }

    public @NonNull Date getStarted() {
        return new Date(startedAt);
    }

    @Exported
    public long getStartedAt() {
        return startedAt;
    }

    public @NonNull String getDuration() {
        return Outcome.seconds(getDurationMillis());
    }

    /** A package or release that succeeded: {@value #VERSION_VARIABLE} for the build steps after it. */
    @Override
    public void buildEnvironment(@NonNull Run<?, ?> r, @NonNull EnvVars env) {
        if ((PACKAGE.equals(action) || RELEASE.equals(action)) && isOk() && version != null) {
            env.put(VERSION_VARIABLE, version);
        }
    }

    /** Not in the side panel: the build page shows it as a summary, the job as its Releases page. */
    @Override
    public String getIconFileName() {
        return null;
    }

    @Override
    public String getDisplayName() {
        return "essay " + action;
    }

    @Override
    public String getUrlName() {
        return null;
    }
}
