package dev.essay.core.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.essay.core.model.Project;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The health check program as hosts run it: python3 against a real HTTP server. */
class HealthCheckTest {
    private final AtomicInteger requests = new AtomicInteger();
    private volatile int healthyFrom = 1;
    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/health", exchange -> {
            int n = requests.incrementAndGet();
            exchange.getResponseHeaders().add("X-Essay-Slot", "a");
            exchange.getResponseHeaders().add("X-Essay-Version", "1.0.0");
            exchange.sendResponseHeaders(n >= healthyFrom ? 200 : 503, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private record Run(int exit, String output) {
    }

    private Run run(String version, int retries) throws Exception {
        return run(List.of(url(server)), version, retries, null);
    }

    private static String url(HttpServer server) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/health";
    }

    private static Run run(List<String> urls, String version, int retries, String statusCommand) throws Exception {
        Project.Health health = new Project.Health("/health", 200, Duration.ofSeconds(2), retries, Duration.ofMillis(300),
                "X-Essay-Slot", "X-Essay-Version", 100);
        String script = HealthCheck.shell("python3", health, urls, "a", version, retries, 1, statusCommand, "");
        Process p = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), output);
    }

    @Test
    void aProcessThatComesUpAfterSomeAttemptsPasses() throws Exception {
        healthyFrom = 4;

        Run run = run("1.0.0", 10);

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(HealthCheck.parse(run.output())).singleElement().satisfies(p -> assertThat(p.ok()).isTrue());
        assertThat(requests.get()).isEqualTo(4);
    }

    @Test
    void aWrongVersionFailsAfterExactlyRetriesAttemptsAndSaysWhy() throws Exception {
        Run run = run("2.0.0", 5);

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.output()).contains("FAIL health").contains("problem=version 1.0.0, expected 2.0.0");
        assertThat(requests.get()).isEqualTo(5);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.0.0", "1.0.0.0", "1.0", "1", "01.0.00", "v1.0.0"})
    void theVersionHeaderIsComparedByPep440Equality(String expected) throws Exception {
        Run run = run(expected, 1);

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("ok health").contains("version=1.0.0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.0.0.1", "1.0.1", "10.0.0", "1.0.0rc1", "1.0.0+local", "1!1.0.0", "latest"})
    void aVersionThatIsNotPep440EqualFails(String expected) throws Exception {
        Run run = run(expected, 1);

        assertThat(run.exit()).as(run.output()).isEqualTo(1);
        assertThat(run.output()).contains("problem=version 1.0.0, expected " + expected);
    }

    @Test
    void oneAttemptMeansOneRequest() throws Exception {
        healthyFrom = 2;

        Run run = run("1.0.0", 1);

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.output()).contains("problem=status 503, expected 200");
        assertThat(requests.get()).isEqualTo(1);
    }

    /** A server whose /health answers 200 only once {@code ready} holds, counting the requests it sees. */
    private static HttpServer server(AtomicInteger seen, java.util.function.BooleanSupplier ready) throws Exception {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.createContext("/health", exchange -> {
            seen.incrementAndGet();
            exchange.getResponseHeaders().add("X-Essay-Slot", "a");
            exchange.getResponseHeaders().add("X-Essay-Version", "1.0.0");
            exchange.sendResponseHeaders(ready.getAsBoolean() ? 200 : 503, -1);
            exchange.close();
        });
        s.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        s.start();
        return s;
    }

    @Test
    void theUrlsAreWaitedForInParallelAndReportedInTheirOrder() throws Exception {
        // each process turns healthy only once the other one has been asked: checked one after the other, the
        // first would use up its retries before the second is ever asked
        AtomicInteger first = new AtomicInteger();
        AtomicInteger second = new AtomicInteger();
        HttpServer one = server(first, () -> second.get() > 0);
        HttpServer two = server(second, () -> first.get() > 0);
        try {
            Run run = run(List.of(url(one), url(two)), "1.0.0", 5, null);

            assertThat(run.exit()).as(run.output()).isZero();
            assertThat(HealthCheck.parse(run.output())).extracting(HealthCheck.Probe::url, HealthCheck.Probe::ok)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(url(one), true),
                            org.assertj.core.groups.Tuple.tuple(url(two), true));
            assertThat(run.output().lines()).as("whole lines, one per URL").hasSize(2);
        } finally {
            one.stop(0);
            two.stop(0);
        }
    }

    /**
     * A stand-in for {@code supervisorctl status}: a script that counts its calls in {@code dir/calls} ({@code $n}
     * is the number of this call), then runs {@code lines}.
     */
    private static String statusCommand(java.nio.file.Path dir, String... lines) throws java.io.IOException {
        String calls = dev.essay.core.shell.Shell.quote(dir.resolve("calls").toString());
        java.nio.file.Path status = dir.resolve("status.sh");
        java.nio.file.Files.writeString(status, "echo x >> " + calls + "\nn=$(wc -l < " + calls + ")\n"
                + String.join("\n", lines) + "\n");
        return "sh " + dev.essay.core.shell.Shell.quote(status.toString());
    }

    @Test
    void aProgramThatSupervisordReportsFatalEndsTheWaitAtOnce(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        // STARTING twice (the program may yet start), then FATAL
        String status = statusCommand(dir, "state=STARTING; [ \"$n\" -ge 3 ] && state=FATAL",
                "echo 'essay-sample:essay-sample_0   RUNNING   pid 12, uptime 0:00:03'",
                "echo \"essay-sample:essay-sample_1   $state     Exited too quickly (process log may have details)\"",
                "exit 3");
        int retries = 1000;
        healthyFrom = Integer.MAX_VALUE;

        Run run = run(List.of(url(server), url(server)), "1.0.0", retries, status);

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.output()).isEqualTo(
                "FAIL process essay-sample:essay-sample_1 is FATAL; not waiting for its health check\n");
        assertThat(java.nio.file.Files.readAllLines(dir.resolve("calls"))).as("STARTING is waited through").hasSize(3);
        assertThat(requests.get()).as("the wait ended before the retries ran out").isLessThan(retries);
    }

    /** A process that crashes at once can cycle through BACKOFF and STARTING long before supervisord gives it up. */
    @Test
    void aProgramInBackoffEndsTheWaitAtOnce(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        String status = statusCommand(dir, "echo 'essay-sample:essay-sample_0   RUNNING   pid 12, uptime 0:00:03'",
                "echo 'essay-sample:essay-sample_1   BACKOFF   Exited too quickly (process log may have details)'",
                "exit 3");
        int retries = 1000;
        healthyFrom = Integer.MAX_VALUE;

        Run run = run(List.of(url(server), url(server)), "1.0.0", retries, status);

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.output()).isEqualTo(
                "FAIL process essay-sample:essay-sample_1 is BACKOFF; not waiting for its health check\n");
        assertThat(java.nio.file.Files.readAllLines(dir.resolve("calls"))).hasSize(1);
        assertThat(requests.get()).as("the wait ended before the retries ran out").isLessThan(retries);
    }

    @Test
    void aProgramThatSupervisordRestartedEndsTheWaitAtOnce(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        // a process that outlives startsecs and then exits is restarted (autorestart): its pid changes
        String status = statusCommand(dir, "pid=100; [ \"$n\" -ge 2 ] && pid=101",
                "echo \"essay-sample:essay-sample_0   RUNNING   pid $pid, uptime 0:00:02\"");
        healthyFrom = Integer.MAX_VALUE;

        Run run = run(List.of(url(server)), "1.0.0", 1000, status);

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.output()).isEqualTo("FAIL process essay-sample:essay-sample_0 is EXITED (restarted as pid 101);"
                + " not waiting for its health check\n");
        assertThat(java.nio.file.Files.readAllLines(dir.resolve("calls"))).hasSize(2);
    }
}
