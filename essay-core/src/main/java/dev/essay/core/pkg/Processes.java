package dev.essay.core.pkg;

import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs local programs as argv lists (never through a shell), output (stdout and stderr merged) captured. */
final class Processes {
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
        StringBuilder output = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (InputStream in = process.getInputStream()) {
                byte[] buf = new byte[8192];
                int n;
                while ((n = in.read(buf)) > 0) {
                    synchronized (output) {
                        output.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    }
                }
            } catch (IOException e) {
                // the process went away; what was read is kept
            }
        }, "essay-package-output");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                reader.join(2000);
                throw new PackageException(ExitCode.ERROR, String.join(" ", argv) + " did not finish within "
                        + timeout.toSeconds() + "s", tail(output.toString(), TAIL_LINES), null);
            }
            reader.join(10_000);
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new EssayException(ExitCode.CANCELLED, "interrupted while running " + argv.get(0), null, null, e);
        }
        synchronized (output) {
            return new Result(process.exitValue(), output.toString());
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
