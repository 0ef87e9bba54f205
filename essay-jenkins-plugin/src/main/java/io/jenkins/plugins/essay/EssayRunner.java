package io.jenkins.plugins.essay;

import com.cloudbees.jenkins.plugins.sshcredentials.SSHUserPrivateKey;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import dev.essay.core.model.Actor;
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
import java.io.IOException;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;

/**
 * The controller side of every essay step and build step: finds the credential and the configuration,
 * runs the engine on the agent ({@link RemoteEssay}), stops it cleanly when the build is aborted,
 * records a {@link ReleaseAction} on the build, and turns every failure into an {@link AbortException}
 * (message, detail, hint; no stack trace) so the build fails. A failed host is a failed build, never an
 * unstable one.
 */
final class EssayRunner {
    private static final Logger LOGGER = Logger.getLogger(EssayRunner.class.getName());

    /** Default name of the configuration file, relative to the workspace. */
    static final String DEFAULT_CONFIG = "essay.yaml";

    private EssayRunner() {
    }

    /**
     * Runs {@code op} and returns its outcome when it succeeded.
     *
     * @throws AbortException      when it failed, was refused, or the input is wrong
     * @throws InterruptedException when the build was aborted (after remote work stopped and the outcome was recorded)
     */
    static @NonNull Outcome run(@NonNull Run<?, ?> run, @NonNull FilePath workspace, @NonNull EnvVars env,
                                @NonNull TaskListener listener, @NonNull Operation op,
                                @CheckForNull String credentialsId, @CheckForNull String config)
            throws IOException, InterruptedException {
        PrintStream log = listener.getLogger();
        EssayGlobalConfiguration global = EssayGlobalConfiguration.get();
        if (global.trustsNothing()) {
            throw new AbortException("essay: no known hosts are configured, so no host of the fleet can be trusted; "
                    + "paste `ssh-keyscan` output for every host and router under Manage Jenkins → System → essay "
                    + "→ Known hosts (or set unclassified.essay.knownHosts with Configuration as Code)");
        }
        SSHUserPrivateKey key = EssayCredentials.sshKey(run, credentialsId);
        String configPath = configPath(config);
        FilePath essayYaml = essayYaml(workspace, configPath);
        if (key.getPrivateKeys().size() > 1) {
            log.println("[essay] WARNING: credential '" + credentialsId + "' holds " + key.getPrivateKeys().size()
                    + " keys; essay uses the first");
        }
        Secret passphrase = key.getPassphrase();
        Actor actor = actor(run);
        String id = UUID.randomUUID().toString();
        RemoteEssay callable = new RemoteEssay(id, op, "Jenkins credential '" + credentialsId + "'",
                key.getPrivateKeys().get(0),
                passphrase == null || passphrase.getPlainText().isEmpty() ? null : passphrase.getPlainText(),
                global.getKnownHosts(), global.isAcceptNewHostKeys(), actor, new HashMap<>(env), listener);
        log.println("[essay] " + op.describe() + " with " + configPath + " as " + actor.user()
                + (workspace.getChannel() == null ? "" : " (on the agent running this build)"));
        if (global.isAcceptNewHostKeys()) {
            log.println("[essay] WARNING: new host keys are accepted without verification (Manage Jenkins → System → essay)");
        }
        return act(run, log, op, essayYaml, id, callable, actor);
    }

    /**
     * Builds and uploads a package ({@link Operation#pack}) on the agent, with the index login of the
     * {@code indexCredentialsId} credential (null: the login essay.yaml describes); returns the outcome when it
     * succeeded. The build copy is made in the workspace's {@code @tmp} directory and removed when the package
     * was uploaded (a failed build's copy stays there, for a look).
     *
     * @throws AbortException      when it failed or the input is wrong
     * @throws InterruptedException when the build was aborted (after the packaging stopped and the outcome was recorded)
     */
    static @NonNull Outcome pack(@NonNull Run<?, ?> run, @NonNull FilePath workspace, @NonNull EnvVars env,
                                 @NonNull TaskListener listener, @NonNull Operation op,
                                 @CheckForNull String indexCredentialsId, @CheckForNull String config)
            throws IOException, InterruptedException {
        PrintStream log = listener.getLogger();
        Operation given = op;
        op = op.packagingCheckedOut(env.get("GIT_COMMIT"));
        if (op != given) {
            log.println("[essay] no branch or commit given: packaging GIT_COMMIT " + env.get("GIT_COMMIT").strip()
                    + ", the commit this build checked out");
        }
        StandardUsernamePasswordCredentials login = indexCredentialsId == null || indexCredentialsId.isBlank() ? null
                : EssayCredentials.indexLogin(run, indexCredentialsId.strip());
        String configPath = configPath(config);
        FilePath essayYaml = essayYaml(workspace, configPath);
        Actor actor = actor(run);
        String id = UUID.randomUUID().toString();
        FilePath tmp = WorkspaceList.tempDir(workspace);
        FilePath workRoot = tmp == null ? null : tmp.child("essay-package-" + id);
        RemoteEssay callable = RemoteEssay.pack(id, op, login == null ? null : login.getUsername(),
                login == null ? null : login.getPassword().getPlainText(),
                workRoot == null ? null : workRoot.getRemote(), actor, new HashMap<>(env), listener);
        log.println("[essay] " + op.describe() + " with " + configPath + " as " + actor.user()
                + (login == null ? "" : ", uploading as Jenkins credential '" + indexCredentialsId.strip() + "'")
                + (workspace.getChannel() == null ? "" : " (on the agent running this build)"));
        Outcome outcome = act(run, log, op, essayYaml, id, callable, actor);
        if (workRoot != null) {
            try {
                workRoot.deleteRecursive();
            } catch (IOException e) {
                log.println("[essay] WARNING: could not remove the build copy " + workRoot.getRemote() + ": " + e);
            }
        }
        return outcome;
    }

    private static String configPath(@CheckForNull String config) {
        return config == null || config.isBlank() ? DEFAULT_CONFIG : config.strip();
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
    private static Outcome act(Run<?, ?> run, PrintStream log, Operation op, FilePath essayYaml, String id,
                               RemoteEssay callable, Actor actor) throws IOException, InterruptedException {
        long started = System.currentTimeMillis();
        Outcome outcome;
        try {
            outcome = essayYaml.act(callable);
        } catch (InterruptedException e) {
            log.println("[essay] build aborted: stopping remote work and releasing the release lock...");
            Outcome stopped = cancel(essayYaml, id, op, log);
            report(log, stopped);
            record(run, op, stopped, actor, started);
            throw e;
        }
        if (Thread.interrupted()) {
            // The engine ran in this JVM (the built-in node) and stopped because the build was aborted.
            report(log, outcome);
            record(run, op, outcome, actor, started);
            throw new InterruptedException("essay " + op.action() + " was aborted");
        }
        record(run, op, outcome, actor, started);
        report(log, outcome);
        if (!outcome.ok()) {
            throw new AbortException(outcome.failureText());
        }
        return outcome;
    }

    /** Asks the agent to stop the operation and waits (bounded) for it to release the lock. */
    private static Outcome cancel(FilePath essayYaml, String id, Operation op, PrintStream log) {
        try {
            Outcome outcome = essayYaml.act(new RemoteEssay.Cancel(id, op));
            return outcome != null ? outcome
                    : Outcome.cancelledWithoutAnswer(op, "the agent had not started essay yet; nothing was changed");
        } catch (IOException | RuntimeException e) {
            log.println("[essay] could not reach the agent to stop essay: " + e);
            return Outcome.cancelledWithoutAnswer(op, "the agent could not be reached to stop essay");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.cancelledWithoutAnswer(op, "aborted again while essay was stopping");
        }
    }

    /** Failures as the log shows them: remote stack traces only for errors essay does not classify. */
    private static void report(PrintStream log, Outcome outcome) {
        if (outcome.ok() && "package".equals(outcome.action())) {
            log.println("[essay] package ok: " + outcome.version() + " from " + outcome.source());
            log.println("[essay] uploaded: " + String.valueOf(outcome.detail()).replace("\n", "\n[essay] uploaded: "));
            return;
        }
        if (outcome.ok()) {
            log.println("[essay] " + outcome.action() + " ok" + (outcome.to() == null ? "" : ": slot " + outcome.to())
                    + (outcome.version() == null ? "" : " runs " + outcome.version())
                    + ("deploy".equals(outcome.action()) ? "" : " and is live"));
            return;
        }
        if (outcome.stackTrace() != null) {
            log.print(outcome.stackTrace());
        }
        for (HostOutcome h : outcome.failedHosts()) {
            log.println("[essay] " + h.getHost() + ": " + h.getResult() + " after " + h.getDuration()
                    + (h.getError() == null ? "" : ": " + h.getNote()));
        }
        log.println("[essay] " + outcome.action() + " " + outcome.result().toUpperCase(java.util.Locale.ROOT));
    }

    private static void record(Run<?, ?> run, Operation op, Outcome outcome, Actor actor, long started) {
        run.addAction(new ReleaseAction(outcome, op, actor.user(), causeOf(run), started, System.currentTimeMillis()));
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
