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
import hudson.util.ClassLoaderSanityThreadFactory;
import hudson.util.DaemonThreadFactory;
import hudson.util.NamingThreadFactory;
import io.jenkins.plugins.essay.plain.HeldLock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import jenkins.model.Jenkins;
import jenkins.util.Timer;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.springframework.security.core.Authentication;

/**
 * Runs an essay step off the CPS VM thread (on a thread pool of its own), and on abort does not give
 * up at once: {@link #stop(Throwable)} interrupts the operation, which tells the agent to stop remote
 * work; the step ends once the engine has released the release lock and the outcome is recorded (or,
 * if the agent does not answer, after a grace period).
 */
final class EssayStepExecution extends StepExecution {
    private static final long serialVersionUID = 1L;

    /** After a stop, how long to wait for the operation to wind down before failing the step anyway. */
    static final long STOP_GRACE_SECONDS = RemoteEssay.CANCEL_GRACE_SECONDS + 30;

    private static ExecutorService executor;

    private transient volatile Future<?> task;
    private transient volatile Throwable stopCause;
    private transient volatile String threadName;
    private transient AtomicBoolean completed = new AtomicBoolean();

    @SuppressFBWarnings(value = "SE_TRANSIENT_FIELD_NOT_RESTORED", justification = "only used when starting; onResume fails the step")
    private final transient EssayStep step;

    EssayStepExecution(@NonNull StepContext context, @NonNull EssayStep step) {
        super(context);
        this.step = step;
    }

    @Override
    public final boolean start() throws Exception {
        StepContext context = getContext();
        Run<?, ?> run = context.get(Run.class);
        FilePath workspace = context.get(FilePath.class);
        EnvVars env = context.get(EnvVars.class);
        TaskListener listener = context.get(TaskListener.class);
        HeldLock held = context.get(HeldLock.class);
        if (workspace == null) {
            throw new AbortException("essay needs a workspace with essay.yaml: run the step inside node { ... }");
        }
        Authentication auth = Jenkins.getAuthentication2();
        task = executor().submit(() -> {
            threadName = Thread.currentThread().getName();
            try (ACLContext ignored = ACL.as2(auth)) {
                Object value = step.run(run, workspace, env == null ? new EnvVars() : env, listener, held);
                if (stopCause != null) {
                    complete(null, stopCause);
                } else {
                    complete(value, null);
                }
            } catch (Throwable t) {
                Throwable cause = stopCause;
                if (cause != null && cause != t) {
                    if (!(t instanceof InterruptedException)) {
                        cause.addSuppressed(t);
                    }
                    complete(null, cause);
                } else {
                    complete(null, t);
                }
            } finally {
                threadName = null;
            }
        });
        return false;
    }

    /**
     * Asks the running operation to stop (remote work ends, the lock is released, the release is recorded);
     * the step then fails with {@code cause}, so the build shows as aborted.
     */
    @Override
    public void stop(@NonNull Throwable cause) throws Exception {
        stopCause = cause;
        Future<?> running = task;
        if (running == null || running.isDone()) {
            complete(null, cause);
            return;
        }
        running.cancel(true);
        Timer.get().schedule(() -> complete(null, cause), STOP_GRACE_SECONDS, TimeUnit.SECONDS);
    }

    /** A restart of Jenkins loses the operation's thread: say so, and how to see what happened. */
    @Override
    public void onResume() {
        getContext().onFailure(new AbortException("essay: Jenkins restarted while this step was running, and it "
                + "cannot be resumed; run `essay status` to see the state of the fleet (and `essay unlock` if the "
                + "release lock is still held), then run the step again"));
    }

    @Override
    public @CheckForNull String getStatus() {
        String name = threadName;
        return name == null ? "not running" : "running in thread: " + name;
    }

    @Override
    public boolean blocksRestart() {
        return threadName != null;
    }

    private void complete(@CheckForNull Object value, @CheckForNull Throwable failure) {
        AtomicBoolean once = completed;
        if (once != null && !once.compareAndSet(false, true)) {
            return;
        }
        if (failure == null) {
            getContext().onSuccess(value);
        } else {
            getContext().onFailure(failure);
        }
    }

    @SuppressFBWarnings(value = "LI_LAZY_INIT_STATIC", justification = "synchronized")
    static synchronized ExecutorService executor() {
        if (executor == null) {
            executor = Executors.newCachedThreadPool(new NamingThreadFactory(
                    new ClassLoaderSanityThreadFactory(new DaemonThreadFactory()), "essay step"));
        }
        return executor;
    }
}
