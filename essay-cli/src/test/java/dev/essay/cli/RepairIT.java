package dev.essay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.essay.fleet.FleetBackend;
import dev.essay.fleet.FleetHost;
import dev.essay.fleet.Pids;
import dev.essay.fleet.TestFleet;
import dev.essay.fleet.TrafficLoop;
import dev.essay.fleet.junit.WithFleet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code essay repair} on the real fleet: a release is live on three hosts; one host's program is stopped with
 * supervisorctl, another gets another version pip-installed by hand, the third is left alone. The repair reinstalls the
 * live version on the two drifted hosts only, while traffic through nginx never fails; a second repair changes nothing.
 */
@WithFleet(hosts = 3, published = {"1.0.0", "2.0.0"}, needs = FleetBackend.OPENSSH,
        because = "drifts hosts through TestFleet: runs supervisorctl and pip as the host's user, reads slot PIDs")
class RepairIT {
    static TestFleet fleet;
    static String config;

    @BeforeAll
    static void boot() {
        config = fleet.writeConfig().toString();
    }

    /** The PIDs of slot a's supervisord on {@code host} and of every process under it. */
    static List<Long> slotPids(FleetHost host) {
        Optional<Long> supervisord = Pids.readPidFile(fleet.slotDir(host, "a").resolve("run/supervisord.pid"));
        return supervisord.map(Pids::withDescendants).orElse(List.of());
    }

    static Cli.Run essay(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--config";
        all[1] = config;
        System.arraycopy(args, 0, all, 2, args.length);
        return Cli.run(all);
    }

    @Test
    void driftedHostsGetTheLiveVersionBackAndTheOthersAreNotTouched() throws Exception {
        Cli.Run deploy = essay("deploy", "2.0.0", "--slot", "a");
        assertThat(deploy.exit()).as(deploy.all()).isZero();
        Cli.Run sw = essay("switch", "--to", "a");
        assertThat(sw.exit()).as(sw.all()).isZero();

        FleetHost stopped = fleet.host(1);
        FleetHost otherVersion = fleet.host(2);
        FleetHost untouched = fleet.host(3);
        List<Long> untouchedPids = slotPids(untouched);
        assertThat(untouchedPids).hasSizeGreaterThan(1);

        try (TrafficLoop traffic = fleet.traffic()) {
            traffic.awaitSlot("a", 10);
            fleet.ssh(stopped, "supervisorctl -c ~/essay-sample/a/etc/supervisord.conf stop all").orThrow();
            fleet.ssh(otherVersion, "~/essay-sample/a/bin/pip install --disable-pip-version-check --no-input -q"
                    + " --index-url " + fleet.indexUrl() + " essay-sample==1.0.0").orThrow();

            Cli.Run repair = essay("repair");
            assertThat(repair.exit()).as(repair.all()).isZero();
            assertThat(repair.out())
                    .contains("slot a is live at 2.0.0")
                    .contains("[" + stopped.spec() + "] drifted from 2.0.0: slot a is unhealthy")
                    .contains("[" + otherVersion.spec() + "] drifted from 2.0.0: slot a has 1.0.0 installed (not by essay")
                    .contains("[" + untouched.spec() + "] slot a runs 2.0.0 and is healthy; not touched")
                    .contains("[" + stopped.spec() + "] repaired: slot a runs 2.0.0 and is healthy")
                    .contains("[" + otherVersion.spec() + "] repaired: slot a runs 2.0.0 and is healthy")
                    .contains("repaired slot a (2.0.0) on 2 of 3 host(s)");
            assertThat(repair.out()).doesNotContain("[" + untouched.spec() + "] pip-install");

            TrafficLoop.Stats stats = traffic.awaitRequests(traffic.requests() + 20);
            assertThat(stats.failures()).as(String.valueOf(stats.firstFailures())).isZero();
            assertThat(stats.ofVersion("2.0.0")).isEqualTo(stats.successes());
        }
        assertThat(slotPids(untouched)).containsExactlyInAnyOrderElementsOf(untouchedPids);

        Cli.Run status = essay("status", "--json");
        assertThat(status.exit()).as(status.all()).isZero();
        for (JsonNode host : new ObjectMapper().readTree(status.out()).get("hosts")) {
            JsonNode a = host.get("slots").get(0);
            assertThat(a.get("slot").asText()).isEqualTo("a");
            assertThat(a.get("version").asText()).as(host.toString()).isEqualTo("2.0.0");
            assertThat(a.get("healthy").asBoolean()).as(host.toString()).isTrue();
            assertThat(a.get("answering_version").asText()).as(host.toString()).isEqualTo("2.0.0");
        }
        assertThat(fleet.ssh(otherVersion, "~/essay-sample/a/bin/pip show essay-sample").orThrow().output())
                .contains("Version: 2.0.0");

        Cli.Run history = essay("history", "--json");
        JsonNode entries = new ObjectMapper().readTree(history.out());
        JsonNode last = entries.get(entries.size() - 1);
        assertThat(last.get("action").asText()).isEqualTo("repair");
        assertThat(last.get("result").asText()).isEqualTo("ok");
        assertThat(last.get("version").asText()).isEqualTo("2.0.0");
        assertThat(last.get("to").asText()).isEqualTo("a");
        assertThat(last.get("hosts").toString())
                .contains("{\"host\":\"" + stopped.spec() + "\",\"result\":\"ok\"")
                .contains("{\"host\":\"" + otherVersion.spec() + "\",\"result\":\"ok\"")
                .contains("{\"host\":\"" + untouched.spec() + "\",\"result\":\"unchanged\"");

        List<Long> before = List.of(stopped, otherVersion, untouched).stream().flatMap(h -> slotPids(h).stream()).toList();
        Cli.Run again = essay("repair", "--json");
        assertThat(again.exit()).as(again.all()).isZero();
        JsonNode result = new ObjectMapper().readTree(again.out());
        assertThat(result.get("nothing_drifted").asBoolean()).as(again.out()).isTrue();
        assertThat(result.get("hosts").findValuesAsText("result")).containsOnly("unchanged");
        assertThat(List.of(stopped, otherVersion, untouched).stream().flatMap(h -> slotPids(h).stream()).toList())
                .containsExactlyInAnyOrderElementsOf(before);
        JsonNode after = new ObjectMapper().readTree(essay("history", "--json").out());
        assertThat(after.size()).isEqualTo(entries.size());
    }
}
