package dev.essay.core.pkg;

import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs local programs as argv lists (never through a shell), output (stdout and stderr merged) captured, for at
 * most a given time. {@link #await} is the one wait for a local program's end and output (the fleet's
 * {@code LocalCommand} uses it too).
 */
public final class Processes {
    static final int TAIL_LINES = 40;

    record Result(int exit, String output) {
        boolean ok() {
            return exit == 0;
        }

        String tail() {
            return Processes.tail(output, TAIL_LINES);
        }
    }

    private Processes() {
    }

    static Result run(List<String> argv, Path dir, Duration timeout, Map<String, String> env) {
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("GIT_TERMINAL_PROMPT", "0");
        pb.environment().putAll(env);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new PackageException(ExitCode.USAGE, "cannot run " + argv.get(0) + ": " + e.getMessage(), null,
                    "install " + argv.get(0) + " or fix its name (build.python in essay.yaml for the interpreter)");
        }
        Ended ended;
        try {
            ended = await(process, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EssayException(ExitCode.CANCELLED, "interrupted while running " + argv.get(0), null, null, e);
        }
        if (ended.timedOut()) {
            throw new PackageException(ExitCode.ERROR, String.join(" ", argv) + " did not finish within "
                    + timeout.toSeconds() + "s", tail(ended.output(), TAIL_LINES), null);
        }
        return new Result(ended.exit(), ended.output());
    }

    /**
     * What a program left: its exit status and its merged output, or, when it ran out of time ({@code timedOut}, the
     * exit status then meaningless), the output read until it was stopped.
     */
    public record Ended(int exit, String output, boolean timedOut) {
    }

    /**
     * Reads the merged output of {@code process} (started with {@code redirectErrorStream}) until it exits, for at
     * most {@code timeout}. A program still running then is stopped with its descendants, by PID, and the result is
     * {@code timedOut}; an interrupted wait stops them too and throws (the caller restores the interrupt).
     */
    public static Ended await(Process process, Duration timeout) throws InterruptedException {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> copy(process.getInputStream(), output), "essay-process-output");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                stop(process);
                process.waitFor(10, TimeUnit.SECONDS);
                reader.join(2000);
                return new Ended(-1, text(output), true);
            }
            reader.join(10_000);
        } catch (InterruptedException e) {
            stop(process);
            throw e;
        }
        return new Ended(process.exitValue(), text(output), false);
    }

    private static void stop(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        byte[] buffer = new byte[8192];
        try (in) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                synchronized (out) {
                    out.write(buffer, 0, n);
                }
            }
        } catch (IOException e) {
            // the process went away; what was read is kept
        }
    }

    private static String text(ByteArrayOutputStream output) {
        synchronized (output) {
            return output.toString(StandardCharsets.UTF_8);
        }
    }

    static String tail(String text, int lines) {
        String[] all = text.strip().split("\r?\n");
        if (all.length <= lines) {
            return text.strip();
        }
        return "...\n" + String.join("\n", java.util.Arrays.copyOfRange(all, all.length - lines, all.length));
    }
}
