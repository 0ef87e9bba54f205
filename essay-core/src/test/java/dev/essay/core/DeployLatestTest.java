package dev.essay.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.essay.core.api.DeployRequest;
import dev.essay.core.api.DeployResult;
import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.event.EssayEvent;
import dev.essay.core.model.Project;
import dev.essay.core.run.HostResult;
import dev.essay.core.transport.ScriptedTransport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy latest}: the engine reads the index (a real HTTP server serving a PEP 503 page) and deploys the newest
 * version by PEP 440 order, before any host is contacted; the hosts are a {@link ScriptedTransport}.
 */
class DeployLatestTest {
    @TempDir
    Path dir;

    HttpServer index;
    volatile String page;
    String indexUrl;

    @BeforeEach
    void start() throws IOException {
        index = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        index.createContext("/simple/essay-sample/", exchange -> {
            String body = page;
            byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html");
            exchange.sendResponseHeaders(body == null ? 404 : 200, bytes.length == 0 ? -1 : bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        index.start();
        indexUrl = "http://127.0.0.1:" + index.getAddress().getPort() + "/simple/";
    }

    @AfterEach
    void stop() {
        index.stop(0);
    }

    private static String simplePage(String... files) {
        StringBuilder html = new StringBuilder("<!DOCTYPE html><html><body>\n");
        for (String f : files) {
            html.append("<a href=\"../../packages/").append(f).append("\">").append(f).append("</a><br/>\n");
        }
        return html.append("</body></html>\n").toString();
    }

    @Test
    void latestIsTheNewestVersionOnTheIndexAndTheLogSaysWhich() throws Exception {
        page = simplePage("essay_sample-1.9.0.tar.gz", "essay_sample-1.10.0-py3-none-any.whl", "essay_sample-1.10.0.tar.gz",
                "essay_sample-1.2.0.tar.gz");
        Project project = TestProjects.sample(dir, "/srv/router", indexUrl);
        ScriptedTransport t = new ScriptedTransport(ScriptedTransport::slotALive);
        List<EssayEvent> events = new CopyOnWriteArrayList<>();

        DeployResult result = Engine.builder(project).transport(t).listener(events::add).build()
                .deploy(DeployRequest.of("latest", "b"));

        assertThat(result.version()).isEqualTo("1.10.0");
        assertThat(result.fleet().hosts()).allSatisfy(h -> {
            assertThat(h.status()).isEqualTo(HostResult.Status.OK);
            assertThat(h.detail()).contains("1.10.0");
        });
        assertThat(events).contains(new EssayEvent.Info("latest: deploying 1.10.0, the newest version of essay-sample on "
                + indexUrl));
    }

    @Test
    void latestWithNoVersionOnTheIndexIsAUsageErrorBeforeAnyHostIsContacted() throws Exception {
        page = null; // the index answers 404: no version of the project yet
        ScriptedTransport t = new ScriptedTransport(ScriptedTransport::slotALive);
        Engine engine = Engine.builder(TestProjects.sample(dir, "/srv/router", indexUrl)).transport(t).build();

        assertThatThrownBy(() -> engine.deploy(DeployRequest.of("latest", "b")))
                .isInstanceOfSatisfying(EssayException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
                    assertThat(e.getMessage()).isEqualTo("deploy latest: there is no version of essay-sample on the index "
                            + indexUrl);
                });
        assertThat(t.calls).isEmpty();
    }
}
