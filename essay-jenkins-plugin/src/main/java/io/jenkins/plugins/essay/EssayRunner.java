package io.jenkins.plugins.essay;

import com.cloudbees.jenkins.plugins.sshcredentials.SSHUserPrivateKey;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import dev.essay.core.api.ReleaseRequest;
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
import io.jenkins.plugins.essay.plain.HeldLock;
import io.jenkins.plugins.essay.plain.LockConfig;
import io.jenkins.plugins.essay.plain.Outcome;
import io.jenkins.plugins.essay.plain.ReleaseConfig;
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
        return run(run, workspace, env, listener, config, null);
    }

    /**
     * {@link #run(Run, FilePath, EnvVars, TaskListener, EssayConfig)} inside an {@code essayLock} block: a deploy or
     * switch runs under the lock it holds ({@code held}; null: outside any block), and the block's closing lines say
     * how it ended.
     */
    static @NonNull Outcome run(@NonNull Run<?, ?> run, @NonNull FilePath workspace, @NonNull EnvVars env,
                                @NonNull TaskListener listener, @NonNull EssayConfig<?> config,
                                @CheckForNull HeldLock held) throws IOException, InterruptedException {
        Serializable request;
        try {
            request = Requests.underLock(config.request(), held);
        } catch (IllegalArgumentException e) {
            throw new AbortException(e.getMessage());
        }
        try {
            Outcome outcome = runRequest(run, workspace, env, listener, config, request);
            EssayLockExecution.noteStep(held, Requests.describe(request) + ": " + outcome.result() + hostCount(outcome));
            return outcome;
        } catch (IOException | InterruptedException | RuntimeException e) {
            EssayLockExecution.noteStep(held, Requests.describe(request) + ": " + (e instanceof InterruptedException
                    ? "aborted" : "failed: " + String.valueOf(e.getMessage()).lines().findFirst().orElse("")));
            throw e;
        }
    }

    private static String hostCount(Outcome outcome) {
        return outcome.hosts().isEmpty() ? "" : " on " + outcome.hosts().size() + " host(s)";
    }

    private static Outcome runRequest(Run<?, ?> run, FilePath workspace, EnvVars env, TaskListener listener,
                                      EssayConfig<?> config, Serializable request) throws IOException, InterruptedException {
        long started = System.currentTimeMillis();
        int recorded = run.getActions(ReleaseRecord.class).size();
        try {
            if (request instanceof PackageRequest p) {
                return pack(run, workspace, env, listener, p, config.credentialsId(), config.getConfig());
            }
            if (request instanceof ReleaseRequest r) {
                return release(run, workspace, env, listener, r, config.credentialsId(),
                        ((ReleaseConfig) config).packaging().getIndexCredentialsId(), config.getConfig());
            }
            return onFleet(run, workspace, env, listener, request, config.credentialsId(), config.getConfig());
        } catch (AbortException e) {
            if (run.getActions(ReleaseRecord.class).size() == recorded) {
                // it failed before essay started (no known hosts, a missing or wrong-type credential, no essay.yaml):
                // the build's record and the Releases page still say what was attempted and why it did not run
                // (a status, read-only, leaves none)
                record(run, request, Outcome.invalid(request, e.getMessage(), null), actor(run), started);
            }
            throw e;
        }
    }

    /** A deploy, switch or status: on the agent, over SSH with the key of credential {@code credentialsId}. */
    private static Outcome onFleet(Run<?, ?> run, FilePath workspace, EnvVars env, TaskListener listener,
                                   Serializable request, @CheckForNull String credentialsId, String configPath)
            throws IOException, InterruptedException {
        PrintStream log = listener.getLogger();
        FilePath essayYaml = essayYaml(workspace, configPath);
        Actor actor = actor(run);
        String id = UUID.randomUUID().toString();
        RemoteEssay callable = new RemoteEssay(id, request,
                Connection.fleet(sshLogin(run, log, credentialsId), actor, env), listener);
        log.println("[essay] " + Requests.describe(request) + " with " + configPath + " as " + actor.user()
                + (workspace.getChannel() == null ? "" : " (on the agent running this build)"));
        warnIfAcceptingNewHostKeys(log);
        return act(run, log, request, essayYaml, id, callable, actor);
    }

    /**
     * A release: on the agent, packaging as {@link #pack} does (with the index login of {@code indexCredentialsId},
     * under the workspace's {@code @tmp} directory) and deploying and switching over SSH with the key of
     * {@code credentialsId}, under one release lock.
     */
    private static Outcome release(Run<?, ?> run, FilePath workspace, EnvVars env, TaskListener listener,
                                   ReleaseRequest given, @CheckForNull String credentialsId,
                                   @CheckForNull String indexCredentialsId, String configPath)
            throws IOException, InterruptedException {
        PrintStream log = listener.getLogger();
        ReleaseRequest request = Requests.releasingCheckedOut(given, env.get("GIT_COMMIT"));
        if (request != given) {
            log.println("[essay] no branch or commit given: releasing GIT_COMMIT " + request.pkg().commit()
                    + ", the commit this build checked out");
        }
        Connection.SshLogin ssh = sshLogin(run, log, credentialsId);
        Connection.IndexLogin index = indexLogin(run, indexCredentialsId);
        FilePath essayYaml = essayYaml(workspace, configPath);
        Actor actor = actor(run);
        String id = UUID.randomUUID().toString();
        FilePath workRoot = workRoot(workspace, id);
        RemoteEssay callable = new RemoteEssay(id, request, new Connection(ssh, index,
                workRoot == null ? null : workRoot.getRemote(), actor.user(), actor.cause(), env), listener);
        log.println("[essay] " + Requests.describe(request) + " with " + configPath + " as " + actor.user()
                + (index == null ? "" : ", uploading as Jenkins credential '" + indexCredentialsId + "'")
                + (workspace.getChannel() == null ? "" : " (on the agent running this build)"));
        warnIfAcceptingNewHostKeys(log);
        Outcome outcome = act(run, log, request, essayYaml, id, callable, actor);
        removeBuildCopy(workRoot, log);
        return outcome;
    }

    /** Takes the release lock for an {@code essayLock} block, on the agent; returns its id. */
    static String hold(Run<?, ?> run, FilePath workspace, EnvVars env, TaskListener listener, LockConfig lock)
            throws IOException, InterruptedException {
        PrintStream log = listener.getLogger();
        FilePath essayYaml = essayYaml(workspace, lock.getConfig());
        Actor actor = actor(run);
        String note = lock.hold(run.getFullDisplayName()).note();
        warnIfAcceptingNewHostKeys(log);
        String id = essayYaml.act(RemoteLock.hold(Connection.fleet(sshLogin(run, log, lock.credentialsId()), actor, env),
                note, listener)).get(0);
        log.println("[essay] holding the release lock " + id + " for the steps in this block (" + note + ")");
        return id;
    }

    /**
     * Ends an {@code essayLock} block's lock {@code lockId}, on the agent of the block: records its shards' deploys (one
     * ledger entry each, with every host) and releases it; returns a line per entry recorded.
     */
    static List<String> release(Run<?, ?> run, FilePath workspace, EnvVars env, TaskListener listener, LockConfig lock,
                                String lockId) throws IOException, InterruptedException {
        PrintStream log = listener.getLogger();
        log.println("[essay] the block ended: recording its shards' deploys and releasing the release lock " + lockId);
        return essayYaml(workspace, lock.getConfig()).act(RemoteLock.release(
                Connection.fleet(sshLogin(run, log, lock.credentialsId()), actor(run), env), lockId, listener));
    }

    /** The SSH login of credential {@code credentialsId}, with the known hosts of the global configuration. */
    private static Connection.SshLogin sshLogin(Run<?, ?> run, PrintStream log, @CheckForNull String credentialsId)
            throws IOException {
        EssayGlobalConfiguration global = EssayGlobalConfiguration.get();
        if (global.trustsNothing()) {
            throw new AbortException("essay: no known hosts are configured, so no host of the fleet can be trusted; "
                    + "paste `ssh-keyscan` output for every host and router under Manage Jenkins → System → essay "
                    + "→ Known hosts (or set unclassified.essay.knownHosts with Configuration as Code)");
        }
        SSHUserPrivateKey key = EssayCredentials.sshKey(run, credentialsId);
        if (key.getPrivateKeys().size() > 1) {
            log.println("[essay] WARNING: credential '" + credentialsId + "' holds " + key.getPrivateKeys().size()
                    + " keys; essay uses the first");
        }
        Secret passphrase = key.getPassphrase();
        return new Connection.SshLogin("Jenkins credential '" + credentialsId + "'", key.getPrivateKeys().get(0),
                passphrase == null || passphrase.getPlainText().isEmpty() ? null : passphrase.getPlainText(),
                global.getKnownHosts(), global.isAcceptNewHostKeys());
    }

    private static void warnIfAcceptingNewHostKeys(PrintStream log) {
        if (EssayGlobalConfiguration.get().isAcceptNewHostKeys()) {
            log.println("[essay] WARNING: new host keys are accepted without verification (Manage Jenkins → System → essay)");
        }
    }

    /** The index login of credential {@code indexCredentialsId}; null for none (the login essay.yaml describes). */
    private static @CheckForNull Connection.IndexLogin indexLogin(Run<?, ?> run, @CheckForNull String indexCredentialsId)
            throws IOException {
        if (indexCredentialsId == null) {
            return null;
        }
        StandardUsernamePasswordCredentials login = EssayCredentials.indexLogin(run, indexCredentialsId);
        return new Connection.IndexLogin(login.getUsername(), login.getPassword().getPlainText());
    }

    /** Where a package is built: a directory of the workspace's {@code @tmp}; null when there is none. */
    private static @CheckForNull FilePath workRoot(FilePath workspace, String id) {
        FilePath tmp = WorkspaceList.tempDir(workspace);
        return tmp == null ? null : tmp.child("essay-package-" + id);
    }

    /** Removes the build copy of a package that was uploaded (a failed build's copy stays, for a look). */
    private static void removeBuildCopy(@CheckForNull FilePath workRoot, PrintStream log) throws InterruptedException {
        if (workRoot != null) {
            try {
                workRoot.deleteRecursive();
            } catch (IOException e) {
                log.println("[essay] WARNING: could not remove the build copy " + workRoot.getRemote() + ": " + e);
            }
        }
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
        Connection.IndexLogin login = indexLogin(run, indexCredentialsId);
        FilePath essayYaml = essayYaml(workspace, configPath);
        Actor actor = actor(run);
        String id = UUID.randomUUID().toString();
        FilePath workRoot = workRoot(workspace, id);
        Connection connection = Connection.index(login, workRoot == null ? null : workRoot.getRemote(), actor, env);
        RemoteEssay callable = new RemoteEssay(id, request, connection, listener);
        log.println("[essay] " + Requests.describe(request) + " with " + configPath + " as " + actor.user()
                + (login == null ? "" : ", uploading as Jenkins credential '" + indexCredentialsId + "'")
                + (workspace.getChannel() == null ? "" : " (on the agent running this build)"));
        Outcome outcome = act(run, log, request, essayYaml, id, callable, actor);
        removeBuildCopy(workRoot, log);
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
            record(run, request, stopped, actor, started);
            throw e;
        }
        keepLedger(run, outcome);
        if (Thread.interrupted()) {
            // The engine ran in this JVM (the built-in node) and stopped because the build was aborted.
            report(log, outcome);
            record(run, request, outcome, actor, started);
            throw new InterruptedException("essay " + outcome.action() + " was aborted");
        }
        record(run, request, outcome, actor, started);
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

    /** Keeps the ledger the step read at its end on the build, for the job's Releases page (replacing an earlier one). */
    private static void keepLedger(Run<?, ?> run, Outcome outcome) {
        if (outcome.ledger() == null) {
            return;
        }
        run.addOrReplaceAction(new LedgerSnapshot(outcome.ledger()));
        try {
            run.save();
        } catch (IOException e) {
            LOGGER.log(Level.WARNING, "could not save the essay ledger of " + run, e);
        }
    }

    /** Keeps the build's record of it; a status (read-only) leaves none. */
    private static void record(Run<?, ?> run, Serializable request, Outcome outcome, Actor actor, long started) {
        if (!Requests.recorded(request)) {
            return;
        }
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
