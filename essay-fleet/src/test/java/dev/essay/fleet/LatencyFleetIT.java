package dev.essay.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** A fleet with added latency: clients reach each sshd through a delaying relay, host keys still verified. */
class LatencyFleetIT {
    @Test
    void sshGoesThroughTheRelayWithTheHostKeyVerified() {
        String unavailable = FleetBackend.OPENSSH.unavailableBecause();
        Assumptions.assumeTrue(unavailable == null, () -> "tests TestFleet's relay: " + unavailable);
        try (TestFleet fleet = TestFleet.builder().hosts(2).latency(Duration.ofMillis(40)).build()) {
            for (FleetHost host : fleet.hosts()) {
                LocalCommand.Result result = fleet.ssh(host, "id -un");

                assertThat(result.exitCode()).as(result.output()).isZero();
                assertThat(result.output().strip()).isEqualTo(host.user());
                assertThat(fleet.sshConnections(host)).isEqualTo(1);
            }
            assertThat(fleet.knownHosts()).content().contains("[" + fleet.host(1).address() + "]:" + fleet.host(1).port() + " ");
        }
    }
}
