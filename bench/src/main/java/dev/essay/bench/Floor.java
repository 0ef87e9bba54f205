package dev.essay.bench;

import dev.essay.core.deploy.SupervisorConfig;
import dev.essay.core.model.HostAddress;
import dev.essay.core.model.Project;
import dev.essay.core.model.Secret;
import dev.essay.core.pkg.Trees;
import dev.essay.core.shell.Shell;
import dev.essay.fleet.FleetHost;
import dev.essay.fleet.SampleBuild;
import dev.essay.fleet.TestFleet;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * "The floor": essay's remote work for one deploy (virtualenv, pip install from the same index, the same
 * rendered supervisord config, start, wait until every process answers its health check) as one plain shell
 * script per host, sent over the OpenSSH client to every host at once. No orchestrator can do the same work
 * on this fleet much faster.
 */
final class Floor {
    private Floor() {
    }

    /** Deploys {@code version} into {@code slot} on every host; returns wall seconds. */
    static double deploy(TestFleet fleet, Project project, String slot, String version) throws Exception {
        List<FleetHost> hosts = fleet.hosts();
        List<Process> running = new ArrayList<>();
        Path dir = Files.createTempDirectory("essay-floor-");
        try {
            List<Path> scripts = new ArrayList<>();
            for (FleetHost host : hosts) {
                Path file = dir.resolve(host.name() + ".sh");
                Files.writeString(file, script(fleet, project, host, slot, version), StandardCharsets.UTF_8);
                scripts.add(file);
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < hosts.size(); i++) {
                FleetHost host = hosts.get(i);
                List<String> ssh = fleet.sshCommand(host, fleet.knownHosts(), "/bin/sh -s").stream()
                        .map(a -> a.startsWith("ConnectTimeout=") ? "ConnectTimeout=" + Bench.CONNECT_TIMEOUT_S : a).toList();
                running.add(new ProcessBuilder(ssh)
                        .redirectInput(scripts.get(i).toFile()).redirectErrorStream(true)
                        .redirectOutput(dir.resolve(host.name() + ".out").toFile()).start());
            }
            for (int i = 0; i < running.size(); i++) {
                Process p = running.get(i);
                if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
                    throw new IllegalStateException("the floor script failed on " + hosts.get(i) + ": "
                            + Files.readString(dir.resolve(hosts.get(i).name() + ".out")));
                }
            }
            return (System.nanoTime() - t0) / 1e9;
        } finally {
            running.forEach(Process::destroyForcibly);
            Trees.delete(dir);
        }
    }

    private static String script(TestFleet fleet, Project project, FleetHost host, String slot, String version) {
        String slotDir = fleet.slotDir(host, slot).toString();
        String config = SupervisorConfig.render(project, HostAddress.parse(host.spec()), slot, slotDir, version, "prod",
                Secret.of("floor-" + host.name())).text();
        List<String> health = new ArrayList<>();
        for (int port : project.slot(slot).ports(project.processCount())) {
            health.add(Shell.quote("http://" + host.address() + ":" + port + project.health().path()));
        }
        return String.join("\n",
                "set -e",
                "D=" + Shell.quote(slotDir),
                "mkdir -p \"$D/etc\" \"$D/run\" \"$D/logs\"",
                "[ -x \"$D/bin/python\" ] || " + SampleBuild.PYTHON + " -m venv \"$D\"",
                "\"$D/bin/pip\" install -q --disable-pip-version-check --index-url " + Shell.quote(fleet.indexUrl().toString())
                        + " " + Shell.quote(project.name() + "==" + version),
                "cat > \"$D/etc/supervisord.conf\" <<'FLOOR_EOF'",
                config + "FLOOR_EOF",
                "supervisord -c \"$D/etc/supervisord.conf\"",
                // one python for the whole wait, like essay's health check: a python started per attempt would
                // cost the floor CPU that a hundred hosts on two cores do not have to spare
                "python3 -c '",
                "import sys, time, urllib.request",
                "pending = sys.argv[1:]",
                "for attempt in range(120):",
                "    left = []",
                "    for url in pending:",
                "        try:",
                "            urllib.request.urlopen(url, timeout=2).read()",
                "        except Exception:",
                "            left.append(url)",
                "    pending = left",
                "    if not pending:",
                "        sys.exit(0)",
                "    time.sleep(0.25)",
                "sys.exit(\"not healthy: \" + \" \".join(pending))",
                "' " + String.join(" ", health),
                "");
    }
}
