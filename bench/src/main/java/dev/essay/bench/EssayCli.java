package dev.essay.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The essay command as users run it (the {@code essay} launcher of the checkout, which starts the CLI jar in
 * its own JVM with the launcher's JVM options), under GNU {@code /usr/bin/time}, which reports the process's
 * peak resident memory and its CPU time.
 */
final class EssayCli {
    private final Path launcher;
    private final Path config;
    private final Path work;

    EssayCli(Path repo, Path config, Path work) {
        this.launcher = repo.resolve("essay");
        this.config = config;
        this.work = work;
    }

    /** What one command did: its exit status, wall seconds, peak RSS in MiB, CPU seconds (user + system), its output. */
    record Run(int exit, double seconds, double peakMib, double cpuSeconds, String output) {
        Run orThrow(String what) {
            if (exit != 0) {
                throw new IllegalStateException(what + " exited with " + exit + ":\n" + output);
            }
            return this;
        }
    }

    /** Starts {@code essay --config <config> args...}; {@link Started#await} waits for it. */
    Started start(String... args) throws IOException {
        Path out = Files.createTempFile(work, "essay-", ".out");
        Path rss = Files.createTempFile(work, "essay-", ".rss");
        List<String> argv = new ArrayList<>(List.of("/usr/bin/time", "-f", "%M %U %S", "-o", rss.toString(),
                launcher.toString(), "--config", config.toString()));
        argv.addAll(List.of(args));
        long t0 = System.nanoTime();
        Process process = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        return new Started(process, t0, out, rss, String.join(" ", args));
    }

    Run run(String... args) throws IOException, InterruptedException {
        return start(args).await();
    }

    record Started(Process process, long startNanos, Path out, Path rss, String command) {
        Run await() throws IOException, InterruptedException {
            if (!process.waitFor(30, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("essay " + command + " did not end within 30 minutes");
            }
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            String output = Files.readString(out, StandardCharsets.UTF_8);
            // GNU time's last line: "<max RSS KiB> <user s> <system s>" (earlier lines say how the command ended)
            String last = Files.readString(rss, StandardCharsets.UTF_8).strip().lines().reduce((a, b) -> b).orElse("").strip();
            Files.deleteIfExists(out);
            Files.deleteIfExists(rss);
            String[] f = last.split(" ");
            boolean parsed = last.matches("[0-9]+ [0-9.]+ [0-9.]+");
            return new Run(process.exitValue(), seconds, parsed ? Long.parseLong(f[0]) / 1024.0 : Double.NaN,
                    parsed ? Double.parseDouble(f[1]) + Double.parseDouble(f[2]) : Double.NaN, output);
        }
    }
}
