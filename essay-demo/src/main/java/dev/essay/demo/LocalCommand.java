package dev.essay.demo;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a local program to completion (bounded), with a clean environment, capturing its output. */
final class LocalCommand {
    /** What every program the sandbox starts gets on PATH: the system's, never a developer's pyenv or venv. */
    static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /** Programs running now (builds, key generation), so a sandbox closing early can stop them. */
    private static final java.util.Set<Process> RUNNING = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private LocalCommand() {
    }

    private static volatile boolean shuttingDown;

    /** The JVM is going down (Ctrl-C): stop what runs now and start nothing more. */
    static void shutdown() {
        shuttingDown = true;
        stopAll();
    }

    /** Stops every program {@link #run} is running now (with its descendants); for a sandbox closing early. */
    static void stopAll() {
        List<Long> pids = new java.util.ArrayList<>();
        for (Process p : RUNNING) {
            pids.addAll(Processes.withDescendants(p.pid()));
        }
        Processes.terminate(pids, Duration.ofSeconds(5));
    }

    record Result(List<String> command, int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }

        Result orThrow() {
            if (!ok()) {
                throw new IllegalStateException(String.join(" ", command) + " failed (exit " + exitCode + ")"
                        + (output.isBlank() ? "" : ":\n" + tail(output, 30)));
            }
            return this;
        }
    }

    /**
     * Runs {@code command} in {@code dir} with only {@code env} (plus PATH and LANG when not given) in its
     * environment; stdout and stderr together. Throws when it cannot start or outlives {@code timeout}.
     */
    static Result run(List<String> command, Path dir, Map<String, String> env, Duration timeout) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        if (dir != null) {
            builder.directory(dir.toFile());
        }
        builder.environment().clear();
        builder.environment().put("PATH", PATH);
        builder.environment().put("LANG", "C.UTF-8");
        builder.environment().putAll(env);
        Process process;
        if (shuttingDown) {
            throw new IllegalStateException("not running " + command.get(0) + ": the demo is stopping");
        }
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        }
        RUNNING.add(process);
        try {
            return collect(command, process, timeout);
        } finally {
            RUNNING.remove(process);
        }
    }

    private static Result collect(List<String> command, Process process, Duration timeout) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> copy(process.getInputStream(), output), "essay-demo-output");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout.toSeconds() + "s");
            }
            reader.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        }
        String text;
        synchronized (output) {
            text = output.toString(StandardCharsets.UTF_8);
        }
        return new Result(command, process.exitValue(), text);
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
            // the process went away; keep what was read
        }
    }

    static String tail(String text, int lines) {
        String[] all = text.split("\n");
        int from = Math.max(0, all.length - lines);
        return String.join("\n", java.util.Arrays.asList(all).subList(from, all.length));
    }
}
