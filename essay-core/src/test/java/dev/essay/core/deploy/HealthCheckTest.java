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
        Project.Health health = new Project.Health("/health", 200, Duration.ofSeconds(2), retries, Duration.ofMillis(300),
                "X-Essay-Slot", "X-Essay-Version", 100);
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/health";
        String script = HealthCheck.shell("python3", health, List.of(url), "a", version, retries, 1, "");
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
}
