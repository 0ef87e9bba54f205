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
 * The essay command as users run it ({@code java -jar essay-cli.jar}), in its own JVM under GNU
 * {@code /usr/bin/time}, which reports the process's peak resident memory.
 */
final class EssayCli {
    private final Path jar;
    private final Path config;
    private final Path work;

    EssayCli(Path jar, Path config, Path work) {
        this.jar = jar;
        this.config = config;
        this.work = work;
    }

    /** What one command did: its exit status, wall seconds, peak RSS in MiB, and its output. */
    record Run(int exit, double seconds, double peakMib, String output) {
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
        List<String> argv = new ArrayList<>(List.of("/usr/bin/time", "-f", "%M", "-o", rss.toString(),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
                "--config", config.toString()));
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
            String kib = Files.readString(rss, StandardCharsets.UTF_8).strip();
            String last = kib.isEmpty() ? "0" : kib.lines().reduce((a, b) -> b).orElse("0").strip();
            Files.deleteIfExists(out);
            Files.deleteIfExists(rss);
            return new Run(process.exitValue(), seconds, last.matches("[0-9]+") ? Long.parseLong(last) / 1024.0 : Double.NaN, output);
        }
    }
}
