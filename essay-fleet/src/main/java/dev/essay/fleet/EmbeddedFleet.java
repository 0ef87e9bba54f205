package dev.essay.fleet;

import static org.awaitility.Awaitility.await;

import dev.essay.core.pkg.Trees;
import dev.essay.index.PackageIndexServer;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A fleet of embedded SSH servers in this JVM, all of it in one directory ({@link EmbeddedLayout}) and on loopback,
 * run as the current user: no Unix users are created, no root is needed. Each host is an {@link SshHost} on its own
 * loopback address with its own host key, its own home ({@code hosts/<host>/}) and {@code ESSAY_SAMPLE_HOST=<its
 * address>}, so the sample processes of each host listen on that host's address; a client key and a known_hosts
 * listing every host's key; a package index ({@link PackageIndexServer}); nginx, started as the current user with a
 * config inside the directory. nginx and the supervisord of every slot essay deploys are separate processes, found
 * by their pid files inside the directory, so {@link #stopProcesses} ends them by PID even when the JVM that owned
 * the fleet was killed.
 *
 * <p>{@link #builder()} makes the integration tests' fleet (in a temporary directory, hosts on
 * {@code 127.<10+n>.1.x} for {@code ESSAY_TESTFLEET_NS=n}, one fleet per namespace at a time by a lock file); the demo's
 * {@code Sandbox} is one too, and adds what only the demo has (its marker, its state for a keeper JVM, the sample
 * project in git).
 */
public class EmbeddedFleet implements Fleet {
    public static final String ROUTER = "router";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration LOCK_TIMEOUT = Duration.ofMinutes(20);
    /** The test fleets' directories: {@code /tmp/essay-ef<namespace>-<user>-<random>}. */
    private static final String DIR_PREFIX = "essay-ef";

    /** Who runs the fleets, as a file name part: each user has their own lock and directories under /tmp. */
    private static final String OWNER = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9_.-]", "_");

    /** The directories of this user's fleets of this namespace start with this. */
    private static String namespacePrefix() {
        return DIR_PREFIX + TestFleet.NAMESPACE + "-" + OWNER + "-";
    }

    protected final EmbeddedLayout layout;
    private final String user;
    private final List<FleetHost> hosts = new ArrayList<>();
    private FleetHost router;
    private final Map<String, SshHost> servers = new LinkedHashMap<>();
    private PackageIndexServer index;
    private int indexPort;
    private int nginxPort;
    private final Set<Long> seenPids = Collections.synchronizedSet(new LinkedHashSet<>());
    private FileChannel lockChannel;
    private Thread shutdownHook;
    private boolean closed;

    protected EmbeddedFleet(EmbeddedLayout layout) {
        this.layout = layout;
        this.user = sshUser();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options of a test fleet. */
    public static final class Builder {
        private int hosts = 1;
        private List<String> published = List.of();

        private Builder() {
        }

        /** Number of SSH hosts in role {@code web} (1 to 99; default 1), besides the router host. */
        public Builder hosts(int count) {
            if (count < 1 || count > 99) {
                throw new IllegalArgumentException("hosts must be 1..99, not " + count);
            }
            this.hosts = count;
            return this;
        }

        /** Versions of the sample to put on the index once the fleet runs ({@link #publish}). */
        public Builder published(String... versions) {
            this.published = List.of(versions);
            return this;
        }

        /**
         * Starts a fleet in a new directory under {@code /tmp}, its hosts on {@code 127.<10+n>.1.<i>} and its router on
         * {@code 127.<10+n>.1.100} for namespace n ({@code ESSAY_TESTFLEET_NS}): clear of {@link TestFleet}'s
         * {@code 127.<n>.1.x} and of the demo's {@code 127.0.<block>.x}. Waits for the namespace's lock file
         * ({@code /tmp/essay-embeddedfleet-<user>.lock}, {@code -<user>-<n>.lock} for n > 0) while another fleet of the
         * namespace runs. The lock and the directories are the user's own: another user's fleets (their files are not
         * ours to lock or sweep) share the addresses, on other ports. When anything fails,
         * what was started is stopped again and the error thrown.
         */
        public EmbeddedFleet build() {
            String prefix = "127." + (10 + TestFleet.NAMESPACE) + ".1.";
            FileChannel lock = lock(Path.of("/tmp/essay-embeddedfleet-" + OWNER
                    + (TestFleet.NAMESPACE == 0 ? "" : "-" + TestFleet.NAMESPACE) + ".lock"));
            EmbeddedFleet fleet;
            try {
                sweepLeftovers();
                Path dir = Files.createTempDirectory(Path.of("/tmp"), namespacePrefix());
                fleet = new EmbeddedFleet(new EmbeddedLayout(dir));
            } catch (IOException | RuntimeException e) {
                closeQuietly(lock);
                throw new IllegalStateException("cannot create the embedded fleet's directory under /tmp: " + e.getMessage(), e);
            }
            fleet.lockChannel = lock;
            try {
                fleet.createDirectories();
                Files.copy(SampleBuild.supervisorTemplate(), fleet.layout.project().resolve("conf/supervisord.conf"));
                generateKey(fleet.layout.identity(), "essay-fleet-client");
                fleet.startIndex(0);
                published.forEach(fleet::publish);
                for (int i = 1; i <= hosts; i++) {
                    fleet.startHost(new FleetHost("h" + i, fleet.user, requireBindable(prefix + i), 0, null, null));
                }
                fleet.startHost(new FleetHost(ROUTER, fleet.user, requireBindable(prefix + "100"), 0, null, null));
                fleet.writeKnownHosts();
                fleet.startNginx(List.of("# nginx of an embedded test fleet's router: runs as the test's user, in the foreground."));
                fleet.writeConfig();
                Thread hook = new Thread(fleet::closeQuietly, "essay-embeddedfleet-shutdown");
                Runtime.getRuntime().addShutdownHook(hook);
                fleet.shutdownHook = hook;
                return fleet;
            } catch (IOException e) {
                throw closing(fleet, new UncheckedIOException("cannot start the embedded fleet", e));
            } catch (RuntimeException e) {
                throw closing(fleet, e);
            }
        }

        /**
         * A fleet of this namespace whose JVM was killed left its directory, and maybe nginx and supervisords on the
         * namespace's addresses: holding the namespace's lock, every such directory is a dead fleet's; stop what it
         * left running, by PID, and remove it.
         */
        private static void sweepLeftovers() throws IOException {
            try (Stream<Path> dirs = Files.list(Path.of("/tmp"))) {
                for (Path dir : dirs.filter(d -> d.getFileName().toString().startsWith(namespacePrefix())).toList()) {
                    EmbeddedLayout left = new EmbeddedLayout(dir);
                    StopResult stopped = stopProcesses(left);
                    if (!stopped.problems().isEmpty()) {
                        throw new IllegalStateException("cannot clean up " + dir + ", left by an embedded fleet whose JVM "
                                + "died: " + String.join("; ", stopped.problems()) + "; stop those processes and remove it");
                    }
                    Trees.delete(dir);
                }
            }
        }

        private static RuntimeException closing(EmbeddedFleet fleet, RuntimeException e) {
            try {
                fleet.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            return e;
        }

        private static String requireBindable(String address) {
            if (!canBind(address, 0)) {
                throw new IllegalStateException("cannot listen on " + address + " (the embedded fleet's host address for "
                        + "ESSAY_TESTFLEET_NS=" + TestFleet.NAMESPACE + "); Linux routes all of 127.0.0.0/8 to loopback");
            }
            return address;
        }

        private static FileChannel lock(Path file) {
            try {
                FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock[] held = new FileLock[1];
                try {
                    await("the lock " + file + " (another embedded fleet of this namespace runs; ESSAY_TESTFLEET_NS "
                            + "gives each checkout its own)").atMost(LOCK_TIMEOUT).pollInterval(Duration.ofMillis(200))
                            .until(() -> (held[0] = channel.tryLock()) != null);
                } catch (RuntimeException e) {
                    channel.close();
                    throw e;
                }
                return channel;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot lock " + file, e);
            }
        }
    }

    // ------------------------------------------------------------------------------------------ accessors

    public EmbeddedLayout layout() {
        return layout;
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

    /** The router's state directory (the release lock and ledger). */
    public Path routerStateDir() {
        return layout.routerState();
    }

    /** The SSH user of every host: this JVM's user when essay accepts the name, else {@code demo}. */
    public String user() {
        return user;
    }

    /** Every PID this fleet started or found its hosts running (nginx, supervisords, sample processes, ...). */
    public List<Long> seenPids() {
        synchronized (seenPids) {
            return List.copyOf(seenPids);
        }
    }

    /** Records a PID this fleet started (a process of the fleet's owner, for {@link #seenPids}). */
    protected void seen(long pid) {
        seenPids.add(pid);
    }

    /** Records the PIDs running now (nginx and its workers, supervisords and their processes) in {@link #seenPids}. */
    public void recordPids() {
        seenPids.addAll(supervisordPids(layout));
        seenPids.addAll(nginxPids(layout));
    }

    /** Puts the sample's wheel and sdist of {@code version} on the index ({@link SampleBuild#publish}). */
    public List<Path> publish(String version) {
        return SampleBuild.publish(version, layout.index());
    }

    /** The essay.yaml of this fleet (docs/essay-yaml.md). */
    @Override
    public String configYaml() {
        return configYaml(List.of("essay.yaml of the embedded fleet in " + layout.dir(), "Every host is an SSH server in the "
                + "test's JVM on its own loopback address; each runs commands as " + user + " in its own home, "
                + layout.hosts() + "/<host>."), null, Map.of());
    }

    /** The essay.yaml of this fleet with {@code header}, {@code build.python} ({@code null}: none) and key comments. */
    protected String configYaml(List<String> header, String buildPython, Map<String, String> comments) {
        return FleetConfig.yaml(new FleetConfig.Values(header, indexUrl(), hosts, layout.identity(), layout.knownHosts(), false,
                "~/" + EmbeddedLayout.VENV_DIR, buildPython, router, layout.nginxConfig(), layout.upstreamFile(),
                routerUrl().resolve("/health"), layout.routerState()), comments);
    }

    /** Writes {@code yaml} to {@code project/essay.yaml}. */
    @Override
    public Path writeConfig(String yaml) {
        try {
            Files.writeString(layout.config(), yaml, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + layout.config(), e);
        }
        return layout.config();
    }

    // ------------------------------------------------------------------------------------------ start

    /** Creates the directories of {@link EmbeddedLayout} (the client's: only this user may read). */
    protected void createDirectories() throws IOException {
        Files.setPosixFilePermissions(layout.dir(), PosixFilePermissions.fromString("rwx------"));
        for (Path sub : List.of(layout.pids(), layout.logs(), layout.index(), layout.build(), layout.hosts(),
                layout.project().resolve("conf"), layout.router().resolve("logs"), layout.router().resolve("tmp"))) {
            Files.createDirectories(sub);
        }
        Files.createDirectories(layout.client());
        Files.setPosixFilePermissions(layout.client(), PosixFilePermissions.fromString("rwx------"));
    }

    /** Starts the package index on {@code 127.0.0.1:port} (0: a free port), serving {@code index/}. */
    protected void startIndex(int port) throws IOException {
        index = PackageIndexServer.start(layout.index(), new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
        indexPort = index.port();
    }

    /**
     * Starts the SSH server of {@code host} (its home: {@code hosts/<name>}; port 0: a free one; a host key made on
     * first start) and adds it as a host of role web, or as the router when it is named {@link #ROUTER}.
     */
    protected FleetHost startHost(FleetHost host) throws IOException {
        SshHost server = serve(host);
        if (host.name().equals(ROUTER)) {
            router = server.host();
        } else {
            hosts.add(server.host());
        }
        return server.host();
    }

    private SshHost serve(FleetHost host) throws IOException {
        Path home = layout.home(host.name());
        Files.createDirectories(home.resolve("tmp"));
        Path key = layout.hostKey(host.name());
        if (!Files.exists(key)) {
            Files.createDirectories(key.getParent());
            generateKey(key, "essay-fleet-" + host.name());
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("TMPDIR", home.resolve("tmp").toString());
        if (!host.name().equals(ROUTER)) {
            env.put("ESSAY_SAMPLE_HOST", host.address());
        }
        SshHost server;
        try {
            server = SshHost.start(new FleetHost(host.name(), host.user(), host.address(), host.port(), home, home),
                    key, layout.identityPub(), env, layout.commandPids());
        } catch (BindException e) {
            throw new IOException("cannot listen on " + host.address() + (host.port() == 0 ? "" : ":" + host.port())
                    + " for host " + host.name() + ": " + e.getMessage(), e);
        }
        servers.put(host.name(), server);
        return server;
    }

    @Override
    public synchronized void stopHost(int i) {
        SshHost server = servers.remove(host(i).name());
        if (server != null) {
            seenPids.addAll(server.runningCommandPids());
            server.close();
        }
    }

    @Override
    public synchronized void startHost(int i) {
        FleetHost host = host(i);
        if (!servers.containsKey(host.name())) {
            try {
                serve(host);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start host " + host.name() + " again", e);
            }
        }
    }

    /** Writes {@code client/known_hosts}: every host's key under {@code [address]:port}. */
    protected void writeKnownHosts() throws IOException {
        StringBuilder known = new StringBuilder();
        List<FleetHost> all = new ArrayList<>(hosts);
        all.add(router);
        for (FleetHost host : all) {
            String[] pub = Files.readString(Path.of(layout.hostKey(host.name()) + ".pub")).trim().split("\\s+");
            known.append(host.knownHostsName()).append(' ').append(pub[0]).append(' ').append(pub[1]).append('\n');
        }
        Files.writeString(layout.knownHosts(), known.toString());
    }

    /** An ed25519 key without passphrase in {@code file} (and {@code file.pub}). */
    public static void generateKey(Path file, String comment) {
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

    /**
     * Starts nginx as the current user on a free port of 127.0.0.1, with its config ({@code preamble} first) and
     * everything else in {@code router/}, and waits until it answers. Its PID goes to {@code pids/nginx.pid}.
     */
    protected void startNginx(List<String> preamble) throws IOException {
        Path routerDir = layout.router();
        nginxPort = freePort("127.0.0.1");
        List<String> lines = new ArrayList<>(preamble);
        if (FleetBackend.isRoot()) {
            lines.add("user root;    # run as root: workers keep root's access to the fleet's temp dirs");
        }
        Files.writeString(layout.nginxConfig(), Nginx.config(lines, new Nginx.Files(layout.nginxPidFile(),
                layout.nginxErrorLog(), routerDir.resolve("logs/access.log"), routerDir.resolve("tmp"), layout.upstreamFile(),
                nginxPort), FleetConfig.UPSTREAM_NAME));
        Files.writeString(layout.upstreamFile(), Nginx.emptyUpstream(
                "no live slot yet: essay writes this file on its first switch", FleetConfig.UPSTREAM_NAME));
        // setsid: nginx does not share the terminal's process group, so Ctrl-C reaches only this JVM, which
        // stops nginx itself; setsid execs nginx (no fork), so the PID is the master's.
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            command.add("/usr/bin/setsid");
        }
        command.addAll(List.of(Nginx.BINARY, "-c", layout.nginxConfig().toString()));
        if (nginxHasErrorLogOption()) {
            // nginx >= 1.19.5: its own messages before the config is read go to the directory too, not /var/log/nginx
            command.addAll(List.of("-e", layout.nginxErrorLog().toString()));
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(routerDir.toFile())
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
            throw new IOException("cannot start nginx (" + Nginx.BINARY + "): " + e.getMessage()
                    + "; install it (scripts/install-deps)", e);
        }
        Files.writeString(layout.pidFile("nginx"), nginx.pid() + "\n");
        seenPids.add(nginx.pid());
        Nginx.awaitAnswer(nginx, nginxPort, START_TIMEOUT,
                () -> read(layout.logs().resolve("nginx.out")) + read(layout.nginxErrorLog()));
        seenPids.addAll(Pids.withDescendants(nginx.pid()));
    }

    /** After a restart in another JVM: nginx kept running on {@code port}. */
    protected void nginxRunsOn(int port) {
        nginxPort = port;
    }

    private static boolean nginxHasErrorLogOption() {
        try {
            return LocalCommand.runClean(List.of(Nginx.BINARY, "-h"), Duration.ofSeconds(30), null, Map.of()).output()
                    .contains("-e filename");
        } catch (RuntimeException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------------------------------ close, stop

    /**
     * Stops everything by PID and waits for it to exit: the SSH hosts (and any command they still run), the
     * supervisord of every slot (which stops the sample processes), nginx, the index; then deletes the directory.
     * Idempotent. Throws when something could not be stopped or removed.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stopAndRemove();
        } finally {
            closeQuietly(lockChannel);
            if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
                try {
                    Runtime.getRuntime().removeShutdownHook(shutdownHook);
                } catch (IllegalStateException e) {
                    // the JVM is shutting down: the hook runs, and finds the fleet closed
                }
            }
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            System.err.println("[embeddedfleet] " + e.getMessage());
        }
    }

    /** {@link #close()}'s work: returns a one-line account ("stopped ...; removed ..."), throws on a problem. */
    protected String stopAndRemove() {
        long started = System.nanoTime();
        int sshHosts = servers.size();
        closeServers();
        afterServersClosed();
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

    /** In {@link #stopAndRemove()}: after the SSH hosts and the index closed, before nginx and the supervisords stop. */
    protected void afterServersClosed() {
    }

    /** Closes the SSH hosts (stopping the commands they run) and the index; nginx and the supervisords keep running. */
    protected void closeServers() {
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

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // the lock goes with the channel; nothing else to release
            }
        }
    }

    /** What {@link #stopProcesses} (or the demo's stop) stopped. */
    public record StopResult(List<Long> stopped, int jvms, int commands, int supervisords, int nginx, int others, List<String> problems) {
        public String describe() {
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
     * Stops the commands the hosts still run (left by a JVM that was killed), the supervisords (with their
     * processes), then nginx (with its workers), by PID.
     */
    public static StopResult stopProcesses(EmbeddedLayout layout) {
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

    /**
     * The commands the hosts run now, with their descendants: pids/commands/*.pid, each checked to be a
     * process working in the directory (the pid may have been reused since).
     */
    public static List<Long> commandPids(EmbeddedLayout layout) {
        Set<Long> pids = new LinkedHashSet<>();
        if (!Files.isDirectory(layout.commandPids())) {
            return new ArrayList<>();
        }
        try (Stream<Path> files = Files.list(layout.commandPids())) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Pids.readPidFile(file).ifPresent(pid -> {
                    boolean inside = Pids.workingDirectory(pid).map(cwd -> cwd.startsWith(layout.dir())).orElse(false);
                    if (pid != ProcessHandle.current().pid() && Pids.running(pid) && inside) {
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
    public static List<Long> nginxPids(EmbeddedLayout layout) {
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
    public static List<Long> supervisordPids(EmbeddedLayout layout) {
        List<Long> pids = new ArrayList<>();
        supervisordMasterPids(layout).forEach(pid -> pids.addAll(Pids.withDescendants(pid)));
        return pids;
    }

    /** The supervisords of every slot, without their processes. */
    public static List<Long> supervisordMasterPids(EmbeddedLayout layout) {
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

    /** The SSH user of every host: the current user's name when essay accepts it, else "demo". */
    private static String sshUser() {
        String name = System.getProperty("user.name", "");
        return name.matches("[a-z_][a-z0-9_.-]{0,31}") ? name : "demo";
    }

    /** Whether {@code address:port} (port 0: any) can be bound now. */
    public static boolean canBind(String address, int port) {
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

    /** The text of {@code file}, or "" when it cannot be read. */
    public static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
