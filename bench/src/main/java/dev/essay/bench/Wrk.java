package dev.essay.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.essay.fleet.LocalCommand;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The load generator of the zero-downtime scenario: {@code wrk} (Debian) with {@code bench/wrk.lua}, which
 * paces each connection and prints its counts as JSON when wrk is stopped with SIGINT.
 */
final class Wrk implements AutoCloseable {
    private final Process process;
    private final Path out;
    private boolean stopped;

    private Wrk(Process process, Path out) {
        this.process = process;
        this.out = out;
    }

    /**
     * What wrk counted: every request, answers that were not 2xx/3xx, socket errors by kind; and what
     * bench/wrk.lua counted: requests written and answers read. {@code unanswered} includes at most one
     * request per connection still in flight when wrk was stopped.
     */
    record Counts(long requests, long sent, long answered, long non2xx3xx, long connectErrors, long readErrors,
                  long writeErrors, long timeouts, double p99Millis) {
        long unanswered() {
            return sent - answered;
        }
    }

    /** Starts wrk; with {@code keepAlive} false every request asks for {@code Connection: close}. */
    static Wrk start(URI url, Path script, int connections, int pauseMillis, boolean keepAlive, Path work) throws IOException {
        Path out = Files.createTempFile(work, "wrk-", ".out");
        ProcessBuilder builder = new ProcessBuilder("wrk", "-t1", "-c" + connections, "-d3600s", "--timeout", "5s",
                "-s", script.toString(), url.toString())
                .redirectErrorStream(true).redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("ESSAY_WRK_PAUSE_MS", Integer.toString(pauseMillis));
        builder.environment().put("ESSAY_WRK_CLOSE", keepAlive ? "0" : "1");
        return new Wrk(builder.start(), out);
    }

    /** Stops wrk with SIGINT (it then prints its summary) and returns its counts. */
    Counts stop() throws IOException, InterruptedException {
        stopped = true;
        LocalCommand.run(List.of("kill", "-INT", Long.toString(process.pid())), Duration.ofSeconds(10)).orThrow();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("wrk did not stop on SIGINT");
        }
        String text = Files.readString(out, StandardCharsets.UTF_8);
        Files.deleteIfExists(out);
        String json = text.lines().filter(l -> l.startsWith("{\"requests\"")).reduce((a, b) -> b)
                .orElseThrow(() -> new IllegalStateException("wrk printed no counts:\n" + text));
        JsonNode n = new ObjectMapper().readTree(json);
        return new Counts(n.get("requests").asLong(), n.get("sent").asLong(), n.get("answered").asLong(),
                n.get("non_2xx_3xx").asLong(), n.get("connect_errors").asLong(),
                n.get("read_errors").asLong(), n.get("write_errors").asLong(), n.get("timeouts").asLong(),
                n.get("latency_p99_us").asLong() / 1000.0);
    }

    @Override
    public void close() throws IOException {
        if (!stopped) {
            process.destroyForcibly();
        }
        Files.deleteIfExists(out);
    }
}
