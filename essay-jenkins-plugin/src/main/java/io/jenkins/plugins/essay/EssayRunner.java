package io.jenkins.plugins.essay;

import com.cloudbees.jenkins.plugins.sshcredentials.SSHUserPrivateKey;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import dev.essay.core.model.Actor;
import dev.essay.core.pkg.PackageRequest;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.model.Cause;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.slaves.WorkspaceList;
import hudson.util.Secret;
import io.jenkins.plugins.essay.plain.Connection;
import io.jenkins.plugins.essay.plain.EssayConfig;
import io.jenkins.plugins.essay.plain.Outcome;
import io.jenkins.plugins.essay.plain.Requests;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Serializable;
import java.util.List;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;

/**
 * The controller side of every essay step and build step: finds the credential and the configuration,
 * runs the engine on the agent ({@link RemoteEssay}), stops it cleanly when the build is aborted,
 * records a {@link ReleaseRecord} on the build, and turns every failure into an {@link AbortException}
 * (message, detail, hint; no stack trace) so the build fails. A failed host is a failed build, never an
 * unstable one.
 */
final class EssayRunner {
    private static final Logger LOGGER = Logger.getLogger(EssayRunner.class.getName());

    private EssayRunner() {
    }

    /**
     * Runs what {@code config} asks for (already expanded, for a freestyle build) and returns its outcome when it
     * succeeded.
     *
     * @throws AbortException      when it failed, was refused, or the input is wrong
     * @throws InterruptedException when the build was aborted (after remote work stopped and the outcome was recorded)
     */
    static @NonNull Outcome run(@NonNull Run<?, ?> run, @NonNull FilePath workspace, @NonNull EnvVars env,
                                @NonNull TaskListener listener, @NonNull EssayConfig<?> config)
            throws IOException, InterruptedException {
        Serializable request;
        try {
            request = config.request();
        } catch (IllegalArgumentException e) {
            throw new AbortException(e.getMessage());
        }
        long started = System.currentTimeMillis();
        int recorded = run.getActions(ReleaseRecord.class).size();
        try {
            if (request instanceof PackageRequest p) {
                return pack(run, workspace, env, listener, p, config.credentialsId(), config.getConfig());
            }
            return onFleet(run, workspace, env, listener, request, config.credentialsId(), config.getConfig());
        } catch (AbortException e) {
            if (run.getActions(ReleaseRecord.class).size() == recorded) {
                // it failed before essay started (no known hosts, a missing or wrong-type credential, no essay.yaml):
                // the build's record and the Releases page still say what was attempted and why it did not run
                record(run, Outcome.invalid(request, e.getMessage(), null), actor(run), started);
            }
            throw e;
        }
    }

    /** A deploy or switch: on the agent, over SSH with the key of credential {@code credentialsId}. */
    private static Outcome onFleet(Run<?, ?> run, FilePath workspace, EnvVars env, TaskListener listener,
                                   Serializable request, @CheckForNull String credentialsId, String configPath)
            throws IOException, InterruptedException {
        PrintStream log = listener.getLogger();
        EssayGlobalConfiguration global = EssayGlobalConfiguration.get();
        if (global.trustsNothing()) {
            throw new AbortException("essay: no known hosts are configured, so no host of the fleet can be trusted; "
                    + "paste `ssh-keyscan` output for every host and router under Manage Jenkins → System → essay "
                    + "→ Known hosts (or set unclassified.essay.knownHosts with Configuration as Code)");
        }
        SSHUserPrivateKey key = EssayCredentials.sshKey(run, credentialsId);
        FilePath essayYaml = essayYaml(workspace, configPath);
        if (key.getPrivateKeys().size() > 1) {
            log.println("[essay] WARNING: credential '" + credentialsId + "' holds " + key.getPrivateKeys().size()
                    + " keys; essay uses the first");
        }
        Secret passphrase = key.getPassphrase();
        Actor actor = actor(run);
        String id = UUID.randomUUID().toString();
        Connection.SshLogin login = new Connection.SshLogin("Jenkins credential '" + credentialsId + "'",
                key.getPrivateKeys().get(0),
                passphrase == null || passphrase.getPlainText().isEmpty() ? null : passphrase.getPlainText(),
                global.getKnownHosts(), global.isAcceptNewHostKeys());
        RemoteEssay callable = new RemoteEssay(id, request, Connection.fleet(login, actor, env), listener);
        log.println("[essay] " + Requests.describe(request) + " with " + configPath + " as " + actor.user()
                + (workspace.getChannel() == null ? "" : " (on the agent running this build)"));
        if (global.isAcceptNewHostKeys()) {
            log.println("[essay] WARNING: new host keys are accepted without verification (Manage Jenkins → System → essay)");
        }
        return act(run, log, request, essayYaml, id, callable, actor);
    }

    /**
     * Builds and uploads a package on the agent, with the index login of the {@code indexCredentialsId} credential
     * (null: the login essay.yaml describes). The build copy is made in the workspace's {@code @tmp} directory and
     * removed when the package was uploaded (a failed build's copy stays there, for a look).
     */
    private static Outcome pack(Run<?, ?> run, FilePath workspace, EnvVars env, TaskListener listener,
                                PackageRequest given, @CheckForNull String indexCredentialsId, String configPath)
            throws IOException, InterruptedException {
        PrintStream log = listener.getLogger();
        PackageRequest request = Requests.packagingCheckedOut(given, env.get("GIT_COMMIT"));
        if (request != given) {
            log.println("[essay] no branch or commit given: packaging GIT_COMMIT " + request.commit()
                    + ", the commit this build checked out");
        }
        StandardUsernamePasswordCredentials login = indexCredentialsId == null ? null
                : EssayCredentials.indexLogin(run, indexCredentialsId);
        FilePath essayYaml = essayYaml(workspace, configPath);
        Actor actor = actor(run);
        String id = UUID.randomUUID().toString();
        FilePath tmp = WorkspaceList.tempDir(workspace);
        FilePath workRoot = tmp == null ? null : tmp.child("essay-package-" + id);
        Connection connection = Connection.index(login == null ? null
                        : new Connection.IndexLogin(login.getUsername(), login.getPassword().getPlainText()),
                workRoot == null ? null : workRoot.getRemote(), actor, env);
        RemoteEssay callable = new RemoteEssay(id, request, connection, listener);
        log.println("[essay] " + Requests.describe(request) + " with " + configPath + " as " + actor.user()
                + (login == null ? "" : ", uploading as Jenkins credential '" + indexCredentialsId + "'")
                + (workspace.getChannel() == null ? "" : " (on the agent running this build)"));
        Outcome outcome = act(run, log, request, essayYaml, id, callable, actor);
        if (workRoot != null) {
            try {
                workRoot.deleteRecursive();
            } catch (IOException e) {
                log.println("[essay] WARNING: could not remove the build copy " + workRoot.getRemote() + ": " + e);
            }
        }
        return outcome;
    }

    private static FilePath essayYaml(FilePath workspace, String configPath) throws IOException, InterruptedException {
        FilePath essayYaml = workspace.child(configPath);
        if (!essayYaml.exists()) {
            throw new AbortException("essay: " + configPath + " not found in the workspace " + workspace.getRemote()
                    + "; check out the project's repository first (checkout scm) or set config: to its path");
        }
        return essayYaml;
    }

    /** Runs the callable next to essay.yaml; on abort, stops it; records and reports how it ended. */
    private static Outcome act(Run<?, ?> run, PrintStream log, Serializable request, FilePath essayYaml, String id,
                               RemoteEssay callable, Actor actor) throws IOException, InterruptedException {
        long started = System.currentTimeMillis();
        Outcome outcome;
        try {
            outcome = essayYaml.act(callable);
        } catch (InterruptedException e) {
            log.println("[essay] build aborted: stopping remote work and releasing the release lock...");
            Outcome stopped = cancel(essayYaml, id, request, log);
            report(log, stopped);
            record(run, stopped, actor, started);
            throw e;
        }
        if (Thread.interrupted()) {
            // The engine ran in this JVM (the built-in node) and stopped because the build was aborted.
            report(log, outcome);
            record(run, outcome, actor, started);
            throw new InterruptedException("essay " + outcome.action() + " was aborted");
        }
        record(run, outcome, actor, started);
        report(log, outcome);
        if (!outcome.ok()) {
            throw new AbortException(outcome.failureText());
        }
        return outcome;
    }

    /** Asks the agent to stop the operation and waits (bounded) for it to release the lock. */
    private static Outcome cancel(FilePath essayYaml, String id, Serializable request, PrintStream log) {
        try {
            Outcome outcome = essayYaml.act(new RemoteEssay.Cancel(id, request));
            return outcome != null ? outcome
                    : Outcome.cancelledWithoutAnswer(request, "the agent had not started essay yet; nothing was changed");
        } catch (IOException | RuntimeException e) {
            log.println("[essay] could not reach the agent to stop essay: " + e);
            return Outcome.cancelledWithoutAnswer(request, "the agent could not be reached to stop essay");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.cancelledWithoutAnswer(request, "aborted again while essay was stopping");
        }
    }

    /** How it ended, as the log shows it: remote stack traces only for errors essay does not classify. */
    private static void report(PrintStream log, Outcome outcome) {
        outcome.report().forEach(log::println);
    }

    private static void record(Run<?, ?> run, Outcome outcome, Actor actor, long started) {
        run.addAction(new ReleaseRecord(outcome, actor.user(), causeOf(run), started, System.currentTimeMillis()));
        try {
            run.save();
        } catch (IOException e) {
            LOGGER.log(Level.WARNING, "could not save the essay release of " + run, e);
        }
    }

    /** Who started the build, for the release lock, the ledger and the Releases page. */
    static Actor actor(Run<?, ?> run) {
        String user = "jenkins"; // timer, SCM and upstream builds run as Jenkins
        for (Cause c : run.getCauses()) {
            if (c instanceof Cause.UserIdCause u && u.getUserId() != null) {
                user = u.getUserId() + "@jenkins";
                break;
            }
        }
        String root = null;
        try {
            root = Jenkins.get().getRootUrl();
        } catch (IllegalStateException e) {
            // no root URL configured yet
        }
        String where = run.getFullDisplayName() + (root == null ? "" : " " + root + run.getUrl());
        return new Actor(user, causeOf(run) + "; " + where);
    }

    /** The build's causes as Jenkins words them ("Started by user alice", "Started by timer"). */
    static String causeOf(Run<?, ?> run) {
        List<Cause> causes = run.getCauses();
        if (causes.isEmpty()) {
            return "Started by Jenkins";
        }
        StringBuilder out = new StringBuilder();
        for (Cause c : causes) {
            String text = c.getShortDescription();
            if (text != null && !text.isBlank()) {
                out.append(out.length() == 0 ? "" : "; ").append(text.strip());
            }
        }
        return out.length() == 0 ? "Started by Jenkins" : out.toString();
    }
}
