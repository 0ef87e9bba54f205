package dev.essay.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.essay.core.model.Project;
import dev.essay.core.pkg.Trees;
import dev.essay.fleet.FleetHost;
import dev.essay.fleet.Pids;
import dev.essay.fleet.SampleBuild;
import dev.essay.fleet.TestFleet;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code bench/ansible/deploy.yml} (Debian's ansible-core) on the test fleet: forks = every host,
 * pipelining on, no fact gathering, host keys verified against the fleet's known_hosts with OpenSSH
 * connection sharing (Ansible's defaults otherwise). Tuned: also the {@code free} strategy (a host goes on to
 * its next task without waiting for the others) and no SSH compression (it only costs CPU on loopback). Stops
 * the ControlPersist masters it leaves, by PID.
 */
final class Ansible {
    private Ansible() {
    }

    /** Deploys {@code version} into {@code slot} on every host and switches the router to it; wall seconds. */
    static double deployAndSwitch(TestFleet fleet, Project project, Path playbook, String slot, String version, boolean tuned)
            throws Exception {
        List<FleetHost> hosts = fleet.hosts();
        Path dir = Files.createTempDirectory("essay-ansible-");
        // a short directory: the control socket path must fit in a Unix socket address
        Path control = Files.createTempDirectory(Path.of("/tmp"), "eab-");
        try {
            StringBuilder inventory = new StringBuilder("[web]\n");
            for (FleetHost host : hosts) {
                inventory.append(entry(host)).append(" slot_dir=").append(fleet.slotDir(host, slot))
                        .append(" supervisor_password=ansible-").append(host.name()).append('\n');
            }
            inventory.append("[router]\n").append(entry(fleet.routerHost())).append('\n');
            inventory.append("[all:vars]\nansible_ssh_private_key_file=").append(fleet.identity()).append('\n');
            Files.writeString(dir.resolve("inventory.ini"), inventory.toString(), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("ansible.cfg"), String.join("\n",
                    "[defaults]",
                    "forks = " + hosts.size(),
                    "strategy = " + (tuned ? "free" : "linear"),
                    "timeout = " + Bench.CONNECT_TIMEOUT_S,
                    "host_key_checking = True",
                    "gathering = explicit",
                    "interpreter_python = /usr/bin/python3",
                    "retry_files_enabled = False",
                    "local_tmp = " + dir.resolve("local-tmp"),
                    "[ssh_connection]",
                    "pipelining = True",
                    "control_path_dir = " + control,
                    "ssh_args = " + (tuned ? "" : "-C ") + "-o ControlMaster=auto -o ControlPersist=60s -o IdentitiesOnly=yes -o UserKnownHostsFile="
                            + fleet.knownHosts() + " -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes",
                    ""), StandardCharsets.UTF_8);
            Map<String, Object> vars = new LinkedHashMap<>();
            vars.put("project", project.name());
            vars.put("version", version);
            vars.put("slot", slot);
            vars.put("profile", project.profile());
            vars.put("index_url", fleet.indexUrl().toString());
            vars.put("python", SampleBuild.PYTHON);
            vars.put("template", project.supervisor().template().toString());
            vars.put("port_prefix", project.slot(slot).portPrefix());
            vars.put("process_count", project.processCount());
            vars.put("health_path", project.health().path());
            vars.put("upstream_file", project.router().upstreamFile());
            vars.put("upstream_name", project.router().upstreamName());
            vars.put("nginx", project.router().nginx());
            vars.put("nginx_conf", project.router().config());
            vars.put("router_url", project.router().url());
            new ObjectMapper().writeValue(dir.resolve("vars.json").toFile(), vars);

            ProcessBuilder builder = new ProcessBuilder("ansible-playbook", "-i", dir.resolve("inventory.ini").toString(),
                    "-e", "@" + dir.resolve("vars.json"), playbook.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("ansible.out").toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().put("ANSIBLE_CONFIG", dir.resolve("ansible.cfg").toString());
            builder.environment().put("ANSIBLE_NOCOLOR", "1");
            long t0 = System.nanoTime();
            Process process = builder.start();
            if (!process.waitFor(30, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("ansible-playbook did not end within 30 minutes");
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (process.exitValue() != 0) {
                throw new IllegalStateException("ansible-playbook exited with " + process.exitValue() + ":\n"
                        + Files.readString(dir.resolve("ansible.out")));
            }
            return seconds;
        } finally {
            stopControlMasters(control);
            Trees.delete(dir);
            Trees.delete(control);
            List<FleetHost> all = new ArrayList<>(hosts);
            all.add(fleet.routerHost());
            for (FleetHost host : all) {
                Trees.delete(host.home().resolve(".ansible"));
            }
        }
    }

    private static String entry(FleetHost host) {
        return host.name() + " ansible_host=" + host.address() + " ansible_port=" + host.port() + " ansible_user=" + host.user();
    }

    /** The ssh ControlPersist masters Ansible started (their command line names the control directory). */
    private static void stopControlMasters(Path control) {
        List<Long> masters = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.startsWith("ssh") && c.contains(control.toString())).orElse(false))
                .map(ProcessHandle::pid).toList();
        List<Long> left = Pids.terminate(masters, Duration.ofSeconds(10));
        if (!left.isEmpty()) {
            throw new IllegalStateException("Ansible's ssh masters did not stop: " + left);
        }
    }
}
