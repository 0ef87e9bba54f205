package dev.essay.core.bench;

import dev.essay.core.DeployRequest;
import dev.essay.core.DeployResult;
import dev.essay.core.Engine;
import dev.essay.core.config.ProjectLoader;
import dev.essay.core.deploy.SupervisorConfig;
import dev.essay.core.model.Actor;
import dev.essay.core.model.HostAddress;
import dev.essay.core.model.Project;
import dev.essay.core.model.Secret;
import dev.essay.core.shell.Shell;
import dev.essay.core.testfleet.FleetHost;
import dev.essay.core.testfleet.SampleDistributions;
import dev.essay.core.testfleet.TestFleet;
import dev.essay.core.transport.SshSettings;
import dev.essay.core.transport.SshTransport;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Fan-out: essay deploys the sample to N real OpenSSH hosts (slot a), then "the floor" does the same remote work
 * (venv, pip install from the same index, the same rendered supervisord config, start, wait for health) as one
 * plain shell script per host over plain {@code ssh}, all hosts in parallel (slot b), on the same fleet in the same
 * run. Prints wall times, the essay/floor ratio, and SSH connections and sessions per host for essay. Never fails
 * on a time. Needs root (the test fleet creates users); run it with {@code bench/run}.
 */
public final class FanOutBench {
    private FanOutBench() {
    }

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = new ArrayList<>();
        for (String n : (args.length == 0 ? "1,10" : args[0]).split(",")) {
            sizes.add(Integer.parseInt(n.strip()));
        }
        int cycles = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        List<String> rows = new ArrayList<>();
        String zeroDowntime = null;
        double oneHost = 0;
        for (int n : sizes) {
            try (TestFleet fleet = TestFleet.builder().hosts(n).build()) {
                fleet.publish("1.0.0");
                Path yaml = fleet.writeConfig();
                Project project = ProjectLoader.load(yaml);
                List<FleetHost> hosts = fleet.hosts();
                long connectionsBefore = hosts.stream().mapToLong(fleet::sshConnections).sum();
                long sessionsBefore = hosts.stream().mapToLong(fleet::sshSessions).sum();
                Engine engine = Engine.builder(project).transport(new SshTransport(SshSettings.fromProject(project.ssh())))
                        .actor(new Actor("bench", "bench")).build();
                long t0 = System.nanoTime();
                DeployResult result = engine.deploy(DeployRequest.of("1.0.0", "a"));
                double essay = (System.nanoTime() - t0) / 1e9;
                if (!result.ok()) {
                    throw new IllegalStateException("essay deploy failed: " + result.fleet().table());
                }
                double connections = (hosts.stream().mapToLong(fleet::sshConnections).sum() - connectionsBefore) / (double) n;
                double sessions = (hosts.stream().mapToLong(fleet::sshSessions).sum() - sessionsBefore) / (double) n;
                double floor = floor(fleet, project, hosts);
                if (n == sizes.get(0)) {
                    oneHost = essay;
                }
                rows.add(String.format(Locale.ROOT, "| %d | %.1f s | %.2f | %.1f s | %.2f | %.1f | %.1f |", n, essay,
                        essay / oneHost, floor, essay / floor, connections, sessions));
                if (n == sizes.get(sizes.size() - 1) && cycles > 0) {
                    zeroDowntime = zeroDowntime(fleet, engine, n, cycles);
                }
            }
        }
        System.out.println();
        System.out.println("| hosts N | essay deploy | T(N)/T(first N) | floor (plain ssh) | essay/floor | SSH connections per host | SSH sessions (round trips) per host |");
        System.out.println("|---|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
        if (zeroDowntime != null) {
            System.out.println();
            System.out.println("| hosts | cycles (deploy, switch, rollback) | requests through nginx | failed | switches+rollbacks | mean switch time | mean deploy time |");
            System.out.println("|---|---|---|---|---|---|---|");
            System.out.println(zeroDowntime);
        }
    }

    /**
     * Cycles of deploy into slot b, switch to b, rollback to a, while a request loop (one client, back to back)
     * goes through nginx; every non-2xx answer, socket error and timeout counts as failed.
     */
    private static String zeroDowntime(TestFleet fleet, Engine engine, int n, int cycles) {
        engine.switchSlot(dev.essay.core.SwitchRequest.to("a"));
        fleet.publish("2.0.0");
        fleet.publish("2.1.0");
        double switching = 0;
        double deploying = 0;
        try (dev.essay.core.testfleet.TrafficLoop traffic = fleet.traffic()) {
            traffic.awaitSlot("a", 5);
            for (int i = 0; i < cycles; i++) {
                long t0 = System.nanoTime();
                if (!engine.deploy(DeployRequest.of(i % 2 == 0 ? "2.0.0" : "2.1.0", "b")).ok()) {
                    throw new IllegalStateException("deploy failed in cycle " + (i + 1));
                }
                long t1 = System.nanoTime();
                engine.switchSlot(dev.essay.core.SwitchRequest.to("b"));
                long t2 = System.nanoTime();
                engine.switchSlot(dev.essay.core.SwitchRequest.back());
                long t3 = System.nanoTime();
                deploying += (t1 - t0) / 1e9;
                switching += ((t2 - t1) + (t3 - t2)) / 2e9;
            }
            dev.essay.core.testfleet.TrafficLoop.Stats stats = traffic.awaitRequests(traffic.requests() + 5);
            return String.format(Locale.ROOT, "| %d | %d | %d | %d | %d | %.2f s | %.1f s |", n, cycles, stats.requests(),
                    stats.failures(), 2 * cycles, switching / cycles, deploying / cycles);
        }
    }

    /** The same remote work as one shell script per host, run over plain ssh on every host at once; wall seconds. */
    private static double floor(TestFleet fleet, Project project, List<FleetHost> hosts) throws Exception {
        List<Process> running = new ArrayList<>();
        Path dir = Files.createTempDirectory("essay-floor-");
        long t0 = System.nanoTime();
        for (FleetHost host : hosts) {
            String slotDir = host.home().resolve("essay-sample").resolve("b").toString();
            String config = SupervisorConfig.render(project, HostAddress.parse(host.spec()), "b", slotDir, "1.0.0", "prod",
                    Secret.of("floor-" + host.name())).text();
            String health = "http://" + host.address() + ":" + project.slot("b").portPrefix() + "0" + project.health().path();
            String script = String.join("\n",
                    "set -e",
                    "D=" + Shell.quote(slotDir),
                    "mkdir -p \"$D/etc\" \"$D/run\" \"$D/logs\"",
                    "[ -x \"$D/bin/python\" ] || " + SampleDistributions.PYTHON + " -m venv \"$D\"",
                    "\"$D/bin/pip\" install -q --disable-pip-version-check --index-url " + Shell.quote(fleet.indexUrl().toString())
                            + " essay-sample==1.0.0",
                    "cat > \"$D/etc/supervisord.conf\" <<'FLOOR_EOF'",
                    config + "FLOOR_EOF",
                    "supervisord -c \"$D/etc/supervisord.conf\"",
                    "i=0; until python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "
                            + Shell.quote(health) + " 2>/dev/null; do i=$((i+1)); [ $i -lt 120 ]; sleep 0.25; done",
                    "");
            Path file = dir.resolve(host.name() + ".sh");
            Files.writeString(file, script, StandardCharsets.UTF_8);
            running.add(new ProcessBuilder(fleet.sshCommand(host, fleet.knownHosts(), "/bin/sh -s"))
                    .redirectInput(file.toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve(host.name() + ".out").toFile()).start());
        }
        for (int i = 0; i < running.size(); i++) {
            Process p = running.get(i);
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException("the floor script failed on " + hosts.get(i) + ": "
                        + Files.readString(dir.resolve(hosts.get(i).name() + ".out")));
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        for (File f : dir.toFile().listFiles()) {
            Files.delete(f.toPath());
        }
        Files.delete(dir);
        return seconds;
    }
}
