package dev.essay.demo;

import static org.awaitility.Awaitility.await;

import dev.essay.fleet.Fleet;
import dev.essay.fleet.FleetConfig;
import dev.essay.fleet.FleetHost;
import dev.essay.fleet.LocalCommand;
import dev.essay.fleet.Nginx;
import dev.essay.fleet.Pids;
import dev.essay.fleet.SampleBuild;
import dev.essay.fleet.SshHost;
import dev.essay.index.PackageIndexServer;
import dev.essay.core.pkg.Trees;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * A fleet on this machine, all of it in one directory ({@link Layout}) and on loopback, run as the
 * current user (no Unix users are created, nothing outside the directory is written):
 *
 * <ul>
 *   <li>N hosts (default 3) and a router host, each an embedded SSH server ({@link SshHost}) on its own
 *       address ({@code 127.0.1.<i>}, the router {@code 127.0.1.100}) with its own host key, its own home
 *       directory ({@code hosts/<host>/}) and {@code ESSAY_SAMPLE_HOST=<its address>}, so the sample
 *       processes of each host listen on that host's address;</li>
 *   <li>a client key and a known_hosts file listing every host's key: essay verifies host keys;</li>
 *   <li>a package index ({@link PackageIndexServer}) serving essay-sample 1.0.0 and 2.0.0, built from the
 *       repository's {@code sample/};</li>
 *   <li>nginx, started by the sandbox as the current user with a config entirely inside the sandbox,
 *       proxying {@code 127.0.0.1:<port>} to the upstream essay writes; essay reloads it over SSH as the
 *       router host;</li>
 *   <li>{@code project/}: a git repository with a copy of the sample and {@code essay.yaml} describing all that.</li>
 * </ul>
 *
 * The SSH servers and the index live in this JVM. nginx and the supervisord of every slot essay deploys
 * are separate processes: their PIDs are in pid files inside the sandbox, so {@link #stop} can end them by
 * PID when the JVM that owned the sandbox was killed. {@link #close()} stops everything and deletes the
 * directory; {@link #detach} hands a sandbox to a keeper JVM so it outlives the demo ({@code --keep}).
 */
public final class Sandbox implements Fleet {
    static final String PROJECT = FleetConfig.PROJECT;
    static final String UPSTREAM_NAME = FleetConfig.UPSTREAM_NAME;
    static final String ROUTER = "router";
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
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Layout layout;
    private final Consumer<String> log;
    private final String user;
    private final List<FleetHost> hosts = new ArrayList<>();
    private FleetHost router;
    private final Map<String, SshHost> servers = new LinkedHashMap<>();
    private PackageIndexServer index;
    private int indexPort;
    private int nginxPort;
    private String note;
    private final Set<Long> seenPids = Collections.synchronizedSet(new LinkedHashSet<>());
    private boolean closed;
    private boolean detached;
    /** True once this sandbox made the directory its own (marker written): only then may close() clear it. */
    private volatile boolean owned;

    private Sandbox(Path dir, Consumer<String> log) {
        this.layout = new Layout(dir);
        this.log = log;
        this.user = sshUser();
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

    Layout layout() {
        return layout;
    }

    /** {@code project/essay.yaml}. */
    Path config() {
        return layout.config();
    }

    @Override
    public List<FleetHost> hosts() {
        return List.copyOf(hosts);
    }

    @Override
    public FleetHost routerHost() {
        return router;
    }

    @Override
    public URI routerUrl() {
        return URI.create("http://127.0.0.1:" + nginxPort + "/");
    }

    @Override
    public URI indexUrl() {
        return URI.create("http://127.0.0.1:" + indexPort + "/simple/");
    }

    @Override
    public Path identity() {
        return layout.identity();
    }

    @Override
    public Path knownHosts() {
        return layout.knownHosts();
    }

    @Override
    public Path nginxConfig() {
        return layout.nginxConfig();
    }

    @Override
    public Path upstreamFile() {
        return layout.upstreamFile();
    }

    /** A remark about the addresses chosen (another block, or the single-address fallback), or null. */
    String note() {
        return note;
    }

    /** Every PID this sandbox started or found its fleet running (nginx, supervisords, sample processes, ...). */
    List<Long> seenPids() {
        synchronized (seenPids) {
            return List.copyOf(seenPids);
        }
    }

    /** Records the PIDs running now (nginx and its workers, supervisords and their processes) in {@link #seenPids}. */
    void recordPids() {
        seenPids.addAll(supervisordPids(layout));
        seenPids.addAll(nginxPids(layout));
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
            index = PackageIndexServer.start(layout.index(), new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            indexPort = index.port();
            for (int i = 0; i < addresses.hosts().size(); i++) {
                String name = "h" + (i + 1);
                hosts.add(startHost(new FleetHost(name, user, addresses.hosts().get(i), 0, layout.home(name), layout.home(name))));
            }
            router = startHost(new FleetHost(ROUTER, user, addresses.router(), 0, layout.home(ROUTER), layout.home(ROUTER)));
            writeKnownHosts();
            startNginx();
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
        // everything in it runs as this user (nginx's workers too): nobody else needs to look inside
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Files.writeString(layout.marker(), "essay demo sandbox; remove with: ./essay demo --stop" + dirOption(dir) + "\n");
        owned = true;
        for (Path sub : List.of(layout.pids(), layout.logs(), layout.index(), layout.build(), layout.hosts(),
                layout.project().resolve("conf"), layout.router().resolve("logs"), layout.router().resolve("tmp"))) {
            Files.createDirectories(sub);
        }
        Files.createDirectories(layout.client());
        Files.setPosixFilePermissions(layout.client(), PosixFilePermissions.fromString("rwx------"));
    }

    private FleetHost startHost(FleetHost host) throws IOException {
        Files.createDirectories(host.home().resolve("tmp"));
        Path key = layout.hostKey(host.name());
        if (!Files.exists(key)) {
            Files.createDirectories(key.getParent());
            generateKey(key, "essay-demo-" + host.name());
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("TMPDIR", host.home().resolve("tmp").toString());
        if (!host.name().equals(ROUTER)) {
            env.put("ESSAY_SAMPLE_HOST", host.address());
        }
        SshHost server;
        try {
            server = SshHost.start(host, key, layout.identityPub(), env, layout.commandPids());
        } catch (BindException e) {
            throw new IOException("cannot listen on " + host.address() + (host.port() == 0 ? "" : ":" + host.port())
                    + " for host " + host.name() + ": " + e.getMessage(), e);
        }
        servers.put(host.name(), server);
        return server.host();
    }

    private void writeKnownHosts() throws IOException {
        StringBuilder known = new StringBuilder();
        List<FleetHost> all = new ArrayList<>(hosts);
        all.add(router);
        for (FleetHost host : all) {
            String[] pub = Files.readString(Path.of(layout.hostKey(host.name()) + ".pub")).trim().split("\\s+");
            known.append(host.knownHostsName()).append(' ').append(pub[0]).append(' ').append(pub[1]).append('\n');
        }
        Files.writeString(layout.knownHosts(), known.toString());
    }

    private static void generateKey(Path file, String comment) {
        LocalCommand.Result keygen;
        try {
            keygen = LocalCommand.runClean(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", file.toString()),
                    Duration.ofMinutes(1), file.getParent(), Map.of("HOME", file.getParent().toString()));
        } catch (UncheckedIOException e) {
            throw new IllegalStateException("cannot run ssh-keygen (" + e.getMessage() + "); install openssh-client "
                    + "(scripts/install-deps installs it with openssh-server)", e);
        }
        keygen.orThrow();
    }

    // ------------------------------------------------------------------------------------------ nginx

    private void startNginx() throws IOException {
        Path router = layout.router();
        Path temp = router.resolve("tmp");
        nginxPort = freePort("127.0.0.1");
        List<String> preamble = new ArrayList<>();
        preamble.add("# nginx of the essay demo's router: runs as the demo's user, in the foreground (the demo holds the");
        preamble.add("# master's PID), everything in " + router + ". essay rewrites upstream.conf and reloads nginx.");
        if (isRoot()) {
            preamble.add("user root;    # the demo runs as root: workers keep root's access to the sandbox's temp dirs");
        }
        Files.writeString(layout.nginxConfig(), Nginx.config(preamble, new Nginx.Files(layout.nginxPidFile(),
                layout.nginxErrorLog(), router.resolve("logs/access.log"), temp, layout.upstreamFile(), nginxPort), UPSTREAM_NAME));
        Files.writeString(layout.upstreamFile(), Nginx.emptyUpstream(
                "no live slot yet: essay writes this file on its first switch", UPSTREAM_NAME));
        // setsid: nginx does not share the terminal's process group, so Ctrl-C reaches only the demo, which
        // stops nginx itself; setsid execs nginx (no fork), so the PID is the master's.
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            command.add("/usr/bin/setsid");
        }
        command.addAll(List.of(NGINX, "-c", layout.nginxConfig().toString()));
        if (nginxHasErrorLogOption()) {
            // nginx >= 1.19.5: its own messages before the config is read go to the sandbox too, not /var/log/nginx
            command.addAll(List.of("-e", layout.nginxErrorLog().toString()));
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(router.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(layout.logs().resolve("nginx.out").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().clear();
        builder.environment().put("PATH", LocalCommand.PATH);
        builder.environment().put("HOME", layout.home(ROUTER).toString());
        Process nginx;
        try {
            nginx = builder.start();
        } catch (IOException e) {
            throw new IOException("cannot start nginx (" + NGINX + "): " + e.getMessage()
                    + "; install it (scripts/install-deps)", e);
        }
        Files.writeString(layout.pidFile("nginx"), nginx.pid() + "\n");
        seenPids.add(nginx.pid());
        awaitNginx(nginx);
    }

    private static boolean nginxHasErrorLogOption() {
        try {
            return LocalCommand.runClean(List.of(NGINX, "-h"), Duration.ofSeconds(30), null, Map.of()).output().contains("-e filename");
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void awaitNginx(Process nginx) {
        Nginx.awaitAnswer(nginx, nginxPort, START_TIMEOUT,
                () -> read(layout.logs().resolve("nginx.out")) + read(layout.nginxErrorLog()));
        seenPids.addAll(Pids.withDescendants(nginx.pid()));
    }

    // ------------------------------------------------------------------------------------------ essay.yaml

    /**
     * The project directory: a git repository holding a copy of the sample (so {@code essay release} can package its
     * main branch) and essay.yaml, in one first commit.
     */
    private void writeProject(Path sample) throws IOException {
        Trees.copy(sample, layout.project(), Trees::isLeftover);
        Files.writeString(layout.config(), configYaml());
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
        return FleetConfig.yaml(new FleetConfig.Values(List.of("essay.yaml of the essay demo's sandbox fleet in " + layout.dir(),
                        "Every host is an SSH server of the demo on its own loopback address; each runs commands as "
                                + user + " in its own home, " + layout.hosts() + "/<host>."),
                indexUrl(), hosts, layout.identity(), layout.knownHosts(), false, "~/" + Layout.VENV_DIR, SampleBuild.PYTHON,
                router, layout.nginxConfig(), layout.upstreamFile(), routerUrl().resolve("/health"), layout.routerState()),
                Map.of("index.url", "the demo's package index: " + layout.index(),
                        "ssh.known_hosts", "every host's key: essay verifies them",
                        "venv.prefix", "each host's own home: hosts/<host>/essay-sample/<slot>",
                        "build.python", "runs -m build for essay release",
                        "router.state_dir", "the release lock and ledger"));
    }

    // ------------------------------------------------------------------------------------------ state, keeper

    private void writeState() throws IOException {
        Properties p = new Properties();
        p.setProperty("user", user);
        List<String> names = new ArrayList<>();
        List<FleetHost> all = new ArrayList<>(hosts);
        all.add(router);
        for (FleetHost host : all) {
            names.add(host.name());
            p.setProperty("host." + host.name() + ".address", host.address());
            p.setProperty("host." + host.name() + ".port", Integer.toString(host.port()));
        }
        p.setProperty("hosts", String.join(",", names));
        p.setProperty("index.port", Integer.toString(indexPort));
        p.setProperty("nginx.port", Integer.toString(nginxPort));
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
        if (!p.getProperty("user", "").equals(user)) {
            throw new IllegalStateException("the sandbox in " + layout.dir() + " belongs to user " + p.getProperty("user"));
        }
        indexPort = Integer.parseInt(p.getProperty("index.port"));
        nginxPort = Integer.parseInt(p.getProperty("nginx.port"));
        note = p.getProperty("note");
        index = PackageIndexServer.start(layout.index(), new InetSocketAddress(InetAddress.getByName("127.0.0.1"), indexPort));
        for (String name : p.getProperty("hosts").split(",")) {
            FleetHost host = new FleetHost(name, user, p.getProperty("host." + name + ".address"),
                    Integer.parseInt(p.getProperty("host." + name + ".port")), layout.home(name), layout.home(name));
            FleetHost started = startHost(host);
            if (name.equals(ROUTER)) {
                router = started;
            } else {
                hosts.add(started);
            }
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
        seenPids.add(keeper.pid());
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
        long started = System.nanoTime();
        int sshHosts = servers.size();
        closeServers();
        LocalCommand.stopAll();
        StopResult result = stopProcesses(layout);
        seenPids.addAll(result.stopped());
        List<String> problems = new ArrayList<>(result.problems());
        try {
            Trees.delete(layout.dir());
        } catch (UncheckedIOException e) {
            problems.add(e.getMessage());
        }
        String report = "stopped " + result.describe() + (sshHosts > 0 ? ", " + sshHosts + " SSH hosts and the index" : "")
                + "; removed " + layout.dir() + " (" + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms)";
        if (!problems.isEmpty()) {
            throw new IllegalStateException(report + "; but: " + String.join("; ", problems));
        }
        return report;
    }

    private void closeServers() {
        for (SshHost server : servers.values()) {
            seenPids.addAll(server.runningCommandPids());
            server.close();
        }
        servers.clear();
        if (index != null) {
            index.close();
            index = null;
        }
    }

    /** What {@link #stop} or {@link #close()} stopped. */
    record StopResult(List<Long> stopped, int jvms, int commands, int supervisords, int nginx, int others, List<String> problems) {
        String describe() {
            List<String> parts = new ArrayList<>();
            if (jvms > 0) {
                parts.add(jvms + " demo JVM" + (jvms == 1 ? "" : "s"));
            }
            if (commands > 0) {
                parts.add(commands + " process" + (commands == 1 ? "" : "es") + " of unfinished host commands");
            }
            parts.add(supervisords + " supervisord" + (supervisords == 1 ? "" : "s")
                    + (others > 0 ? " (with " + others + " sample processes)" : ""));
            parts.add(nginx > 0 ? "nginx" : "no nginx");
            return String.join(", ", parts);
        }
    }

    /**
     * {@code ./essay demo --stop}: stops by PID what a sandbox left running (a {@code --keep} sandbox's keeper
     * JVM, a demo JVM still running, nginx, every supervisord) and deletes it. Touches only a directory with
     * the sandbox marker. Returns null when there is no sandbox at {@code dir}.
     */
    static StopResult stop(Path dir, Consumer<String> log) {
        Layout layout = new Layout(validDir(dir));
        if (!Files.exists(layout.dir())) {
            return null;
        }
        return stop(layout, log);
    }

    private static StopResult stop(Layout layout, Consumer<String> log) {
        if (!Files.exists(layout.marker())) {
            throw new IllegalStateException(layout.dir() + " is not an essay demo sandbox (it has no " + Layout.MARKER
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

    /**
     * Stops the commands the hosts still run (left by a JVM that was killed), the supervisords (with their
     * processes), then nginx (with its workers), by PID.
     */
    private static StopResult stopProcesses(Layout layout) {
        List<String> problems = new ArrayList<>();
        List<Long> commands = commandPids(layout);
        List<Long> stopped = new ArrayList<>(commands);
        List<Long> commandsLeft = Pids.terminate(commands, Duration.ofSeconds(5));
        if (!commandsLeft.isEmpty()) {
            problems.add("host commands still running: " + commandsLeft);
        }
        List<Long> supervisordMasters = supervisordMasterPids(layout);
        List<Long> supervisords = new ArrayList<>();
        supervisordMasters.forEach(pid -> supervisords.addAll(Pids.withDescendants(pid)));
        // SIGTERM to supervisord stops its programs (stopwaitsecs 10) before it exits; the children get it only if it could not
        List<Long> left = Pids.terminate(supervisordMasters, Duration.ofSeconds(30));
        left = new ArrayList<>(left);
        left.addAll(Pids.terminate(supervisords, Duration.ofSeconds(10)));
        if (!left.isEmpty()) {
            problems.add("still running after SIGKILL: " + left.stream().distinct().toList());
        }
        stopped.addAll(supervisords);
        List<Long> nginx = nginxPids(layout);
        List<Long> nginxLeft = Pids.terminate(nginx, Duration.ofSeconds(15));
        if (!nginxLeft.isEmpty()) {
            problems.add("nginx still running: " + nginxLeft);
        }
        stopped.addAll(nginx);
        return new StopResult(stopped, 0, commands.size(), supervisordMasters.size(), nginx.isEmpty() ? 0 : 1,
                supervisords.size() - supervisordMasters.size(), problems);
    }

    /** Running demo and keeper JVMs of this sandbox (by pids/demo.pid and pids/keeper.pid), never this JVM. */
    static List<Long> demoJvmPids(Layout layout) {
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

    /**
     * The commands the hosts run now, with their descendants: pids/commands/*.pid, each checked to be a
     * process working in the sandbox (the pid may have been reused since).
     */
    static List<Long> commandPids(Layout layout) {
        Set<Long> pids = new LinkedHashSet<>();
        if (!Files.isDirectory(layout.commandPids())) {
            return new ArrayList<>();
        }
        try (Stream<Path> files = Files.list(layout.commandPids())) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Pids.readPidFile(file).ifPresent(pid -> {
                    boolean inSandbox = Pids.workingDirectory(pid).map(cwd -> cwd.startsWith(layout.dir())).orElse(false);
                    if (pid != ProcessHandle.current().pid() && Pids.running(pid) && inSandbox) {
                        pids.addAll(Pids.withDescendants(pid));
                    }
                });
            }
        } catch (IOException | UncheckedIOException e) {
            // the directory went away meanwhile
        }
        return new ArrayList<>(pids);
    }

    /** nginx's master (pids/nginx.pid, checked against its command line) and its workers. */
    static List<Long> nginxPids(Layout layout) {
        Set<Long> pids = new LinkedHashSet<>();
        for (Path file : List.of(layout.pidFile("nginx"), layout.nginxPidFile())) {
            Pids.readPidFile(file).ifPresent(pid -> {
                String cmd = Pids.commandLine(pid);
                if (Pids.running(pid) && cmd.contains("nginx") && cmd.contains(layout.nginxConfig().toString())) {
                    pids.addAll(Pids.withDescendants(pid));
                }
            });
        }
        return new ArrayList<>(pids);
    }

    /** The supervisords of every slot (their pid files under the hosts' homes) with their processes. */
    static List<Long> supervisordPids(Layout layout) {
        List<Long> pids = new ArrayList<>();
        supervisordMasterPids(layout).forEach(pid -> pids.addAll(Pids.withDescendants(pid)));
        return pids;
    }

    private static List<Long> supervisordMasterPids(Layout layout) {
        List<Long> pids = new ArrayList<>();
        if (!Files.isDirectory(layout.hosts())) {
            return pids;
        }
        try (Stream<Path> files = Files.find(layout.hosts(), 6,
                (p, a) -> a.isRegularFile() && p.getFileName().toString().equals("supervisord.pid"))) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Optional<Long> pid = Pids.readPidFile(file);
                if (pid.isPresent() && Pids.running(pid.get()) && !pids.contains(pid.get())) {
                    String cmd = Pids.commandLine(pid.get());
                    if (cmd.contains("supervisord") && cmd.contains(layout.dir().toString())) {
                        pids.add(pid.get());
                    }
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // a slot directory vanished while we looked: nothing runs from it
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

    /** The SSH user of every host: the current user's name when essay accepts it, else "demo". */
    private static String sshUser() {
        String name = System.getProperty("user.name", "");
        return name.matches("[a-z_][a-z0-9_.-]{0,31}") ? name : "demo";
    }

    static boolean isRoot() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue() == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
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

    private static boolean canBind(String address, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(address), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort(String address) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + address, e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
