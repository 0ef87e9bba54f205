package dev.essay.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.essay.core.config.ProjectLoader;
import dev.essay.core.model.Project;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The embedded backend on its own: no root, no Unix users, no sshd; everything it starts is gone after close. */
class EmbeddedFleetIT {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void bootsHostsOnTheNamespacesAddressesAnswersThroughNginxAndLeavesNothingBehind() throws Exception {
        Path dir;
        List<Long> pids;
        try (EmbeddedFleet fleet = EmbeddedFleet.builder().hosts(2).published("1.0.0").build()) {
            dir = fleet.layout().dir();
            String prefix = "127." + (10 + TestFleet.NAMESPACE) + ".1.";
            assertThat(fleet.hosts()).extracting(FleetHost::address).containsExactly(prefix + "1", prefix + "2");
            assertThat(fleet.routerHost().address()).isEqualTo(prefix + "100");
            assertThat(Files.readAllLines(fleet.knownHosts())).hasSize(3);
            Project project = ProjectLoader.load(fleet.writeConfig());
            assertThat(project.name()).isEqualTo(FleetConfig.PROJECT);
            HttpResponse<String> index = http.send(HttpRequest.newBuilder(fleet.indexUrl().resolve("essay-sample/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(index.body()).contains("essay_sample-1.0.0");
            HttpResponse<String> router = http.send(HttpRequest.newBuilder(URI.create(fleet.routerUrl() + "health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(router.statusCode()).as("nginx answers; no slot is live yet").isEqualTo(502);
            fleet.recordPids();
            pids = fleet.seenPids();
            assertThat(pids).as("nginx").isNotEmpty();
        }
        assertThat(dir).doesNotExist();
        assertThat(pids).noneMatch(Pids::running);
    }
}
