package dev.essay.bench;

import static org.awaitility.Awaitility.await;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.essay.core.config.ProjectLoader;
import dev.essay.core.model.Project;
import dev.essay.core.pkg.Trees;
import dev.essay.fleet.FleetHost;
import dev.essay.fleet.LocalCommand;
import dev.essay.fleet.TestFleet;
import dev.essay.fleet.TrafficLoop;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.ToLongFunction;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The benchmark harness ({@code bench/run}): every scenario of docs/benchmarks.md on a real OpenSSH test
 * fleet built on this machine, printed as Markdown tables and written to {@code <out>/results.md} and
 * {@code <out>/results.json}. Figures are ratios and counts measured in the same invocation; it never fails
 * on a time. Needs root (the fleet creates Unix users).
 *
 * <ol>
 *   <li>Fan-out, per latency and fleet size N, REPS times on fresh fleets in rotating order: {@code essay
 *       deploy} (the essay launcher, its own JVM) into slot a and {@code essay switch} to it; the floor (plain
 *       ssh, one script per host) into slot b; the Ansible playbook into slot c, switching to it. Each starts
 *       with cold pip caches and fresh slot directories. One unmeasured warm-up first.</li>
 *   <li>Zero downtime: wrk and a probe loop drive requests through nginx while CYCLES times
 *       deploy, switch and rollback run; the probe times the first answer of the new slot.</li>
 *   <li>Fault drills: the table of the drill log written by FaultsIT and CliInterruptIT (bench/run runs them
 *       first) with each drill's test outcome.</li>
 * </ol>
 */
public final class Bench {
    /**
     * The SSH connect timeout every tool gets, in seconds: with a hundred hosts' work on two cores an sshd
     * can take more than the fixture's 5 s to send its banner, and a tool must not fail a host for that.
     */
    static final int CONNECT_TIMEOUT_S = 60;

    private final Map<String, String> options;
    private boolean warmedUp;
    private final Path repo;
    private final Path work;
    private final Map<String, Object> json = new LinkedHashMap<>();
    private final StringBuilder markdown = new StringBuilder();

    private Bench(Map<String, String> options) throws Exception {
        this.options = options;
        this.repo = Path.of(options.getOrDefault("repo", ".")).toAbsolutePath().normalize();
        this.work = Files.createTempDirectory("essay-bench-");
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new IllegalArgumentException("options are --name=value, not " + arg);
            }
            options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        Bench bench = new Bench(options);
        try {
            bench.run();
        } finally {
            Trees.delete(bench.work);
        }
    }

    private String required(String name) {
        String value = options.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("--" + name + "= is required");
        }
        return value;
    }

    private List<Integer> ints(String name, String fallback) {
        List<Integer> values = new ArrayList<>();
        for (String v : options.getOrDefault(name, fallback).split(",")) {
            if (!v.isBlank()) {
                values.add(Integer.parseInt(v.strip()));
            }
        }
        return values;
    }

    private void run() throws Exception {
        List<Integer> sizes = ints("sizes", "1,10");
        List<Integer> latencies = ints("latency-ms", "0");
        List<String> tools = List.of(options.getOrDefault("tools", "essay,floor,ansible").split(","));
        int cycles = Integer.parseInt(options.getOrDefault("cycles", "20"));
        int loadHosts = Integer.parseInt(options.getOrDefault("load-hosts", "10"));
        int reps = Integer.parseInt(options.getOrDefault("reps", "1"));

        Map<String, Object> machine = machine();
        json.put("machine", machine);
        markdown.append("Run ").append(machine.get("date")).append(" on ").append(machine.get("cpus")).append(" CPUs, ")
                .append(machine.get("memory")).append(", ").append(machine.get("kernel")).append("; ")
                .append(machine.get("ssh")).append(", ").append(machine.get("ansible")).append(", ")
                .append(machine.get("java")).append(".\n");

        List<Map<String, Object>> fanOut = new ArrayList<>();
        if (!sizes.isEmpty()) {
            for (int latency : latencies) {
                Double first = null;
                Double firstNoop = null;
                for (int n : sizes) {
                    Map<String, Object> row = fanOut(n, latency, tools, reps);
                    if (row.get("essay_deploy_s") instanceof Double deploy) {
                        first = first == null ? deploy : first;
                        row.put("essay_deploy_t_over_first", deploy / first);
                    }
                    if (row.get("essay_noop_deploy_s") instanceof Double noop) {
                        firstNoop = firstNoop == null ? noop : firstNoop;
                        row.put("essay_noop_t_over_first", noop / firstNoop);
                    }
                    fanOut.add(row);
                    System.err.println("[bench] fan-out " + row);
                }
            }
            json.put("fan_out", fanOut);
            fanOutTables(fanOut);
            failures(fanOut);
        }
        if (cycles > 0) {
            Map<String, Object> zero = zeroDowntime(loadHosts, latencies.get(0), cycles);
            json.put("zero_downtime", zero);
            zeroDowntimeTable(zero);
        }
        if (options.containsKey("drills")) {
            List<Map<String, Object>> drills = drills(Path.of(options.get("drills")));
            json.put("fault_drills", drills);
            drillTable(drills);
        }
        Path out = Path.of(options.getOrDefault("out", repo.resolve("bench/results").toString()));
        Files.createDirectories(out);
        Files.writeString(out.resolve("results.md"), markdown.toString(), StandardCharsets.UTF_8);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("results.json").toFile(), json);
        System.out.println();
        System.out.print(markdown);
        System.out.println();
        System.out.println("written: " + out.resolve("results.md") + ", " + out.resolve("results.json"));
    }

    // ------------------------------------------------------------------------------------------------ fan-out

    /**
     * Fan-out at one size and latency: {@code reps} repetitions, each on a fresh fleet, with the order of the
     * tools rotated from one repetition to the next so that none is always first (cold) or last. The row
     * holds each figure's median over the repetitions, the ratios as medians of the per-repetition ratios
     * (tools compared on the same fleet), and every repetition's figures under "reps".
     */
    private Map<String, Object> fanOut(int n, int latencyMs, List<String> tools, int reps) throws Exception {
        if (!warmedUp) {
            warmUp();
        }
        List<Map<String, Object>> samples = new ArrayList<>();
        for (int rep = 0; rep < reps; rep++) {
            List<String> order = new ArrayList<>(tools);
            java.util.Collections.rotate(order, -rep);
            Map<String, Object> sample = new LinkedHashMap<>();
            sample.put("order", String.join(",", order));
            try (TestFleet fleet = TestFleet.builder().hosts(n).latency(Duration.ofMillis(latencyMs)).build()) {
                fleet.publish("1.0.0");
                Path yaml = fleet.writeConfig(benchConfig(fleet, n));
                Project project = ProjectLoader.load(yaml);
                EssayCli essay = new EssayCli(repo, yaml, work);
                for (String tool : order) {
                    switch (tool) {
                        case "essay" -> measure(sample, "essay", () -> essay(fleet, essay, sample));
                        case "floor" -> measure(sample, "floor", () -> floor(fleet, project, sample));
                        case "ansible" -> measure(sample, "ansible", () -> ansible(fleet, project, sample, "ansible", "c", false));
                        case "ansible-tuned" -> measure(sample, "ansible_tuned",
                                () -> ansible(fleet, project, sample, "ansible_tuned", "e", true));
                        default -> throw new IllegalArgumentException("--tools: unknown tool " + tool
                                + " (essay, floor, ansible, ansible-tuned)");
                    }
                }
            }
            if (sample.get("essay_deploy_s") instanceof Double e && sample.get("floor_deploy_s") instanceof Double f) {
                sample.put("essay_over_floor", e / f);
            }
            for (String ansible : List.of("ansible", "ansible_tuned")) {
                if (sample.get("essay_total_s") instanceof Double e && sample.get(ansible + "_total_s") instanceof Double a) {
                    sample.put("essay_over_" + ansible, e / a);
                }
            }
            System.err.println("[bench] fan-out " + n + " hosts, " + latencyMs + " ms, repetition " + (rep + 1) + "/" + reps + ": " + sample);
            samples.add(sample);
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("hosts", n);
        row.put("latency_ms", latencyMs);
        row.put("repetitions", reps);
        java.util.Set<String> keys = new java.util.LinkedHashSet<>();
        samples.forEach(sample -> keys.addAll(sample.keySet()));
        for (String key : keys) {
            List<Double> values = samples.stream().map(sample -> sample.get(key)).filter(Number.class::isInstance)
                    .map(v -> ((Number) v).doubleValue()).sorted().toList();
            if (!values.isEmpty()) {
                row.put(key, median(values));
                if (key.startsWith("essay_over_")) {
                    row.put(key + "_min", values.get(0));
                    row.put(key + "_max", values.get(values.size() - 1));
                }
            }
            samples.stream().map(sample -> sample.get(key)).filter(String.class::isInstance).findFirst()
                    .filter(v -> key.endsWith("_error")).ifPresent(error -> row.put(key, error));
        }
        row.put("reps", samples);
        return row;
    }

    private static double median(List<Double> sorted) {
        int m = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(m) : (sorted.get(m - 1) + sorted.get(m)) / 2;
    }

    /**
     * Once per invocation, before anything is measured, on a fleet of one host: an essay deploy and switch
     * and the floor's deploy (not measured). They bring the page cache (python, ensurepip, the index's
     * files, sshd, ssh) to where every later run finds it, and let the essay launcher write its class data
     * archives (it does that on the first run of each command after a build), so that no tool pays a
     * first-run cost the others do not.
     */
    private void warmUp() throws Exception {
        System.err.println("[bench] warm-up on one host: essay deploy and switch, the floor (not measured)");
        try (TestFleet fleet = TestFleet.builder().hosts(1).build()) {
            fleet.publish("1.0.0");
            Path yaml = fleet.writeConfig(benchConfig(fleet, 1));
            EssayCli essay = new EssayCli(repo, yaml, work);
            essay.run("deploy", "1.0.0", "--slot", "d").orThrow("warm-up essay deploy");
            essay.run("switch", "--to", "d").orThrow("warm-up essay switch");
            Floor.deploy(fleet, ProjectLoader.load(yaml), "e", "1.0.0");
        }
        warmedUp = true;
    }

    /** essay deploy into slot a, then essay switch to it. */
    private static void essay(TestFleet fleet, EssayCli essay, Map<String, Object> row) throws Exception {
        List<FleetHost> hosts = fleet.hosts();
        double n = hosts.size();
        clearPipCaches(fleet);
        long c0 = total(hosts, fleet::sshConnections);
        long s0 = total(hosts, fleet::sshSessions);
        EssayCli.Run deploy = essay.run("deploy", "1.0.0", "--slot", "a").orThrow("essay deploy");
        long c1 = total(hosts, fleet::sshConnections);
        long s1 = total(hosts, fleet::sshSessions);
        // The same deploy again (before the switch: a live slot is not deployed into) finds the version installed
        // and healthy on every host and changes nothing: what is left is essay's own fan-out (JVM, lock, one
        // probe per host, ledger) without the hosts' CPU work.
        EssayCli.Run again = essay.run("deploy", "1.0.0", "--slot", "a").orThrow("essay deploy again");
        if (!again.output().contains("nothing to do")) {
            throw new IllegalStateException("the second essay deploy of 1.0.0 was not a no-op:\n" + again.output());
        }
        row.put("essay_noop_deploy_s", again.seconds());
        row.put("essay_noop_sessions_per_host", (total(hosts, fleet::sshSessions) - s1) / n);
        long r1 = fleet.sshSessions(fleet.routerHost());
        long s2 = total(hosts, fleet::sshSessions);
        EssayCli.Run switched = essay.run("switch", "--to", "a").orThrow("essay switch");
        row.put("essay_deploy_s", deploy.seconds());
        row.put("essay_switch_s", switched.seconds());
        row.put("essay_total_s", deploy.seconds() + switched.seconds());
        row.put("essay_cpu_s_deploy", deploy.cpuSeconds());
        row.put("essay_connections_per_host_deploy", (c1 - c0) / n);
        row.put("essay_sessions_per_host_deploy", (s1 - s0) / n);
        row.put("essay_sessions_per_host_switch", (total(hosts, fleet::sshSessions) - s2) / n);
        row.put("essay_router_sessions_switch", fleet.sshSessions(fleet.routerHost()) - r1);
        row.put("essay_peak_mib_deploy", deploy.peakMib());
        row.put("essay_peak_mib_switch", switched.peakMib());
    }

    /** The floor's deploy into slot b. */
    private static void floor(TestFleet fleet, Project project, Map<String, Object> row) throws Exception {
        clearPipCaches(fleet);
        double floor = Floor.deploy(fleet, project, "b", "1.0.0");
        row.put("floor_deploy_s", floor);
    }

    /** The Ansible playbook's deploy into {@code slot} (c, or e tuned) and switch to it; figures named {@code key_...}. */
    private void ansible(TestFleet fleet, Project project, Map<String, Object> row, String key, String slot, boolean tuned)
            throws Exception {
        List<FleetHost> hosts = fleet.hosts();
        clearPipCaches(fleet);
        long s0 = total(hosts, fleet::sshSessions);
        long r0 = fleet.sshSessions(fleet.routerHost());
        double ansible = Ansible.deployAndSwitch(fleet, project, repo.resolve("bench/ansible/deploy.yml"), slot, "1.0.0", tuned);
        row.put(key + "_total_s", ansible);
        row.put(key + "_sessions_per_host", (total(hosts, fleet::sshSessions) - s0) / (double) hosts.size());
        row.put(key + "_router_sessions", fleet.sshSessions(fleet.routerHost()) - r0);
    }

    /** One tool's measurement; the figures it could not take are left out and why is kept in the row. */
    private interface Measurement {
        void run() throws Exception;
    }

    private static void measure(Map<String, Object> row, String tool, Measurement measurement) {
        try {
            measurement.run();
        } catch (Exception e) {
            row.put(tool + "_error", e.getMessage());
            System.err.println("[bench] " + tool + " failed at " + row.get("hosts") + " hosts: " + e.getMessage());
        }
    }

    /**
     * The fleet's essay.yaml with slots c (Ansible's), d (the warm-up's) and e (tuned Ansible's), parallelism N (Ansible runs with
     * forks = N), and the floor's health wait: a check every 0.25 s, 120 times at most.
     */
    private static String benchConfig(TestFleet fleet, int n) {
        String yaml = fleet.configYaml() + "health:\n  interval: 250ms\n  retries: 120\n";
        yaml = replaceOnce(yaml, "  b: { port_prefix: \"811\" }\n",
                "  b: { port_prefix: \"811\" }\n  c: { port_prefix: \"812\" }\n  d: { port_prefix: \"813\" }\n  e: { port_prefix: \"814\" }\n");
        yaml = replaceOnce(yaml, "  connect_timeout: 5s\n", "  connect_timeout: " + CONNECT_TIMEOUT_S + "s\n");
        return yaml + "parallelism: " + n + "\n";
    }

    private static String replaceOnce(String yaml, String line, String replacement) {
        if (!yaml.contains(line)) {
            throw new IllegalStateException("the fleet's essay.yaml has no line '" + line.strip() + "'; update Bench.benchConfig:\n" + yaml);
        }
        return yaml.replace(line, replacement);
    }

    /** Each tool starts with what pip cached on the hosts removed, so that none downloads less than another. */
    private static void clearPipCaches(TestFleet fleet) {
        for (FleetHost host : fleet.hosts()) {
            Trees.delete(host.home().resolve(".cache/pip"));
        }
    }

    private static long total(List<FleetHost> hosts, ToLongFunction<FleetHost> count) {
        return hosts.stream().mapToLong(count).sum();
    }

    private void fanOutTables(List<Map<String, Object>> rows) {
        table("Fan-out: deploy to N hosts", "Medians over the repetitions; essay/floor is the median of the repetitions' "
                + "ratios, with their range.", rows, List.of("essay deploy", "T(N)/T(first N)", "floor (plain ssh)", "essay/floor",
                "range", "SSH connections per host", "SSH sessions per host", "essay CPU", "essay peak RSS"),
                r -> List.of(seconds(r.get("essay_deploy_s")), ratio(r.get("essay_deploy_t_over_first")), seconds(r.get("floor_deploy_s")),
                        ratio(r.get("essay_over_floor")), range(r, "essay_over_floor"), count(r.get("essay_connections_per_host_deploy")),
                        count(r.get("essay_sessions_per_host_deploy")), seconds(r.get("essay_cpu_s_deploy")),
                        mib(r.get("essay_peak_mib_deploy"))));
        table("essay's own fan-out: the same deploy again (a no-op on every host)", null, rows,
                List.of("essay deploy, nothing to do", "T(N)/T(first N)", "SSH sessions per host"),
                r -> List.of(seconds(r.get("essay_noop_deploy_s")), ratio(r.get("essay_noop_t_over_first")),
                        count(r.get("essay_noop_sessions_per_host"))));
        table("Deploy and switch, side by side with Ansible", null, rows, List.of("essay deploy + switch", "Ansible playbook",
                "essay/Ansible", "range", "SSH sessions per host: essay", "Ansible", "router sessions: essay switch", "Ansible"),
                r -> List.of(seconds(r.get("essay_total_s")), seconds(r.get("ansible_total_s")), ratio(r.get("essay_over_ansible")),
                        range(r, "essay_over_ansible"), count(r.containsKey("essay_sessions_per_host_deploy") && r.containsKey("essay_sessions_per_host_switch")
                                ? (double) r.get("essay_sessions_per_host_deploy") + (double) r.get("essay_sessions_per_host_switch") : null),
                        count(r.get("ansible_sessions_per_host")), count(r.get("essay_router_sessions_switch")),
                        count(r.get("ansible_router_sessions"))));
        if (rows.stream().anyMatch(r -> r.containsKey("ansible_tuned_total_s"))) {
            table("Side by side with tuned Ansible (strategy free, no SSH compression)", null, rows,
                    List.of("essay deploy + switch", "tuned Ansible", "essay/tuned Ansible", "range"),
                    r -> List.of(seconds(r.get("essay_total_s")), seconds(r.get("ansible_tuned_total_s")),
                            ratio(r.get("essay_over_ansible_tuned")), range(r, "essay_over_ansible_tuned")));
        }
    }

    /** A Markdown table of the fan-out rows: latency, N and repetitions, then {@code columns}. */
    private void table(String title, String note, List<Map<String, Object>> rows, List<String> columns,
                       java.util.function.Function<Map<String, Object>, List<String>> cells) {
        markdown.append("\n### ").append(title).append("\n\n");
        if (note != null) {
            markdown.append(note).append("\n\n");
        }
        List<String> header = new ArrayList<>(List.of("latency (RTT)", "hosts N", "reps"));
        header.addAll(columns);
        markdown.append("| ").append(String.join(" | ", header)).append(" |\n");
        markdown.append("|").append("---|".repeat(header.size())).append("\n");
        for (Map<String, Object> r : rows) {
            List<String> line = new ArrayList<>(List.of(r.get("latency_ms") + " ms", String.valueOf(r.get("hosts")),
                    String.valueOf(r.get("repetitions"))));
            line.addAll(cells.apply(r));
            markdown.append("| ").append(String.join(" | ", line)).append(" |\n");
        }
    }

    private static String range(Map<String, Object> row, String ratio) {
        return row.get(ratio + "_min") == null ? "-" : ratio(row.get(ratio + "_min")) + " to " + ratio(row.get(ratio + "_max"));
    }

    private void failures(List<Map<String, Object>> rows) {
        for (Map<String, Object> r : rows) {
            for (String tool : List.of("essay", "floor", "ansible", "ansible_tuned")) {
                if (r.get(tool + "_error") instanceof String error) {
                    markdown.append(String.format(Locale.ROOT, "%n- %s failed at %s hosts, %s ms: %s%n", tool, r.get("hosts"),
                            r.get("latency_ms"), error.lines().findFirst().orElse("")));
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ zero downtime

    private Map<String, Object> zeroDowntime(int n, int latencyMs, int cycles) throws Exception {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("hosts", n);
        result.put("latency_ms", latencyMs);
        result.put("cycles", cycles);
        try (TestFleet fleet = TestFleet.builder().hosts(n).latency(Duration.ofMillis(latencyMs)).build()) {
            List.of("1.0.0", "2.0.0", "2.1.0").forEach(fleet::publish);
            Path yaml = fleet.writeConfig(benchConfig(fleet, n));
            EssayCli essay = new EssayCli(repo, yaml, work);
            essay.run("deploy", "1.0.0", "--slot", "a").orThrow("essay deploy");
            essay.run("switch", "--to", "a").orThrow("essay switch");
            List<Double> toNewSlot = new ArrayList<>();
            List<Double> switchTimes = new ArrayList<>();
            double deploying = 0;
            Wrk.Counts keepAliveCounts;
            Wrk.Counts closeCounts;
            TrafficLoop.Stats probeStats;
            Path script = repo.resolve("bench/wrk.lua");
            try (TrafficLoop probe = TrafficLoop.builder(fleet.routerUrl()).maxRequests(Long.MAX_VALUE).maxDuration(Duration.ofHours(12)).start();
                    Wrk keepAlive = Wrk.start(fleet.routerUrl(), script, 2, 2, true, work);
                    Wrk close = Wrk.start(fleet.routerUrl(), script, 2, 2, false, work)) {
                probe.awaitSlot("a", 5);
                for (int i = 0; i < cycles; i++) {
                    EssayCli.Run deploy = essay.run("deploy", i % 2 == 0 ? "2.0.0" : "2.1.0", "--slot", "b").orThrow("essay deploy, cycle " + (i + 1));
                    deploying += deploy.seconds();
                    for (String[] move : List.of(new String[] {"b", "switch", "--to", "b"}, new String[] {"a", "rollback"})) {
                        EssayCli.Started started = essay.start(java.util.Arrays.copyOfRange(move, 1, move.length));
                        EssayCli.Run run = started.await().orThrow("essay " + move[1] + ", cycle " + (i + 1));
                        switchTimes.add(run.seconds());
                        toNewSlot.add(awaitFirst(probe, move[0], started.startNanos()));
                    }
                }
                keepAliveCounts = keepAlive.stop();
                closeCounts = close.stop();
                probeStats = probe.stop();
            }
            result.put("wrk_keep_alive", keepAliveCounts);
            result.put("wrk_connection_close", closeCounts);
            result.put("probe_requests", probeStats.requests());
            result.put("probe_failures", probeStats.failures());
            result.put("probe_first_failures", probeStats.firstFailures());
            result.put("switches_and_rollbacks", switchTimes.size());
            result.put("mean_deploy_s", deploying / cycles);
            result.put("mean_switch_s", mean(switchTimes));
            result.put("start_to_new_slot_mean_s", mean(toNewSlot));
            result.put("start_to_new_slot_max_s", toNewSlot.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN));
        }
        return result;
    }

    /** Seconds from {@code startNanos} to the probe's first answer from {@code slot} (waits up to 30 s for it). */
    private static double awaitFirst(TrafficLoop probe, String slot, long startNanos) {
        // the probe records when each answer came: polling only reads that record
        OptionalLong first = await("the probe's first answer from slot " + slot).atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(5)).until(() -> probe.firstServedBy(slot, startNanos), OptionalLong::isPresent);
        return (first.getAsLong() - startNanos) / 1e9;
    }

    private void zeroDowntimeTable(Map<String, Object> z) {
        markdown.append("\n### Zero downtime: deploy, switch, rollback under load\n\n");
        markdown.append(String.format(Locale.ROOT, "%d hosts, %d ms SSH latency, %d cycles: %d switches and rollbacks; mean deploy %s, "
                        + "mean switch %s; from `essay switch`/`rollback` starting to the first answer of the new slot: mean %s, max %s.%n%n",
                z.get("hosts"), z.get("latency_ms"), z.get("cycles"), z.get("switches_and_rollbacks"), seconds(z.get("mean_deploy_s")),
                seconds(z.get("mean_switch_s")), seconds(z.get("start_to_new_slot_mean_s")), seconds(z.get("start_to_new_slot_max_s"))));
        markdown.append("Read errors count every connection closed under wrk, also idle ones (nginx closes idle keep-alive "
                + "connections when it reloads); \"unanswered\" counts the requests written that got no answer (up to one per "
                + "connection was still in flight when wrk was stopped).\n\n");
        markdown.append("| load | requests | non-2xx | connect errors | read errors | write errors | timeouts | requests written | unanswered | p99 latency |\n");
        markdown.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (String[] load : List.of(new String[] {"wrk_connection_close", "wrk, 2 connections, a new connection per request"},
                new String[] {"wrk_keep_alive", "wrk, 2 keep-alive connections"})) {
            Wrk.Counts w = (Wrk.Counts) z.get(load[0]);
            markdown.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %d | %d | %d | %d | %.1f ms |%n", load[1], w.requests(),
                    w.non2xx3xx(), w.connectErrors(), w.readErrors(), w.writeErrors(), w.timeouts(), w.sent(), w.unanswered(),
                    w.p99Millis()));
        }
        markdown.append(String.format(Locale.ROOT, "| probe loop, one request at a time, a new connection each | %d | %d failed in all | | | | | | | |%n",
                z.get("probe_requests"), z.get("probe_failures")));
    }

    // ------------------------------------------------------------------------------------------------ drills

    /** The drill log (one line per drill: name, requests, failed) joined with the outcome in the failsafe reports. */
    private List<Map<String, Object>> drills(Path log) throws Exception {
        Map<String, String> outcomes = new LinkedHashMap<>();
        for (String module : List.of("essay-it", "essay-cli")) {
            File[] reports = repo.resolve(module).resolve("target/failsafe-reports").toFile().listFiles(
                    (d, name) -> name.startsWith("TEST-") && name.endsWith(".xml"));
            for (File report : reports == null ? new File[0] : reports) {
                NodeList cases = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(report).getElementsByTagName("testcase");
                for (int i = 0; i < cases.getLength(); i++) {
                    Element c = (Element) cases.item(i);
                    String cls = c.getAttribute("classname");
                    String outcome = c.getElementsByTagName("failure").getLength() > 0 ? "FAILED"
                            : c.getElementsByTagName("error").getLength() > 0 ? "ERROR"
                            : c.getElementsByTagName("skipped").getLength() > 0 ? "SKIPPED" : "passed";
                    outcomes.put(cls.substring(cls.lastIndexOf('.') + 1) + "." + c.getAttribute("name"), outcome);
                }
            }
        }
        List<Map<String, Object>> drills = new ArrayList<>();
        List<String> lines = Files.isRegularFile(log) ? Files.readAllLines(log) : List.of();
        for (String line : lines) {
            String[] f = line.split("\t");
            if (f.length == 3) {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("drill", f[0]);
                d.put("requests", Long.parseLong(f[1]));
                d.put("failed_requests", Long.parseLong(f[2]));
                d.put("outcome", outcomes.getOrDefault(f[0], "no report"));
                drills.add(d);
            }
        }
        return drills;
    }

    private void drillTable(List<Map<String, Object>> drills) {
        markdown.append("\n### Fault drills under load (FaultsIT, CliInterruptIT)\n\n");
        markdown.append("| drill | requests through nginx during the drill | failed requests | test (live slot, status, recovery asserted) |\n");
        markdown.append("|---|---|---|---|\n");
        for (Map<String, Object> d : drills) {
            markdown.append("| ").append(d.get("drill")).append(" | ").append(d.get("requests")).append(" | ")
                    .append(d.get("failed_requests")).append(" | ").append(d.get("outcome")).append(" |\n");
        }
        if (drills.isEmpty()) {
            markdown.append("| (no drill ran: the drill log is empty) | | | |\n");
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("date", Instant.now().toString());
        m.put("cpus", Runtime.getRuntime().availableProcessors());
        m.put("memory", firstLine(List.of("sh", "-c", "free -g | awk '/^Mem:/ {print $2 \" GiB RAM\"}'")));
        m.put("kernel", "Linux " + firstLine(List.of("uname", "-r")));
        m.put("ssh", firstLine(List.of("sh", "-c", "ssh -V 2>&1")).replaceFirst(",.*", ""));
        m.put("ansible", firstLine(List.of("sh", "-c", "ansible-playbook --version 2>/dev/null | head -1")).replace("[", "").replace("]", ""));
        m.put("java", "Java " + System.getProperty("java.version"));
        return m;
    }

    private static String firstLine(List<String> command) {
        LocalCommand.Result result = LocalCommand.run(command, Duration.ofSeconds(30));
        return result.output().lines().findFirst().orElse("?").strip();
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static String seconds(Object value) {
        return value == null ? "-" : String.format(Locale.ROOT, "%.2f s", ((Number) value).doubleValue());
    }

    private static String ratio(Object value) {
        return value == null ? "-" : String.format(Locale.ROOT, "%.2f", ((Number) value).doubleValue());
    }

    private static String count(Object value) {
        return value == null ? "-" : String.format(Locale.ROOT, "%.1f", ((Number) value).doubleValue());
    }

    private static String mib(Object value) {
        return value == null ? "-" : String.format(Locale.ROOT, "%.0f MiB", ((Number) value).doubleValue());
    }
}
