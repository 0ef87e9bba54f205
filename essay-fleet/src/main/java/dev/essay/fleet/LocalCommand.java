package dev.essay.fleet;

import dev.essay.core.pkg.Processes;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs a local program to completion (bounded), capturing stdout and stderr together. No shell is involved:
 * arguments are passed as they are. {@link #run} adds to this JVM's environment; {@link #runClean} gives the
 * program only {@link #PATH}, {@code LANG} and what it is told (the demo: never a developer's pyenv or venv).
 */
public final class LocalCommand {
    /** The system's PATH, for programs started with a clean environment. */
    public static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /** Programs running now, so a fleet closing early can stop them. */
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    private static volatile boolean shuttingDown;

    private LocalCommand() {
    }

    /** The exit status and the merged output of a finished program. */
    public record Result(List<String> command, int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** Throws, naming the command, its status and the tail of its output, unless it exited 0. */
        public Result orThrow() {
            if (!ok()) {
                throw new IllegalStateException("command failed (exit " + exitCode + "): " + String.join(" ", command)
                        + (output.isBlank() ? "" : "\n" + tail(output, 30)));
            }
            return this;
        }
    }

    /** The JVM is going down (Ctrl-C): stop what runs now and start nothing more. */
    public static void shutdown() {
        shuttingDown = true;
        stopAll();
    }

    /** Stops every program running through this class now (with its descendants), by PID. */
    public static void stopAll() {
        List<Long> pids = new ArrayList<>();
        for (Process p : RUNNING) {
            pids.addAll(Pids.withDescendants(p.pid()));
        }
        Pids.terminate(pids, Duration.ofSeconds(5));
    }

    public static Result run(List<String> command, Duration timeout) {
        return run(command, timeout, null, Map.of());
    }

    /** Runs {@code command} in {@code dir} (null: the current directory) with {@code env} added to this JVM's. */
    public static Result run(List<String> command, Duration timeout, Path dir, Map<String, String> env) {
        return start(command, timeout, dir, env, false);
    }

    /** Runs {@code command} in {@code dir} with only {@code env} (plus PATH and LANG when not given). */
    public static Result runClean(List<String> command, Duration timeout, Path dir, Map<String, String> env) {
        return start(command, timeout, dir, env, true);
    }

    private static Result start(List<String> command, Duration timeout, Path dir, Map<String, String> env, boolean clean) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        if (dir != null) {
            builder.directory(dir.toFile());
        }
        if (clean) {
            builder.environment().clear();
            builder.environment().put("PATH", PATH);
            builder.environment().put("LANG", "C.UTF-8");
        }
        builder.environment().putAll(env);
        if (shuttingDown) {
            throw new IllegalStateException("not running " + command.get(0) + ": shutting down");
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        }
        RUNNING.add(process);
        try {
            return collect(command, process, timeout);
        } finally {
            RUNNING.remove(process);
        }
    }

    private static Result collect(List<String> command, Process process, Duration timeout) {
        Processes.Ended ended;
        try {
            ended = Processes.await(process, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        }
        if (ended.timedOut()) {
            throw new IllegalStateException("command did not finish within " + timeout.toSeconds() + "s: "
                    + String.join(" ", command) + "\n" + tail(ended.output(), 30));
        }
        return new Result(List.copyOf(command), ended.exit(), ended.output());
    }

    /** The last {@code lines} lines of {@code text}. */
    public static String tail(String text, int lines) {
        String[] all = text.split("\n");
        int from = Math.max(0, all.length - lines);
        return String.join("\n", Arrays.asList(all).subList(from, all.length));
    }
}
