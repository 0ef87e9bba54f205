package io.jenkins.plugins.essay;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import edu.umd.cs.findbugs.annotations.SuppressFBWarnings;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.security.ACL;
import hudson.security.ACLContext;
import io.jenkins.plugins.essay.plain.HeldLock;
import io.jenkins.plugins.essay.plain.LockConfig;
import io.jenkins.plugins.essay.plain.LockText;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.workflow.steps.BodyExecution;
import org.jenkinsci.plugins.workflow.steps.BodyExecutionCallback;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.springframework.security.core.Authentication;

/**
 * Runs an {@code essayLock} block: takes the release lock on the agent (off the CPS VM thread), runs the body with the
 * lock as a context value ({@link HeldLock}, which the essay steps in it read), and at the body's end, whatever it is,
 * records the shards' deploys and releases the lock, then lists what every essay step under the lock came to.
 *
 * <p>Abort: the build's interruption reaches the steps running in the body (each essay step stops its remote work and
 * records how it ended); the body then fails and its callback releases the lock. A stop that reaches this execution
 * itself cancels the body, or, while the lock is being taken, that work.
 */
final class EssayLockExecution extends StepExecution {
    private static final long serialVersionUID = 1L;

    /** What each essay step under a held lock came to, by lock id, for the block's closing lines (this JVM only). */
    private static final Map<String, List<String>> STEPS = new ConcurrentHashMap<>();

    @SuppressFBWarnings(value = "SE_TRANSIENT_FIELD_NOT_RESTORED", justification = "only used while running; onResume fails the step")
    private final transient LockConfig lock;
    /** The id of the lock this block holds; null until it is taken. Kept across a restart, to say which to unlock. */
    private volatile String lockId;
    private transient volatile FilePath workspace;
    private transient volatile Future<?> task;
    private transient volatile BodyExecution body;
    private transient volatile Throwable stopCause;

    EssayLockExecution(@NonNull StepContext context, @NonNull LockConfig lock) {
        super(context);
        this.lock = lock;
    }

    /** Notes what an essay step under the held lock {@code held} came to (a line of the block's closing report). */
    static void noteStep(@CheckForNull HeldLock held, String line) {
        if (held != null) {
            STEPS.computeIfAbsent(held.id(), k -> java.util.Collections.synchronizedList(new ArrayList<>())).add(line);
        }
    }

    @Override
    public boolean start() throws Exception {
        StepContext context = getContext();
        Run<?, ?> run = context.get(Run.class);
        workspace = context.get(FilePath.class);
        EnvVars env = context.get(EnvVars.class);
        TaskListener listener = context.get(TaskListener.class);
        if (workspace == null) {
            throw new AbortException("essayLock needs a workspace with essay.yaml: run it inside node { ... }");
        }
        EnvVars environment = env == null ? new EnvVars() : env;
        Authentication auth = Jenkins.getAuthentication2();
        task = EssayStepExecution.executor().submit(() -> {
            try (ACLContext ignored = ACL.as2(auth)) {
                String id = EssayRunner.hold(run, workspace, environment, listener, lock);
                lockId = id;
                startBody(context, id);
            } catch (Throwable t) {
                Throwable cause = stopCause;
                if (cause != null && cause != t) {
                    cause.addSuppressed(t);
                }
                context.onFailure(cause != null ? cause : t);
            }
        });
        return false;
    }

    /** Runs the body under the lock just taken, unless a stop came meanwhile: then releases it at once. */
    private synchronized void startBody(StepContext context, String id) {
        if (stopCause != null) {
            release(context, null, stopCause);
            return;
        }
        body = context.newBodyInvoker().withContext(new HeldLock(id)).withCallback(new Release()).start();
    }

    /**
     * Cancels the body (its callback then releases the lock). While the lock is being taken (one short call on the
     * agent) it lets that finish, so that the lock it took is released rather than left behind: {@link #startBody}
     * sees the stop.
     */
    @Override
    public void stop(@NonNull Throwable cause) throws Exception {
        BodyExecution running;
        synchronized (this) {
            stopCause = cause;
            running = body;
        }
        if (running != null) {
            running.cancel(cause);
            return;
        }
        Future<?> taking = task;
        if (taking == null || taking.isDone()) {
            getContext().onFailure(cause);
        }
    }

    /** A restart loses the block's threads: say which lock is still held, and how to end it. */
    @Override
    public void onResume() {
        getContext().onFailure(new AbortException("essay: Jenkins restarted inside essayLock, which cannot be resumed"
                + (lockId == null ? "" : "; the release lock " + lockId + " is still held: check `essay status`, then"
                + " end it with `essay unlock --id " + lockId + "`")));
    }

    @Override
    public @CheckForNull String getStatus() {
        return lockId == null ? "taking the release lock" : "holding the release lock " + lockId;
    }

    /**
     * Records the shards' deploys and releases the lock (off the CPS VM thread), prints what ran under it, then ends
     * the step as the body ended: {@code result} on success, {@code failure} otherwise.
     */
    private void release(StepContext context, @CheckForNull Object result, @CheckForNull Throwable failure) {
        String id = lockId;
        Authentication auth = Jenkins.getAuthentication2();
        EssayStepExecution.executor().submit(() -> {
            Throwable problem = null;
            try (ACLContext ignored = ACL.as2(auth)) {
                if (workspace == null || lock == null) {
                    throw new AbortException("essay: Jenkins restarted inside essayLock, so the release lock " + id
                            + " could not be released: check `essay status`, then end it with `essay unlock --id " + id + "`");
                }
                Run<?, ?> run = context.get(Run.class);
                TaskListener listener = context.get(TaskListener.class);
                EnvVars env = context.get(EnvVars.class);
                List<String> recorded = EssayRunner.release(run, workspace, env == null ? new EnvVars() : env,
                        listener, lock, id);
                List<String> steps = STEPS.remove(id);
                LockText.summary(id, steps == null ? List.of() : List.copyOf(steps), recorded)
                        .forEach(line -> listener.getLogger().println("[essay] " + line));
            } catch (Throwable t) {
                problem = t;
            }
            if (failure != null) {
                if (problem != null) {
                    failure.addSuppressed(problem);
                }
                context.onFailure(failure);
            } else if (problem != null) {
                context.onFailure(problem);
            } else {
                context.onSuccess(result);
            }
        });
    }

    /** The body's end, whatever it is: release the lock, then end as the body did. */
    private final class Release extends BodyExecutionCallback {
        private static final long serialVersionUID = 1L;

        @Override
        public void onSuccess(StepContext context, Object result) {
            release(context, result, stopCause);
        }

        @Override
        public void onFailure(StepContext context, Throwable t) {
            release(context, null, t);
        }
    }
}
