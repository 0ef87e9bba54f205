package dev.essay.demo;

import static org.awaitility.Awaitility.await;

import dev.essay.fleet.EmbeddedFleet;
import dev.essay.fleet.EmbeddedLayout;
import dev.essay.fleet.FleetConfig;
import dev.essay.fleet.FleetHost;
import dev.essay.fleet.LocalCommand;
import dev.essay.fleet.Nginx;
import dev.essay.fleet.Pids;
import dev.essay.fleet.SampleBuild;
import dev.essay.core.pkg.Trees;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * The demo's fleet: an {@link EmbeddedFleet} (embedded SSH hosts on {@code 127.0.1.<i>}, the router on
 * {@code 127.0.1.100}, the package index, nginx, all as the current user in one directory, nothing written outside
 * it) with what only the demo adds:
 *
 * <ul>
 *   <li>the directory is the user's choice ({@code --dir}), marked as a sandbox ({@link EmbeddedLayout#MARKER}), and
 *       one a killed demo left is cleaned up first;</li>
 *   <li>the index serves essay-sample 1.0.0 and 2.0.0, built from the repository's {@code sample/};</li>
 *   <li>the addresses move to the next block {@code 127.0.2.x} ... when a slot port is taken;</li>
 *   <li>{@code project/}: a git repository with a copy of the sample and {@code essay.yaml} describing all that.</li>
 * </ul>
 *
 * {@link #stop} ends by PID what a sandbox whose JVM was killed left running. {@link #close()} stops everything and
 * deletes the directory; {@link #detach} hands a sandbox to a keeper JVM so it outlives the demo ({@code --keep}),
 * which {@link #resume}s it from {@code sandbox.properties}.
 */
public final class Sandbox extends EmbeddedFleet {
    static final String PROJECT = FleetConfig.PROJECT;
    static final String UPSTREAM_NAME = FleetConfig.UPSTREAM_NAME;
    static final String NGINX = Nginx.BINARY;
    /** Slot name to port prefix: process i of slot a listens on 810i. */
    static final Map<String, String> SLOTS = FleetConfig.SLOTS;
    static final int PROCESS_COUNT = FleetConfig.PROCESS_COUNT;
    static final List<String> VERSIONS = List.of("1.0.0", "2.0.0");
    static final int MAX_HOSTS = 20;
    /** Keeps the supervisord socket path ({@code <dir>/hosts/h1/essay-sample/a/run/supervisor.sock}) under 108 bytes. */
    static final int MAX_DIR_LENGTH = 60;
    /** What a demo JVM (and only it) has on its command line: --stop signals only such JVMs. */
    static final String MAIN_CLASS = "dev.essay.demo.Demo";

    private final Consumer<String> log;
    private String note;
    private boolean closed;
    private boolean detached;
    /** True once this sandbox made the directory its own (marker written): only then may close() clear it. */
    private volatile boolean owned;

    private Sandbox(Path dir, Consumer<String> log) {
        super(new EmbeddedLayout(dir));
        this.log = log;
    }

    /**
     * A sandbox in {@code dir} that is not started yet: {@link #boot} starts it. Separate so that a JVM
     * shutdown hook can {@link #close()} a sandbox whose start was interrupted.
     */
    static Sandbox create(Path dir, Consumer<String> log) {
        return new Sandbox(validDir(dir), log);
    }

    // ------------------------------------------------------------------------------------------ accessors

    Path dir() {
        return layout.dir();
    }

    /** {@code project/essay.yaml}. */
    Path config() {
        return layout.config();
    }

    /** A remark about the addresses chosen (another block, or the single-address fallback), or null. */
    String note() {
        return note;
    }

    // ------------------------------------------------------------------------------------------ start

    /**
     * Starts the sandbox with {@code hostCount} hosts, building the sample from {@code sample}. A directory
     * left by a demo that was killed is cleaned up first; one whose demo still runs is refused.
     */
    synchronized void boot(int hostCount, Path sample) throws IOException {
        if (hostCount < 1 || hostCount > MAX_HOSTS) {
            throw new IllegalArgumentException("--hosts must be 1 to " + MAX_HOSTS + ", not " + hostCount);
        }
        prepareDirectory();
        Files.writeString(layout.pidFile("demo"), ProcessHandle.current().pid() + "\n");
        ExecutorService builders = Executors.newFixedThreadPool(VERSIONS.size(), r -> {
            Thread t = new Thread(r, "essay-demo-build");
            t.setDaemon(true);
            return t;
        });
        try {
            log.accept("building essay-sample " + String.join(" and ", VERSIONS) + " from " + sample + " ...");
            List<CompletableFuture<List<Path>>> builds = new ArrayList<>();
            for (String version : VERSIONS) {
                builds.add(CompletableFuture.supplyAsync(
                        () -> SampleBuild.build(sample, version, layout.build().resolve(version), layout.index()), builders));
            }
            Addresses addresses = chooseAddresses(hostCount);
            note = addresses.note();
            generateKey(layout.identity(), "essay-demo-client");
            startIndex(0);
            for (int i = 0; i < addresses.hosts().size(); i++) {
                startHost(new FleetHost("h" + (i + 1), user(), addresses.hosts().get(i), 0, null, null));
            }
            startHost(new FleetHost(ROUTER, user(), addresses.router(), 0, null, null));
            writeKnownHosts();
            Path router = layout.router();
            startNginx(List.of("# nginx of the essay demo's router: runs as the demo's user, in the foreground (the demo holds the",
                    "# master's PID), everything in " + router + ". essay rewrites upstream.conf and reloads nginx."));
            writeProject(sample);
            for (CompletableFuture<List<Path>> build : builds) {
                try {
                    build.join();
                } catch (CompletionException e) {
                    throw e.getCause() instanceof RuntimeException r ? r : e;
                }
            }
            writeState();
        } finally {
            builders.shutdownNow();
        }
    }

    private void prepareDirectory() throws IOException {
        Path dir = layout.dir();
        if (Files.exists(dir)) {
            if (!Files.exists(layout.marker())) {
                try (Stream<Path> entries = Files.list(dir)) {
                    if (entries.findAny().isPresent()) {
                        throw new IllegalStateException(dir + " exists and is not an essay demo sandbox; choose another --dir");
                    }
                }
            } else {
                List<Long> demos = demoJvmPids(layout);
                if (!demos.isEmpty()) {
                    throw new IllegalStateException("a demo is running in " + dir + " (pid " + demos.get(0)
                            + "); stop it with: ./essay demo --stop" + dirOption(dir) + " (or choose another --dir)");
                }
                log.accept("cleaning up the sandbox a previous demo left in " + dir);
                StopResult left = stop(layout, log);
                log.accept("stopped " + left.describe() + "; removed " + dir);
                if (!left.problems().isEmpty()) {
                    throw new IllegalStateException("cannot clean up " + dir + ": " + String.join("; ", left.problems()));
                }
            }
        }
        Files.createDirectories(dir);
        Files.writeString(layout.marker(), "essay demo sandbox; remove with: ./essay demo --stop" + dirOption(dir) + "\n");
        owned = true;
        createDirectories();
    }

    // ------------------------------------------------------------------------------------------ essay.yaml

    /**
     * The project directory: a git repository holding a copy of the sample (so {@code essay release} can package its
     * main branch) and essay.yaml, in one first commit.
     */
    private void writeProject(Path sample) throws IOException {
        Trees.copy(sample, layout.project(), Trees::isLeftover);
        writeConfig();
        Map<String, String> env = Map.of("HOME", layout.project().toString(), "GIT_CONFIG_NOSYSTEM", "1");
        for (List<String> git : List.of(List.of("git", "init", "-q", "-b", "main"), List.of("git", "add", "-A"),
                List.of("git", "-c", "user.name=essay demo", "-c", "user.email=demo@essay.invalid", "commit", "-q", "-m",
                        "essay-sample with the demo's essay.yaml"))) {
            LocalCommand.runClean(git, Duration.ofMinutes(1), layout.project(), env).orThrow();
        }
    }

    /** The essay.yaml of this sandbox (docs/essay-yaml.md). */
    @Override
    public String configYaml() {
        return configYaml(List.of("essay.yaml of the essay demo's sandbox fleet in " + layout.dir(),
                        "Every host is an SSH server of the demo on its own loopback address; each runs commands as "
                                + user() + " in its own home, " + layout.hosts() + "/<host>."), SampleBuild.PYTHON,
                Map.of("index.url", "the demo's package index: " + layout.index(),
                        "ssh.known_hosts", "every host's key: essay verifies them",
                        "venv.prefix", "each host's own home: hosts/<host>/essay-sample/<slot>",
                        "build.python", "runs -m build for essay release",
                        "router.state_dir", "the release lock and ledger"));
    }

    // ------------------------------------------------------------------------------------------ state, keeper

    private void writeState() throws IOException {
        Properties p = new Properties();
        p.setProperty("user", user());
        List<String> names = new ArrayList<>();
        List<FleetHost> all = new ArrayList<>(hosts());
        all.add(routerHost());
        for (FleetHost host : all) {
            names.add(host.name());
            p.setProperty("host." + host.name() + ".address", host.address());
            p.setProperty("host." + host.name() + ".port", Integer.toString(host.port()));
        }
        p.setProperty("hosts", String.join(",", names));
        p.setProperty("index.port", Integer.toString(indexUrl().getPort()));
        p.setProperty("nginx.port", Integer.toString(routerUrl().getPort()));
        if (note != null) {
            p.setProperty("note", note);
        }
        try (OutputStream out = Files.newOutputStream(layout.state())) {
            p.store(out, "essay demo sandbox");
        }
    }

    /**
     * In a keeper JVM: brings back the SSH hosts and the index of the sandbox in {@code dir} on the addresses
     * and ports they had ({@link #detach} closed them in the demo's JVM); nginx and the supervisords kept running.
     */
    static Sandbox resume(Path dir, Consumer<String> log) throws IOException {
        Sandbox sandbox = new Sandbox(validDir(dir), log);
        sandbox.resumeServers();
        return sandbox;
    }

    private synchronized void resumeServers() throws IOException {
        if (!Files.exists(layout.marker())) {
            throw new IllegalStateException(layout.dir() + " is not an essay demo sandbox");
        }
        owned = true;
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(layout.state())) {
            p.load(in);
        }
        if (!p.getProperty("user", "").equals(user())) {
            throw new IllegalStateException("the sandbox in " + layout.dir() + " belongs to user " + p.getProperty("user"));
        }
        nginxRunsOn(Integer.parseInt(p.getProperty("nginx.port")));
        note = p.getProperty("note");
        startIndex(Integer.parseInt(p.getProperty("index.port")));
        for (String name : p.getProperty("hosts").split(",")) {
            startHost(new FleetHost(name, user(), p.getProperty("host." + name + ".address"),
                    Integer.parseInt(p.getProperty("host." + name + ".port")), null, null));
        }
        recordPids();
        Files.writeString(layout.pidFile("keeper"), ProcessHandle.current().pid() + "\n");
    }

    /**
     * Hands this sandbox to a keeper JVM ({@code Demo --serve}) that serves its SSH hosts and index after this
     * JVM exits: closes them here (nginx and the supervisords keep running), starts the keeper detached from
     * the terminal ({@code setsid}), and waits until it listens. Afterwards {@link #close()} does nothing here;
     * {@code ./essay demo --stop} stops the keeper, which stops everything. Returns the keeper's PID.
     */
    synchronized long detach() throws IOException {
        if (closed) {
            throw new IllegalStateException("the sandbox is closed");
        }
        closeServers();
        Path logFile = layout.logs().resolve("keeper.log");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            command.add("/usr/bin/setsid");
        }
        command.addAll(List.of(java.toString(), "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
                "-cp", absoluteClassPath(), MAIN_CLASS,
                "--serve", "--dir", layout.dir().toString()));
        Files.deleteIfExists(layout.pidFile("keeper"));
        Process keeper = new ProcessBuilder(command)
                .directory(layout.dir().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        seen(keeper.pid());
        try {
            await("the keeper JVM to serve the sandbox").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .failFast(() -> !keeper.isAlive())
                    .until(() -> Pids.readPidFile(layout.pidFile("keeper")).orElse(-1L) == keeper.pid());
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            keeper.destroyForcibly();
            throw new IllegalStateException("the keeper JVM did not start serving the sandbox; its log:\n"
                    + LocalCommand.tail(read(logFile), 30));
        }
        Files.deleteIfExists(layout.pidFile("demo"));
        detached = true;
        return keeper.pid();
    }

    /** This JVM's class path with absolute entries: the keeper runs in the sandbox directory. */
    private static String absoluteClassPath() {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                entries.add(Path.of(entry).toAbsolutePath().normalize().toString());
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    // ------------------------------------------------------------------------------------------ close, stop

    /**
     * Stops everything by PID and waits for it to exit, in this order: the SSH hosts (and any command they
     * still run), the supervisord of every slot (which stops the sample processes), nginx, the index; then
     * deletes the sandbox directory. Idempotent; does nothing after {@link #detach}. Returns what it did.
     */
    @Override
    public synchronized void close() {
        closeAndReport();
    }

    /** {@link #close()}, returning a one-line account ("stopped ...; removed ..."), or null when already closed. */
    synchronized String closeAndReport() {
        if (closed || detached) {
            closed = true;
            return null;
        }
        closed = true;
        if (!owned) {
            // the directory is someone else's (not a sandbox, or another demo's): leave it alone
            closeServers();
            return null;
        }
        return stopAndRemove();
    }

    /** The demo's local commands (the sample builds, git) stop with its hosts. */
    @Override
    protected void afterServersClosed() {
        LocalCommand.stopAll();
    }

    /**
     * {@code ./essay demo --stop}: stops by PID what a sandbox left running (a {@code --keep} sandbox's keeper
     * JVM, a demo JVM still running, nginx, every supervisord) and deletes it. Touches only a directory with
     * the sandbox marker. Returns null when there is no sandbox at {@code dir}.
     */
    static StopResult stop(Path dir, Consumer<String> log) {
        EmbeddedLayout layout = new EmbeddedLayout(validDir(dir));
        if (!Files.exists(layout.dir())) {
            return null;
        }
        return stop(layout, log);
    }

    private static StopResult stop(EmbeddedLayout layout, Consumer<String> log) {
        if (!Files.exists(layout.marker())) {
            throw new IllegalStateException(layout.dir() + " is not an essay demo sandbox (it has no " + EmbeddedLayout.MARKER
                    + "); not touching it");
        }
        List<String> problems = new ArrayList<>();
        // what runs now, counted before a demo JVM's own cleanup stops part of it
        List<Long> masters = supervisordMasterPids(layout);
        List<Long> before = new ArrayList<>(supervisordPids(layout));
        List<Long> commands = commandPids(layout);
        before.addAll(commands);
        List<Long> nginxBefore = nginxPids(layout);
        before.addAll(nginxBefore);
        List<Long> jvms = demoJvmPids(layout);
        if (!jvms.isEmpty()) {
            // a demo or keeper JVM stops its own sandbox on SIGTERM (its shutdown hook); then we sweep
            log.accept("stopping the demo JVM" + (jvms.size() == 1 ? " " : "s ") + jvms + " that run" + (jvms.size() == 1 ? "s" : "")
                    + " the sandbox");
            List<Long> left = Pids.terminate(jvms, Duration.ofSeconds(60));
            if (!left.isEmpty()) {
                problems.add("demo JVM still running: " + left);
            }
        }
        StopResult rest = stopProcesses(layout);
        problems.addAll(rest.problems());
        List<Long> survivors = before.stream().filter(Pids::running).toList();
        if (!survivors.isEmpty()) {
            problems.add("still running: " + survivors);
        }
        try {
            Trees.delete(layout.dir());
        } catch (UncheckedIOException e) {
            problems.add(e.getMessage());
        }
        List<Long> stopped = new ArrayList<>(jvms);
        stopped.addAll(before);
        rest.stopped().stream().filter(pid -> !stopped.contains(pid)).forEach(stopped::add);
        int supervisords = Math.max(masters.size(), rest.supervisords());
        int samples = Math.max(before.size() - commands.size() - nginxBefore.size() - masters.size(), rest.others());
        int nginx = nginxBefore.isEmpty() ? rest.nginx() : 1;
        return new StopResult(stopped, jvms.size(), Math.max(commands.size(), rest.commands()), supervisords, nginx, samples, problems);
    }

    /** Running demo and keeper JVMs of this sandbox (by pids/demo.pid and pids/keeper.pid), never this JVM. */
    static List<Long> demoJvmPids(EmbeddedLayout layout) {
        List<Long> pids = new ArrayList<>();
        for (String name : List.of("keeper", "demo")) {
            Pids.readPidFile(layout.pidFile(name)).ifPresent(pid -> {
                if (pid != ProcessHandle.current().pid() && Pids.running(pid)
                        && Pids.commandLine(pid).contains(MAIN_CLASS)) {
                    pids.add(pid);
                }
            });
        }
        return pids;
    }

    // ------------------------------------------------------------------------------------------ helpers

    /** The default sandbox: {@code ${TMPDIR:-/tmp}/essay-demo-$USER}. */
    static Path defaultDir() {
        String tmp = System.getenv("TMPDIR");
        return Path.of(tmp == null || tmp.isBlank() ? "/tmp" : tmp, "essay-demo-" + System.getProperty("user.name"));
    }

    /** The {@code --dir} a follow-up command needs to name this sandbox, or "" for the default. */
    static String dirOption(Path dir) {
        return dir.equals(defaultDir().toAbsolutePath().normalize()) ? "" : " --dir " + dir;
    }

    private static Path validDir(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        String text = abs.toString();
        if (!text.matches("/[A-Za-z0-9._/+@%=-]*")) {
            throw new IllegalArgumentException("the sandbox directory " + text + " may contain only letters, digits and ._/+@%=- "
                    + "(essay.yaml refuses remote paths with whitespace); choose another --dir");
        }
        if (text.length() > MAX_DIR_LENGTH) {
            throw new IllegalArgumentException("the sandbox directory " + text + " is longer than " + MAX_DIR_LENGTH
                    + " characters: supervisord's socket path inside it would exceed the 108-byte limit; choose a shorter --dir");
        }
        if (abs.getNameCount() < 2) {
            throw new IllegalArgumentException("refusing " + text + " as the sandbox directory; choose one like /tmp/essay-demo");
        }
        return abs;
    }

    /** Addresses of the hosts and the router, and a remark when they are not 127.0.1.x. */
    record Addresses(List<String> hosts, String router, String note) {
    }

    /**
     * Host i at {@code 127.0.1.<i>}, the router at {@code 127.0.1.100}. When a slot port is taken on those
     * addresses (another demo, essay's test fleet), the next block {@code 127.0.2.x} ... is tried. When
     * {@code 127.0.1.1} cannot be bound at all (not Linux), everything shares {@code 127.0.0.1}; since the slot
     * ports are the same on every host, only one host fits there.
     */
    static Addresses chooseAddresses(int hostCount) {
        // essay-demo's own integration tests start at another block, clear of essay's test fleet (127.0.1.x)
        int first = Math.max(1, Math.min(9, Integer.getInteger("essay.demo.block", 1)));
        List<String> taken = new ArrayList<>();
        for (int block = first; block <= 9; block++) {
            String prefix = "127.0." + block + ".";
            if (!canBind(prefix + "1", 0)) {
                if (block == first) {
                    return fallback(hostCount);
                }
                continue;
            }
            String busy = busySlotPort(prefix, hostCount);
            if (busy == null) {
                List<String> hosts = new ArrayList<>();
                for (int i = 1; i <= hostCount; i++) {
                    hosts.add(prefix + i);
                }
                String note = taken.isEmpty() ? null : "slot port " + String.join(", ", taken)
                        + " in use (another essay demo, or essay's test fleet?): the hosts are on " + prefix + "x instead";
                if (note == null && block != 1) {
                    note = "the hosts are on " + prefix + "x (essay.demo.block=" + block + ")";
                }
                return new Addresses(hosts, prefix + "100", note);
            }
            taken.add(busy);
        }
        throw new IllegalStateException("the slot ports are in use on the addresses 127.0." + first + ".x to 127.0.9.x (" + String.join(", ", taken)
                + "); stop what listens there (another demo: ./essay demo --stop)");
    }

    private static Addresses fallback(int hostCount) {
        String busy = busySlotPortOn("127.0.0.1");
        if (busy != null) {
            throw new IllegalStateException("cannot bind 127.0.1.1, and slot port " + busy + " is in use");
        }
        return new Addresses(List.of("127.0.0.1"), "127.0.0.1", "cannot listen on 127.0.1.1 here, so every host would share 127.0.0.1 "
                + "(with its own SSH port); the slot ports are the same on every host, so only 1 host fits"
                + (hostCount > 1 ? " instead of " + hostCount : ""));
    }

    private static String busySlotPort(String prefix, int hostCount) {
        for (int i = 1; i <= hostCount; i++) {
            String busy = busySlotPortOn(prefix + i);
            if (busy != null) {
                return busy;
            }
        }
        return null;
    }

    private static String busySlotPortOn(String address) {
        for (String prefix : SLOTS.values()) {
            for (int i = 0; i < PROCESS_COUNT; i++) {
                int port = Integer.parseInt(prefix + i);
                if (!canBind(address, port)) {
                    return address + ":" + port;
                }
            }
        }
        return null;
    }
}
