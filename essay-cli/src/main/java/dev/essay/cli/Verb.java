package dev.essay.cli;

import dev.essay.core.Engine;
import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.model.Actor;
import dev.essay.core.model.Project;
import dev.essay.core.transport.HoldingTransport;
import dev.essay.core.transport.PrintingTransport;
import dev.essay.core.transport.Transport;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * What every verb shares: output through picocli's writers, the engine built from essay.yaml and a
 * transport (SSH, or printing for dry runs), errors mapped to exit codes, and Ctrl-C handling.
 */
abstract class Verb implements Callable<Integer> {
    /** How long Ctrl-C waits for the engine to release the lock before the JVM exits. */
    static final long CANCEL_GRACE_SECONDS = 20;

    @Spec
    CommandSpec spec;

    @ParentCommand
    EssayCommand essay;

    Console console;
    private final CountDownLatch finished = new CountDownLatch(1);
    private Thread cancelHook;

    @Override
    public final Integer call() {
        console = new Console(spec.commandLine().getOut(), spec.commandLine().getErr());
        try {
            return execute();
        } catch (Exception e) {
            return Errors.report(console, e, essay.verbose);
        } finally {
            finished.countDown();
            removeCancelHook();
        }
    }

    /**
     * Where the engine's events go: the console, or with {@code --json} stderr only, so that stdout carries nothing but
     * the JSON document.
     */
    Console listener(boolean json) {
        return json ? new Console(spec.commandLine().getErr(), spec.commandLine().getErr()) : console;
    }

    /** Runs the verb; returns the exit code. Throw {@link EssayException} for anything a user must fix. */
    abstract int execute() throws Exception;

    Project loadProject() {
        return essay.loadProject();
    }

    /**
     * Printing transport for dry runs; otherwise SSH with the project's key and known_hosts (held at a step boundary
     * when a test sets {@link HoldingTransport#VARIABLE}).
     */
    Transport transport(Project project, boolean dryRun) {
        return dryRun ? new PrintingTransport(console::script) : HoldingTransport.fromEnvironment(new LazySshTransport(project.ssh()));
    }

    Engine engine(Project project, Transport transport, Console listener) {
        return Engine.builder(project)
                .transport(transport)
                .listener(listener)
                .actor(Actor.local("essay command"))
                .build();
    }

    /** The verb's own --dry-run or the global one. */
    boolean dryRun(boolean own) {
        return own || essay.dryRun;
    }

    /** For verbs that only read: the global --dry-run does not apply. */
    void rejectDryRun() {
        if (essay.dryRun) {
            throw usage("--dry-run applies to release, deploy, switch, rollback, adopt, repair, restart, stop,"
                    + " start and exec, not to " + spec.name(), null);
        }
    }

    /**
     * While a fleet-changing verb runs, Ctrl-C (SIGINT) or SIGTERM cancels the engine and waits (bounded) for this
     * command to finish: the engine's cleanup releases the release lock before the JVM exits. Either signal ends
     * with exit 130 ({@link ExitCode#CANCELLED}); without the halt the JVM would exit 128 + the signal (143 for
     * SIGTERM).
     */
    void cancelOnInterrupt(Engine engine) {
        cancelOnInterrupt(engine, "interrupted: cancelling; waiting up to " + CANCEL_GRACE_SECONDS
                + "s for the release lock to be released");
    }

    /** {@link #cancelOnInterrupt(Engine)} saying {@code message} on the signal (a verb that holds no lock). */
    void cancelOnInterrupt(Engine engine, String message) {
        Console out = console;
        Thread hook = new Thread(() -> {
            out.err(message);
            engine.cancel();
            try {
                if (!finished.await(CANCEL_GRACE_SECONDS, TimeUnit.SECONDS)) {
                    out.err("error: gave up waiting; if the release lock is still held, run: essay unlock");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(ExitCode.CANCELLED.code());
        }, "essay-cancel");
        Runtime.getRuntime().addShutdownHook(hook);
        cancelHook = hook;
    }

    private void removeCancelHook() {
        if (cancelHook == null) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(cancelHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down (Ctrl-C): the hook is running and sees `finished`
        }
        cancelHook = null;
    }

    static void requireSlot(Project project, String slot) {
        if (slot == null) {
            return;
        }
        try {
            project.slot(slot);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage(), null);
        }
    }

    static void requireRole(Project project, String role) {
        if (role == null) {
            return;
        }
        try {
            project.hosts(role);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage(), null);
        }
    }

    static EssayException usage(String message, String suggestion) {
        return new EssayException(ExitCode.USAGE, message, suggestion);
    }
}
