package io.jenkins.plugins.essay;

import dev.essay.core.api.DeployRequest;
import dev.essay.core.api.ReleaseRequest;
import dev.essay.core.api.RepairRequest;
import dev.essay.core.api.RestartRequest;
import dev.essay.core.api.StatusRequest;
import dev.essay.core.Engine;
import dev.essay.core.api.SwitchRequest;
import dev.essay.core.config.ProjectLoader;
import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.event.EngineListener;
import dev.essay.core.event.EssayEvent;
import dev.essay.core.event.TextRenderer;
import dev.essay.core.model.Project;
import dev.essay.core.model.Secret;
import dev.essay.core.pkg.IndexClient;
import dev.essay.core.pkg.PackageRequest;
import dev.essay.core.pkg.Packager;
import dev.essay.core.transport.HoldingTransport;
import dev.essay.core.transport.SshTransport;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import io.jenkins.plugins.essay.plain.Connection;
import io.jenkins.plugins.essay.plain.JenkinsSshHints;
import io.jenkins.plugins.essay.plain.LedgerView;
import io.jenkins.plugins.essay.plain.Outcome;
import io.jenkins.plugins.essay.plain.Requests;
import io.jenkins.plugins.essay.plain.SlotCommandConfig;
import java.io.File;
import java.io.PrintStream;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import jenkins.MasterToSlaveFileCallable;

/**
 * Runs one engine call on the agent that runs the build, next to the workspace: reads essay.yaml there
 * (relative paths in it, such as the supervisord template, resolve against the workspace), connects to
 * the fleet over SSH with the key handed over in memory, and streams the engine's progress to the build
 * log through the (remotable) {@link TaskListener}. A package ({@link Packager}) needs no SSH: it builds on the
 * agent, under a directory the controller chose, and uploads to the index.
 *
 * <p>What travels to the agent is the engine's own request and a {@link Connection}: the SSH key, its passphrase,
 * the index password and the build environment go over the agent channel (encrypted) and live only in memory there;
 * nothing is written to the workspace, and {@link #toString()} names none of them.
 *
 * <p>Cancellation: the engine runs on its own thread. When this callable's thread is interrupted (the
 * controller interrupts a remote call when the build is aborted) or {@link Cancel} arrives for the same id,
 * {@link Engine#cancel()} closes the host sessions and the engine releases the release lock (a package's thread is
 * interrupted instead, which stops git, the build and the upload); the outcome is kept for a while so
 * {@link Cancel} can hand it to the controller.
 */
final class RemoteEssay extends MasterToSlaveFileCallable<Outcome> {
    private static final long serialVersionUID = 1L;

    /** How long to wait, after a cancel, for the engine to release the lock and return. */
    static final long CANCEL_GRACE_SECONDS = Long.getLong(RemoteEssay.class.getName() + ".cancelGraceSeconds", 90);

    /** Operations running (or recently finished) in this JVM, by id. */
    private static final Map<String, Running> RUNNING = new ConcurrentHashMap<>();
    /** Cancels that arrived before their operation started. */
    private static final Map<String, Long> EARLY_CANCELS = new ConcurrentHashMap<>();
    private static final long KEEP_FINISHED_MILLIS = TimeUnit.MINUTES.toMillis(10);

    private final String id;
    /**
     * The engine's own request: a {@link DeployRequest}, {@link SwitchRequest}, {@link PackageRequest},
     * {@link ReleaseRequest}, {@link RepairRequest} or {@link StatusRequest}.
     */
    private final Serializable request;
    private final Connection connection;
    private final TaskListener listener;

    RemoteEssay(String id, Serializable request, Connection connection, TaskListener listener) {
        this.id = id;
        this.request = request;
        this.connection = connection;
        this.listener = listener;
    }

    @Override
    public Outcome invoke(File essayYaml, VirtualChannel channel) throws InterruptedException {
        purgeFinished();
        Running running = new Running();
        RUNNING.put(id, running);
        if (EARLY_CANCELS.remove(id) != null) {
            running.cancelled = true;
        }
        FutureTask<Outcome> task = new FutureTask<>(() -> execute(essayYaml, running));
        running.task = task;
        Thread thread = new Thread(task, "essay " + Requests.action(request) + " " + id);
        thread.setDaemon(true);
        thread.setContextClassLoader(RemoteEssay.class.getClassLoader());
        thread.start();
        try {
            return task.get();
        } catch (InterruptedException e) {
            // The build was aborted: stop remote work, let the engine release the lock, then report.
            Outcome outcome = running.cancelAndAwait(request);
            Thread.currentThread().interrupt();
            return outcome;
        } catch (ExecutionException e) {
            return Outcome.unexpected(request, e.getCause() == null ? e : e.getCause());
        } finally {
            running.finishedAt = System.currentTimeMillis();
            running.canceller = null; // it holds the engine, the SSH transport, and with them the key
        }
    }

    private Outcome execute(File essayYaml, Running running) {
        PrintStream log = listener.getLogger();
        LogListener events = new LogListener(log);
        try {
            Project project = ProjectLoader.load(essayYaml.toPath());
            if (request instanceof PackageRequest p) {
                return pack(project, events, running, p);
            }
            Duration timeout = project.ssh() == null ? null : project.ssh().connectTimeout();
            try (SshTransport transport = new SshTransport(connection.ssh().settings(timeout), new JenkinsSshHints())) {
                // HoldingTransport: a test knob (the ESSAY_TEST_HOLD system property), never set outside tests;
                // essay.yaml's {env: VAR} secrets and pip.proxy_env come from the build's environment, where
                // withCredentials bindings are (never from the agent process's, which does not have them)
                Engine.Builder builder = Engine.builder(project).transport(HoldingTransport.fromEnvironment(transport))
                        .listener(events).actor(connection.actor()).environment(connection.env()::get);
                Secret indexPassword = indexPassword(project);
                if (indexPassword != null) {
                    builder.indexPassword(indexPassword);
                }
                Engine engine = builder.build();
                if (!running.start(engine::cancel)) {
                    return Outcome.cancelledWithoutAnswer(request, "aborted before essay started; nothing was changed");
                }
                Outcome outcome;
                try {
                    outcome = onFleet(engine, project, events);
                } catch (EssayException e) {
                    outcome = Outcome.failed(request, e);
                }
                return running.cancelled ? outcome : outcome.withLedger(ledger(engine, log));
            }
        } catch (InvalidIndexLogin e) {
            return Outcome.invalid(request, e.getMessage(), e.suggestion);
        } catch (EssayException e) {
            return Outcome.failed(request, e);
        } catch (IllegalArgumentException e) {
            // The engine and the SSH transport report invalid input (an unknown role or slot, an unusable key) this way.
            return Outcome.invalid(request, String.valueOf(e.getMessage()), null);
        } catch (RuntimeException | Error e) {
            return Outcome.unexpected(request, e);
        } finally {
            log.flush();
        }
    }

    /** The engine call of a deploy, status, release, repair, switch or rollback. */
    private Outcome onFleet(Engine engine, Project project, EngineListener events) {
        if (request instanceof DeployRequest d) {
            return Outcome.deployed(engine.deploy(d));
        }
        if (request instanceof StatusRequest st) {
            return Outcome.status(st, engine.status(st.role()));
        }
        if (request instanceof ReleaseRequest r) {
            return Outcome.released(engine.release(r, packager(project, events)));
        }
        if (request instanceof RepairRequest r) {
            return Outcome.repaired(engine.repair(r));
        }
        if (request instanceof RestartRequest r) {
            return Outcome.slot(engine.restart(r));
        }
        if (request instanceof SlotCommandConfig.StopStart s) {
            return Outcome.slot(s.start() ? engine.start(s.request()) : engine.stop(s.request()));
        }
        return Outcome.switched(engine.switchSlot((SwitchRequest) request));
    }

    /**
     * The router's newest ledger entries (releases from the command line too), for the job's Releases page; null, with
     * a warning in the build log, when it cannot be read: the step's own result stands either way.
     */
    private static LedgerView ledger(Engine engine, PrintStream log) {
        try {
            return LedgerView.of(engine.history(LedgerView.MAX_ENTRIES), System.currentTimeMillis());
        } catch (RuntimeException e) {
            log.println("[essay] WARNING: could not read the ledger for the Releases page: " + e.getMessage());
            return null;
        }
    }

    /** Builds and uploads on this thread; a cancel interrupts it, which stops git, the build and the upload. */
    private Outcome pack(Project project, EngineListener events, Running running, PackageRequest packageRequest) {
        Packager packager = packager(project, events);
        Thread worker = Thread.currentThread();
        if (!running.start(worker::interrupt)) {
            return Outcome.cancelledWithoutAnswer(request, "aborted before essay started; nothing was changed");
        }
        try {
            return Outcome.packaged(packager.pack(packageRequest));
        } catch (EssayException e) {
            if (running.cancelled && e.exitCode() != ExitCode.CANCELLED) {
                // An interrupted file read or write fails as an I/O error: it is the stop all the same.
                return Outcome.cancelledWithoutAnswer(request, "stopped while packaging (" + e.getMessage() + ")");
            }
            throw e;
        }
    }

    /** The packager of a package or release: builds under the directory the controller chose, uploads to the index. */
    private Packager packager(Project project, EngineListener events) {
        IndexClient index;
        try {
            index = indexClient(project);
        } catch (EssayException e) {
            if (project.index().passwordEnv() == null) {
                throw e;
            }
            throw new InvalidIndexLogin(String.valueOf(e.getMessage()), "give indexCredentialsId (a 'Username with"
                    + " password' credential), or bind " + project.index().passwordEnv() + " with withCredentials");
        }
        return new Packager(project, index, Clock.systemUTC(), ZoneId.systemDefault(), events,
                connection.workRoot() == null ? null : Path.of(connection.workRoot()));
    }

    /** No index login: essay.yaml names a password variable the build does not bind, and no credential was given. */
    private static final class InvalidIndexLogin extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String suggestion;

        InvalidIndexLogin(String message, String suggestion) {
            super(message);
            this.suggestion = suggestion;
        }
    }

    /**
     * The index client of a package: with the Jenkins credential's login when the step names one, else as essay.yaml
     * says, with a password_env variable taken from the build's environment when it is there.
     */
    private IndexClient indexClient(Project project) {
        Project.Index index = project.index();
        Connection.IndexLogin login = connection.index();
        if (login != null) {
            return new IndexClient(index.url(), index.uploadUrl(), login.username(),
                    Secret.of(login.password() == null ? "" : login.password()));
        }
        Secret fromBuild = indexPassword(project);
        return fromBuild == null || index.username() == null ? IndexClient.of(project)
                : new IndexClient(index.url(), index.uploadUrl(), index.username(), fromBuild);
    }

    /**
     * The index password, when essay.yaml names an environment variable for it and the build has it (set by
     * {@code withCredentials} or a credentials binding): the engine would otherwise look in the agent
     * process's environment, where build bindings never are.
     */
    private Secret indexPassword(Project project) {
        if (project.index() == null || project.index().passwordEnv() == null) {
            return null;
        }
        String value = connection.env().get(project.index().passwordEnv());
        return value == null || value.isEmpty() ? null : Secret.of(value);
    }

    private static void purgeFinished() {
        long now = System.currentTimeMillis();
        RUNNING.values().removeIf(r -> r.finishedAt > 0 && now - r.finishedAt > KEEP_FINISHED_MILLIS);
        EARLY_CANCELS.values().removeIf(t -> now - t > KEEP_FINISHED_MILLIS);
    }

    @Override
    public String toString() {
        return "essay " + Requests.describe(request) + " [" + id + "]";
    }

    /** The state of one operation in this JVM. */
    private static final class Running {
        volatile FutureTask<Outcome> task;
        /** Stops the running work: {@link Engine#cancel()}, or interrupting a package's thread. */
        volatile Runnable canceller;
        volatile boolean cancelled;
        volatile long finishedAt;

        /** Registers how to stop the work; false when a cancel came first (then the work must not start). */
        synchronized boolean start(Runnable c) {
            canceller = c;
            return !cancelled;
        }

        /**
         * Stops the work once: a stop reaches it twice (the remote call's interrupt, then {@link Cancel}), and the
         * second must not cut short what the first set going (undoing a switch, recording the cancel, releasing the
         * lock on new sessions).
         */
        synchronized void cancel() {
            if (cancelled) {
                return;
            }
            cancelled = true;
            Runnable c = canceller;
            if (c != null) {
                c.run();
            }
        }

        Outcome cancelAndAwait(Serializable request) {
            cancel();
            FutureTask<Outcome> t = task;
            if (t == null) {
                return Outcome.cancelledWithoutAnswer(request, "aborted before essay started; nothing was changed");
            }
            try {
                return t.get(CANCEL_GRACE_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                return Outcome.cancelledWithoutAnswer(request, "essay did not stop within " + CANCEL_GRACE_SECONDS
                        + "s; it may still hold the release lock");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Outcome.cancelledWithoutAnswer(request, "interrupted while waiting for essay to stop");
            } catch (ExecutionException e) {
                return Outcome.unexpected(request, e.getCause() == null ? e : e.getCause());
            }
        }
    }

    /**
     * Asks the operation with this id (in the JVM next to the workspace) to stop, waits for the engine to
     * release the lock, and returns how it ended; null when no such operation is known there.
     */
    static final class Cancel extends MasterToSlaveFileCallable<Outcome> {
        private static final long serialVersionUID = 1L;

        private final String id;
        private final Serializable request;

        Cancel(String id, Serializable request) {
            this.id = id;
            this.request = request;
        }

        @Override
        public Outcome invoke(File f, VirtualChannel channel) {
            Running running = RUNNING.get(id);
            if (running == null) {
                EARLY_CANCELS.put(id, System.currentTimeMillis());
                return null;
            }
            return running.cancelAndAwait(request);
        }
    }

    /**
     * Writes engine events to the build log: one prefix per line ({@code [essay]} or the host), each event
     * written whole so hosts working in parallel never interleave mid-line.
     */
    static final class LogListener implements EngineListener {
        private final PrintStream out;

        LogListener(PrintStream out) {
            this.out = out;
        }

        /** The text of an event as {@link TextRenderer} renders it for every text medium. */
        @Override
        public void on(EssayEvent event) {
            TextRenderer.Text text = TextRenderer.render(event);
            if (text != null) {
                print(text.host() != null ? "[" + text.host() + "] " : text.warning() ? "[essay] WARNING: " : "[essay] ",
                        text.text());
            }
        }

        private void print(String prefix, String text) {
            StringBuilder block = new StringBuilder();
            for (String line : String.valueOf(text).split("\n", -1)) {
                block.append(prefix).append(line).append('\n');
            }
            synchronized (out) {
                out.print(block);
                out.flush();
            }
        }
    }
}
