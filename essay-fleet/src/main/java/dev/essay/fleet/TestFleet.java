package dev.essay.fleet;

import org.awaitility.core.ConditionTimeoutException;
import static org.awaitility.Awaitility.await;
import dev.essay.index.PackageIndexServer;
import dev.essay.core.pkg.Trees;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real fleet on this machine for integration tests: one OpenSSH server per host, nginx as the router, a
 * PEP 503 index serving the sample service's distributions. Needs root (it creates Unix users and runs
 * sshd); it fails, never skips, when not root.
 *
 * <pre>{@code
 * try (TestFleet fleet = TestFleet.builder().hosts(3).build()) {
 *     fleet.publish("1.0.0");
 *     Path essayYaml = fleet.writeConfig();
 *     ... run essay against essayYaml, assert through fleet.routerUrl() with a TrafficLoop ...
 * }
 * }</pre>
 *
 * <h2>Layout</h2>
 * <ul>
 *   <li>Host {@code i} (1-based) is the Unix user {@code essay-h<i>} logging in to its own
 *       {@code /usr/sbin/sshd} on {@code 127.0.1.<i>:<free port>} (from host 100 on, {@code 127.0.1.<i+1>}); the
 *       router is {@code essay-router} on {@code 127.0.1.100}. With {@link Builder#latency}, clients reach each
 *       sshd through a {@link DelayProxy} on the same address, and {@link FleetHost#port()} is the relay's.
 *       Each sshd lets in only its user, by key only ({@code AuthorizedKeysFile
 *       <sandbox>/keys/%u}), logs at {@code VERBOSE} to {@link #sshdLog} (one {@code Starting session:} line
 *       per command channel: see {@link #sshSessions}), and sets {@code ESSAY_SAMPLE_HOST=127.0.1.<i>} in
 *       every session, so the sample processes a host starts listen on that host's address: every host
 *       uses the same slot ports, on its own address. Consequently nothing listens on
 *       {@code 127.0.0.1:<slot port>}: a health check run on a host must address the host's processes by
 *       the host's address (the one in essay.yaml, which the router uses too).</li>
 *   <li>Users are created once ({@code useradd -m -s /bin/sh}) and kept; their password is set to
 *       {@code *} because sshd without PAM refuses accounts whose password is locked ({@code !}, the
 *       {@code useradd} default). {@code venv.prefix} is {@code ~/essay-sample}: the same text means each
 *       user's own home ({@code /home/essay-h<i>/essay-sample}); the fixture never creates it (a fresh host
 *       has no slots) and deletes it on {@link #close()} and before starting.</li>
 *   <li>The sandbox ({@code /tmp/essay-fleet-*}, mode 0755) holds: {@code client/} (the client key
 *       {@link #identity()}, a second key protected by {@link #PASSPHRASE}, {@link #knownHosts()}),
 *       {@code keys/} (authorized keys per user), {@code sshd/<host>/} (host key, config, pid, log),
 *       {@code hosts/<user>/} (a directory owned by each user, {@link FleetHost#workDir()}), {@code index/}
 *       (what {@link #publish} put on the index), {@code router/} (owned by {@code essay-router}: nginx.conf,
 *       upstream.conf, pid, logs, temp dirs, state/), and {@code project/} ({@link #writeConfig()}'s
 *       essay.yaml with {@code conf/supervisord.conf}, a copy of the sample's template).</li>
 *   <li>nginx runs as {@code essay-router} in the foreground ({@code daemon off;}), so its master's PID is
 *       the fixture's child; it proxies {@code 127.0.0.1:<free port>} to the upstream {@code essay_sample}
 *       defined in {@code router/upstream.conf}, initially a single {@code down} server (every request: 502).
 *       essay, logged in as {@code essay-router}, rewrites that file and runs {@code nginx -c <conf> -t} and
 *       {@code -s reload}.</li>
 * </ul>
 *
 * One fleet at a time: the users are shared, so a second fleet in the same JVM is refused, and fleets of
 * different JVMs take turns on the file lock {@code /tmp/essay-testfleet.lock}. A fleet that a killed JVM
 * left behind is cleaned up by the next one (its processes by PID, its users' processes, its sandbox).
 */
public final class TestFleet implements Fleet {
    public static final String PROJECT = FleetConfig.PROJECT;
    public static final String UPSTREAM_NAME = FleetConfig.UPSTREAM_NAME;
    /** The {@code venv.prefix} of {@link #configYaml()}: each host user's {@code ~/essay-sample}. */
    public static final String VENV_PREFIX = "~/essay-sample";
    /** The passphrase of {@link #passphraseIdentity()}. */
    public static final String PASSPHRASE = "essay fleet passphrase";
    /**
     * Which fleet namespace this JVM uses ({@code ESSAY_TESTFLEET_NS}, 0 to 9; default 0): namespace 0 is the users
     * {@code essay-h<i>}/{@code essay-router} on {@code 127.0.1.x} with the lock {@code /tmp/essay-testfleet.lock};
     * namespace n is {@code essay<n>-h<i>}/{@code essay<n>-router} on {@code 127.<n>.1.x} with its own lock file, so
     * several checkouts can run their integration tests at once.
     */
    public static final int NAMESPACE = namespace();
    private static final String USER_PREFIX = NAMESPACE == 0 ? "essay-" : "essay" + NAMESPACE + "-";
    public static final String ROUTER_USER = USER_PREFIX + "router";
    public static final String ROUTER_ADDRESS = "127." + NAMESPACE + ".1.100";
    /** Slot name to port prefix in {@link #configYaml()}: process i of slot a listens on {@code 810i}. */
    public static final Map<String, String> SLOTS = FleetConfig.SLOTS;
    public static final int PROCESS_COUNT = FleetConfig.PROCESS_COUNT;

    private static final String SSHD = "/usr/sbin/sshd";
    private static final String NGINX = Nginx.BINARY;
    private static final Path LOCK_FILE = Path.of(NAMESPACE == 0 ? "/tmp/essay-testfleet.lock"
            : "/tmp/essay-testfleet-" + NAMESPACE + ".lock");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration LOCK_TIMEOUT = Duration.ofMinutes(20);
    private static final AtomicBoolean OPEN = new AtomicBoolean();

    private final int hostCount;
    private final Duration latency;
    private final Map<String, DelayProxy> proxies = new LinkedHashMap<>();
    private final List<FleetHost> hosts = new ArrayList<>();
    private final Map<String, Process> sshds = new LinkedHashMap<>();
    private final Map<String, Long> startedPids = new LinkedHashMap<>();
    private final Map<String, String> hostKeys = new LinkedHashMap<>();
    private FleetHost router;
    private FileChannel lockChannel;
    private FileLock lock;
    private Path sandbox;
    private Path identity;
    private Path passphraseIdentity;
    private Path knownHosts;
    private PackageIndexServer index;
    private Process nginx;
    private int routerPort;
    private Thread shutdownHook;
    private boolean closed;

    private TestFleet(int hostCount, Duration latency) {
        this.hostCount = hostCount;
        this.latency = latency;
    }

    private static int namespace() {
        String ns = System.getenv("ESSAY_TESTFLEET_NS");
        if (ns == null || ns.isBlank()) {
            return 0;
        }
        if (!ns.strip().matches("[0-9]")) {
            throw new IllegalStateException("ESSAY_TESTFLEET_NS must be a digit 0 to 9, not '" + ns + "'");
        }
        return Integer.parseInt(ns.strip());
    }

    /** The Unix user of host {@code i} (1-based) in this JVM's namespace: {@code essay-h<i>} in namespace 0. */
    public static String hostUser(int i) {
        return USER_PREFIX + "h" + i;
    }

    /** The loopback address of host {@code i} (1-based): {@code 127.0.1.i}, skipping the router's {@code .100}. */
    public static String hostAddress(int i) {
        return "127." + NAMESPACE + ".1." + (i < 100 ? i : i + 1);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options of a fleet. */
    public static final class Builder {
        private int hosts = 1;
        private Duration latency = Duration.ZERO;
        private List<String> published = List.of();

        private Builder() {
        }

        /** Versions of the sample to put on the index once the fleet runs ({@link #publish}). */
        public Builder published(String... versions) {
            this.published = List.of(versions);
            return this;
        }

        /** Number of SSH hosts in role {@code web} (1 to 253; default 1), besides the router host. */
        public Builder hosts(int count) {
            if (count < 1 || count > 253) {
                throw new IllegalArgumentException("hosts must be 1..253, not " + count);
            }
            this.hosts = count;
            return this;
        }

        /**
         * Adds {@code roundTrip} of latency to every SSH connection to the hosts and the router (default none):
         * each sshd is reached through a {@link DelayProxy} that holds the bytes half of it in each direction.
         * Only SSH is delayed; the index, nginx and the slots are reached directly.
         */
        public Builder latency(Duration roundTrip) {
            if (roundTrip.isNegative()) {
                throw new IllegalArgumentException("latency must not be negative: " + roundTrip);
            }
            this.latency = roundTrip;
            return this;
        }

        /** Starts the fleet; when anything fails, what was started is stopped again and the error thrown. */
        public TestFleet build() {
            requireRoot();
            if (!OPEN.compareAndSet(false, true)) {
                throw new IllegalStateException("a TestFleet is already open in this JVM; close it before building "
                        + "another (fleets share the Unix users essay-h<i> and essay-router)");
            }
            TestFleet fleet = new TestFleet(hosts, latency);
            try {
                fleet.boot();
                published.forEach(fleet::publish);
                return fleet;
            } catch (RuntimeException | Error e) {
                try {
                    fleet.close();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- accessors

    /** The SSH hosts of role {@code web}, host 1 first. */
    public List<FleetHost> hosts() {
        return List.copyOf(hosts);
    }

    /** The nginx host, reached over SSH as {@code essay-router}. */
    public FleetHost routerHost() {
        return router;
    }

    /** Where nginx listens: {@code http://127.0.0.1:<port>/}. */
    public URI routerUrl() {
        return URI.create("http://127.0.0.1:" + routerPort + "/");
    }

    /** The index's PEP 503 URL, e.g. {@code http://127.0.0.1:40123/simple/}. */
    public URI indexUrl() {
        return index.simpleUrl();
    }

    /** The directory the index serves (what {@link #publish} copied there). */
    public Path indexDir() {
        return index.directory();
    }

    /** A {@code known_hosts} file with the key of every host and of the router, as {@code [address]:port}. */
    public Path knownHosts() {
        return knownHosts;
    }

    /** The client's private key (ed25519, no passphrase), authorized on every host and the router. */
    public Path identity() {
        return identity;
    }

    /** A second authorized client key, protected by {@link #PASSPHRASE}. */
    public Path passphraseIdentity() {
        return passphraseIdentity;
    }

    public String passphrase() {
        return PASSPHRASE;
    }

    /** The host key of {@code host} as it appears in known_hosts: {@code ssh-ed25519 AAAA...}. */
    public String hostKey(FleetHost host) {
        return hostKeys.get(host.name());
    }

    public Path sandbox() {
        return sandbox;
    }

    /** The sshd log of {@code host} (also the router), at LogLevel VERBOSE. */
    public Path sshdLog(FleetHost host) {
        return sandbox.resolve("sshd").resolve(host.name()).resolve("sshd.log");
    }

    /** Connections that logged in to {@code host} so far ({@code Accepted publickey} lines of its sshd log). */
    public long sshConnections(FleetHost host) {
        return countLogLines(host, "Accepted publickey for ");
    }

    /** Command sessions (exec channels) started on {@code host} so far ({@code Starting session:} lines). */
    public long sshSessions(FleetHost host) {
        return countLogLines(host, "Starting session: ");
    }

    /** The router's directory: nginx.conf, upstream.conf, nginx.pid, logs, state/. */
    public Path routerDir() {
        return sandbox.resolve("router");
    }

    public Path nginxConfig() {
        return sandbox.resolve("router/nginx.conf");
    }

    /** The include essay owns: it defines {@code upstream essay_sample}. */
    public Path upstreamFile() {
        return sandbox.resolve("router/upstream.conf");
    }

    public Path nginxErrorLog() {
        return sandbox.resolve("router/logs/error.log");
    }

    /** {@code router.state_dir} of {@link #configYaml()} (not created by the fixture). */
    public Path routerStateDir() {
        return sandbox.resolve("router/state");
    }

    /** The directory {@link #writeConfig()} writes essay.yaml to, with {@code conf/supervisord.conf}. */
    public Path projectDir() {
        return sandbox.resolve("project");
    }

    /** The slot directory of {@code slot} on {@code host}: {@code <home>/essay-sample/<slot>}. */
    public Path slotDir(FleetHost host, String slot) {
        return host.home().resolve("essay-sample").resolve(slot);
    }

    /** PIDs of the processes this fixture started, by name ({@code sshd h1}, ..., {@code nginx}), stopped ones included. */
    public synchronized Map<String, Long> processIds() {
        return Map.copyOf(startedPids);
    }

    // ---------------------------------------------------------------------------------------------- actions

    /**
     * Puts the sample's wheel and sdist of {@code version} on the index (built once per JVM, see
     * {@link SampleBuild}); returns the files in the index directory. Idempotent.
     */
    public List<Path> publish(String version) {
        return SampleBuild.publish(version, indexDir());
    }

    /**
     * The essay.yaml of this fleet: role {@code web} with every host, the router, the index, slots
     * {@code a} (port prefix 810) and {@code b} (811), 2 processes, {@code venv.prefix: ~/essay-sample},
     * the template {@code conf/supervisord.conf} relative to {@link #projectDir()}; health defaults.
     */
    public String configYaml() {
        return FleetConfig.yaml(new FleetConfig.Values(List.of("essay.yaml of the test fleet in " + sandbox), indexUrl(),
                hosts, identity, knownHosts, true, VENV_PREFIX, null, router, nginxConfig(), upstreamFile(),
                URI.create("http://127.0.0.1:" + routerPort + "/health"), routerStateDir()), Map.of());
    }

    /** Writes {@code yaml} (e.g. an edited {@link #configYaml()}) to {@code <sandbox>/project/essay.yaml}. */
    public Path writeConfig(String yaml) {
        Path file = projectDir().resolve("essay.yaml");
        try {
            Files.writeString(file, yaml, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** The OpenSSH client command line that runs {@code command} on {@code host} as its user, verifying its key. */
    public List<String> sshCommand(FleetHost host, Path knownHostsFile, String command) {
        return List.of("ssh", "-F", "/dev/null", "-i", identity.toString(),
                "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
                "-o", "UserKnownHostsFile=" + knownHostsFile, "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "StrictHostKeyChecking=yes", "-o", "ConnectTimeout=5", "-o", "LogLevel=ERROR",
                "-p", Integer.toString(host.port()), host.user() + "@" + host.address(), command);
    }

    /** Runs {@code command} on {@code host} with the OpenSSH client (for tests; essay itself uses its own transport). */
    public LocalCommand.Result ssh(FleetHost host, String command) {
        return LocalCommand.run(sshCommand(host, knownHosts, command), Duration.ofMinutes(5));
    }

    /**
     * A plain {@code nginx -s reload} on the router, as its user, outside essay (what an operator or logrotate does);
     * returns once nginx's old workers are gone, so that every new connection is served by the config on disk.
     */
    public void reloadNginx() {
        long master = nginx.pid();
        Set<Long> before = nginxWorkers(master);
        LocalCommand.run(List.of("setpriv", "--reuid=" + ROUTER_USER, "--regid=" + ROUTER_USER, "--init-groups", "--reset-env",
                "--", NGINX, "-c", nginxConfig().toString(), "-e", nginxErrorLog().toString(), "-s", "reload"),
                Duration.ofMinutes(1)).orThrow();
        await("nginx's old workers " + before + " to exit after the reload").atMost(Duration.ofSeconds(30))
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20))
                .until(() -> nginxWorkers(master), now -> !now.isEmpty() && now.stream().noneMatch(before::contains));
    }

    private static Set<Long> nginxWorkers(long master) {
        return ProcessHandle.of(master).map(p -> p.children().map(ProcessHandle::pid).collect(Collectors.toSet()))
                .orElse(Set.of());
    }

    /** Kills the sshd of host {@code i} (1-based) and its session processes by PID: the host becomes unreachable. */
    public synchronized void stopHost(int i) {
        FleetHost host = host(i);
        Process sshd = sshds.remove(host.name());
        if (sshd != null) {
            stopSshd(host, sshd);
        }
    }

    /** Starts the sshd of host {@code i} again (same address, port and key) after {@link #stopHost}. */
    public synchronized void startHost(int i) {
        FleetHost host = host(i);
        if (!sshds.containsKey(host.name())) {
            Process sshd = startSshd(host);
            awaitBanner(host, sshd);
        }
    }


    // ---------------------------------------------------------------------------------------------- boot

    private void boot() {
        acquireLock();
        long started = System.nanoTime();
        List<String> users = new ArrayList<>();
        for (int i = 1; i <= hostCount; i++) {
            users.add(hostUser(i));
        }
        users.add(ROUTER_USER);
        Map<String, Path> homes = new LinkedHashMap<>();
        for (String user : users) {
            homes.put(user, ensureUser(user));
        }
        killUserProcesses(users);
        homes.values().forEach(home -> Trees.delete(home.resolve("essay-sample")));
        try {
            sandbox = Files.createTempDirectory(Path.of("/tmp"), "essay-fleet-");
            chmod(sandbox, "rwxr-xr-x");
            recordInLockFile(users);
            Path client = mkdir("client", "rwx------");
            Path keys = mkdir("keys", "rwxr-xr-x");
            mkdir("sshd", "rwx------");
            mkdir("hosts", "rwxr-xr-x");
            Path indexDir = mkdir("index", "rwxr-xr-x");
            // sshd refuses to start without its privilege separation directory, which only the service's
            // tmpfiles create: a machine where openssh-server was installed but never started has none.
            Path privsep = Path.of("/run/sshd");
            if (!Files.isDirectory(privsep)) {
                Files.createDirectories(privsep);
                chmod(privsep, "rwxr-xr-x");
            }
            Path routerDir = mkdir("router", "rwxr-xr-x");
            Path project = mkdir("project", "rwxr-xr-x");
            Files.createDirectories(project.resolve("conf"));
            Files.copy(SampleBuild.supervisorTemplate(), project.resolve("conf/supervisord.conf"));

            identity = client.resolve("id_ed25519");
            passphraseIdentity = client.resolve("id_ed25519_passphrase");
            run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "essay-test-client", "-f", identity.toString());
            run("ssh-keygen", "-q", "-t", "ed25519", "-N", PASSPHRASE, "-C", "essay-test-client-passphrase",
                    "-f", passphraseIdentity.toString());
            String authorized = Files.readString(Path.of(identity + ".pub")) + Files.readString(Path.of(passphraseIdentity + ".pub"));

            for (int i = 1; i <= hostCount; i++) {
                hosts.add(newHost("h" + i, hostUser(i), hostAddress(i), homes.get(hostUser(i))));
            }
            router = newHost("router", ROUTER_USER, ROUTER_ADDRESS, homes.get(ROUTER_USER));
            List<FleetHost> all = new ArrayList<>(hosts);
            all.add(router);
            StringBuilder known = new StringBuilder();
            for (FleetHost host : all) {
                Path authorizedKeys = keys.resolve(host.user());
                Files.writeString(authorizedKeys, authorized);
                chmod(authorizedKeys, "rw-r--r--");
                known.append(host.knownHostsName()).append(' ').append(hostKeys.get(host.name())).append('\n');
            }
            knownHosts = client.resolve("known_hosts");
            Files.writeString(knownHosts, known.toString());

            index = PackageIndexServer.start(indexDir, new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));

            synchronized (this) {
                for (FleetHost host : all) {
                    startSshd(host);
                }
                startNginx(routerDir);
            }
            shutdownHook = new Thread(this::closeQuietly, "essay-testfleet-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
            for (FleetHost host : all) {
                awaitBanner(host, sshds.get(host.name()));
            }
            awaitNginx();
            log("started " + sandbox + " in " + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms: hosts "
                    + hosts + ", router " + router + ", nginx 127.0.0.1:" + routerPort + ", index " + indexUrl());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the test fleet", e);
        }
    }

    private FleetHost newHost(String name, String user, String address, Path home) throws IOException {
        Path work = sandbox.resolve("hosts").resolve(user);
        Files.createDirectories(work);
        run("chown", user + ":" + user, work.toString());
        Path dir = Files.createDirectories(sandbox.resolve("sshd").resolve(name));
        Path hostKey = dir.resolve("ssh_host_ed25519_key");
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "essay-test-" + name, "-f", hostKey.toString());
        String[] pub = Files.readString(Path.of(hostKey + ".pub")).trim().split(" ");
        hostKeys.put(name, pub[0] + " " + pub[1]);
        int port = freePort(address);
        FleetHost host = new FleetHost(name, user, address, port, home, work);
        if (!latency.isZero()) {
            DelayProxy proxy = DelayProxy.start(address, new InetSocketAddress(address, port), latency.dividedBy(2));
            proxies.put(name, proxy);
            host = new FleetHost(name, user, address, proxy.port(), home, work);
        }
        String config = String.join("\n",
                "# sshd of test fleet host " + name + " (" + host.spec() + ")",
                "ListenAddress " + address + ":" + port,
                "AddressFamily inet",
                "HostKey " + hostKey,
                "PidFile " + dir.resolve("sshd.pid"),
                "AuthorizedKeysFile " + sandbox.resolve("keys") + "/%u",
                "StrictModes no",
                "UsePAM no",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PubkeyAuthentication yes",
                "PermitRootLogin no",
                "AllowUsers " + user,
                "LogLevel VERBOSE",
                "PrintMotd no",
                "PrintLastLog no",
                "X11Forwarding no",
                "MaxSessions 64",
                "MaxStartups 64:30:128",
                "SetEnv ESSAY_SAMPLE_HOST=" + address,
                "Subsystem sftp /usr/lib/openssh/sftp-server",
                "");
        Path configFile = dir.resolve("sshd_config");
        Files.writeString(configFile, config);
        run(SSHD, "-t", "-f", configFile.toString());
        return host;
    }

    private Process startSshd(FleetHost host) {
        Path dir = sandbox.resolve("sshd").resolve(host.name());
        Process sshd = spawn("sshd " + host.name(),
                List.of(SSHD, "-D", "-e", "-f", dir.resolve("sshd_config").toString()), sshdLog(host));
        sshds.put(host.name(), sshd);
        return sshd;
    }

    private void startNginx(Path routerDir) throws IOException {
        Path logs = Files.createDirectories(routerDir.resolve("logs"));
        Path temp = Files.createDirectories(routerDir.resolve("tmp"));
        routerPort = freePort("127.0.0.1");
        Files.writeString(nginxConfig(), Nginx.config(
                List.of("# nginx of the test fleet's router; runs as " + ROUTER_USER + " in the foreground."),
                new Nginx.Files(routerDir.resolve("nginx.pid"), logs.resolve("error.log"), logs.resolve("access.log"),
                        temp, upstreamFile(), routerPort),
                UPSTREAM_NAME));
        Files.writeString(upstreamFile(), Nginx.emptyUpstream("no live slot yet", UPSTREAM_NAME));
        run("chown", "-R", ROUTER_USER + ":" + ROUTER_USER, routerDir.toString());
        // setpriv execs nginx, so the fixture's child is the nginx master (runuser would fork and stay the parent).
        nginx = spawn("nginx", List.of("setpriv", "--reuid=" + ROUTER_USER, "--regid=" + ROUTER_USER, "--init-groups",
                "--reset-env", "--", NGINX, "-c", nginxConfig().toString(), "-e", nginxErrorLog().toString()),
                sandbox.resolve("nginx.out"));
    }

    private Process spawn(String name, List<String> command, Path log) {
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            startedPids.put(name, process.pid());
            Files.writeString(sandbox.resolve("fleet.pids"), process.pid() + " " + name + "\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", command), e);
        }
    }

    private void awaitBanner(FleetHost host, Process sshd) {
        Startup.awaitAnswer("sshd of " + host, sshd, START_TIMEOUT, () -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host.address(), host.port()), 1000);
                socket.setSoTimeout(2000);
                String banner = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                return banner != null && banner.startsWith("SSH-2.0-") ? null : "banner " + banner;
            }
        }, () -> "its log " + sshdLog(host) + ":\n" + readQuietly(sshdLog(host)));
    }

    private void awaitNginx() {
        Nginx.awaitAnswer(nginx, routerPort, START_TIMEOUT,
                () -> readQuietly(sandbox.resolve("nginx.out")) + readQuietly(nginxErrorLog()));
    }

    // ---------------------------------------------------------------------------------------------- close

    /**
     * Stops everything by PID and deletes what the fleet created: the supervisord of every slot under the
     * users' {@code ~/essay-sample} or the sandbox (by their pid files), nginx, every sshd and its sessions,
     * the index, then any process still owned by a fleet user; then deletes the sandbox and each user's
     * {@code ~/essay-sample}. Idempotent; also run by a JVM shutdown hook. Throws when a process survived.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long started = System.nanoTime();
        List<String> phases = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<String> users = new ArrayList<>(hosts.stream().map(FleetHost::user).toList());
        if (router != null) {
            users.add(router.user());
        }
        List<FleetHost> all = new ArrayList<>(hosts);
        if (router != null) {
            all.add(router);
        }
        try {
            List<Long> supervisords = supervisordPids(all);
            List<Long> left = Pids.terminate(supervisords, Duration.ofSeconds(30));
            if (!left.isEmpty()) {
                problems.add("supervisord still running: " + left);
            }
        } catch (RuntimeException e) {
            problems.add("stopping supervisord: " + e);
        }
        phases.add("supervisord " + millisSince(started));
        if (nginx != null) {
            stopChild("nginx", nginx, problems);
        }
        phases.add("nginx " + millisSince(started));
        for (FleetHost host : all) {
            Process sshd = sshds.remove(host.name());
            if (sshd != null) {
                try {
                    stopSshd(host, sshd);
                } catch (RuntimeException e) {
                    problems.add("stopping sshd of " + host + ": " + e.getMessage());
                }
            }
        }
        proxies.values().forEach(DelayProxy::close);
        proxies.clear();
        phases.add("sshd " + millisSince(started));
        if (index != null) {
            index.close();
        }
        try {
            List<Long> left = killUserProcesses(users);
            if (!left.isEmpty()) {
                problems.add("processes of " + users + " still running: " + left);
            }
        } catch (RuntimeException e) {
            problems.add("stopping the users' processes: " + e);
        }
        phases.add("user processes " + millisSince(started));
        for (FleetHost host : all) {
            try {
                Trees.delete(host.home().resolve("essay-sample"));
            } catch (RuntimeException e) {
                problems.add(e.getMessage());
            }
        }
        if (sandbox != null) {
            try {
                Trees.delete(sandbox);
            } catch (RuntimeException e) {
                problems.add(e.getMessage());
            }
        }
        releaseLock(problems.isEmpty());
        log("closed " + (sandbox == null ? "(no sandbox)" : sandbox) + " in " + millisSince(started) + " ms " + phases
                + (problems.isEmpty() ? "" : "; problems: " + problems));
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting; the hook runs or ran
            }
        }
        OPEN.set(false);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("TestFleet.close() left something behind: " + String.join("; ", problems));
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            System.err.println("essay TestFleet shutdown hook: " + e.getMessage());
        }
    }

    /** PIDs from {@code <home>/essay-sample/<slot>/run/supervisord.pid} and any supervisord.pid in the sandbox. */
    private List<Long> supervisordPids(List<FleetHost> all) {
        List<Path> pidFiles = new ArrayList<>();
        for (FleetHost host : all) {
            Path prefix = host.home().resolve("essay-sample");
            if (Files.isDirectory(prefix)) {
                try (Stream<Path> slots = Files.list(prefix)) {
                    slots.map(slot -> slot.resolve("run/supervisord.pid")).filter(Files::isRegularFile).forEach(pidFiles::add);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        if (sandbox != null && Files.isDirectory(sandbox)) {
            try (Stream<Path> files = Files.find(sandbox, 8, (p, a) -> a.isRegularFile() && p.getFileName().toString().equals("supervisord.pid"))) {
                files.forEach(pidFiles::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        List<Long> pids = new ArrayList<>();
        for (Path pidFile : pidFiles) {
            String text = readQuietly(pidFile).trim();
            if (text.matches("[0-9]+")) {
                long pid = Long.parseLong(text);
                if (Pids.running(pid) && Pids.commandLine(pid).contains("supervisord") && !pids.contains(pid)) {
                    pids.add(pid);
                }
            }
        }
        return pids;
    }

    private void stopSshd(FleetHost host, Process sshd) {
        // the per-connection sshd processes; users' commands get SIGHUP when their session goes
        List<Long> sessions = sshd.descendants().filter(p -> p.info().command().map(c -> c.contains("sshd")).orElse(false))
                .map(ProcessHandle::pid).toList();
        List<String> problems = new ArrayList<>();
        stopChild("sshd " + host.name(), sshd, problems);
        List<Long> left = Pids.terminate(sessions, Duration.ofSeconds(10));
        if (!left.isEmpty()) {
            problems.add("sshd sessions of " + host + " still running: " + left);
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException(String.join("; ", problems));
        }
    }

    private static void stopChild(String name, Process process, List<String> problems) {
        try {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    problems.add(name + " (pid " + process.pid() + ") did not exit");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problems.add("interrupted while stopping " + name);
        }
    }

    /** Terminates every process owned by {@code users} (a few rounds, for processes started meanwhile). */
    private static List<Long> killUserProcesses(List<String> users) {
        List<Long> left = List.of();
        for (int round = 0; round < 3; round++) {
            List<Long> pids = Pids.ownedBy(users);
            if (pids.isEmpty()) {
                return List.of();
            }
            left = Pids.terminate(pids, Duration.ofSeconds(10));
        }
        return left;
    }

    // ---------------------------------------------------------------------------------------------- the lock

    private void acquireLock() {
        try {
            lockChannel = FileChannel.open(LOCK_FILE, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            lock = lockChannel.tryLock();
            if (lock == null) {
                log("waiting for " + LOCK_FILE + ": another JVM's test fleet holds it");
                try {
                    await("the test fleet lock " + LOCK_FILE).atMost(LOCK_TIMEOUT).pollInterval(Duration.ofMillis(200)).pollInSameThread()
                            .until(() -> (lock = lockChannel.tryLock()) != null);
                } catch (ConditionTimeoutException e) {
                    throw new IllegalStateException("another test fleet (another JVM) held " + LOCK_FILE + " for " + LOCK_TIMEOUT, e);
                }
            }
            ByteBuffer content = ByteBuffer.allocate((int) Math.min(lockChannel.size(), 64 * 1024));
            lockChannel.read(content, 0);
            recoverStale(new String(content.array(), 0, content.position(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + LOCK_FILE, e);
        }
    }

    /** Cleans up after a fleet whose JVM died without closing it (its lock file still names its sandbox). */
    private static void recoverStale(String lockContent) {
        Map<String, String> fields = lockContent.lines().filter(l -> l.contains("="))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf('=')), l -> l.substring(l.indexOf('=') + 1), (a, b) -> b));
        String staleSandbox = fields.get("sandbox");
        if (staleSandbox == null || !staleSandbox.startsWith("/tmp/essay-fleet-")) {
            return;
        }
        Path stale = Path.of(staleSandbox);
        Path pidFile = stale.resolve("fleet.pids");
        if (Files.isRegularFile(pidFile)) {
            List<Long> pids = new ArrayList<>();
            for (String line : readQuietly(pidFile).split("\n")) {
                String pid = line.split(" ")[0];
                if (pid.matches("[0-9]+") && Pids.running(Long.parseLong(pid)) && Pids.commandLine(Long.parseLong(pid)).contains(staleSandbox)) {
                    pids.add(Long.parseLong(pid));
                }
            }
            Pids.terminate(pids, Duration.ofSeconds(15));
        }
        String users = fields.getOrDefault("users", "");
        if (users.matches("[a-z0-9,-]+")) {
            List<String> list = List.of(users.split(","));
            killUserProcesses(list);
            for (String user : list) {
                homeOf(user).ifPresent(home -> Trees.delete(home.resolve("essay-sample")));
            }
        }
        Trees.delete(stale);
    }

    private void recordInLockFile(List<String> users) throws IOException {
        byte[] content = ("sandbox=" + sandbox + "\nusers=" + String.join(",", users) + "\npid=" + ProcessHandle.current().pid() + "\n")
                .getBytes(StandardCharsets.UTF_8);
        lockChannel.truncate(0);
        lockChannel.write(ByteBuffer.wrap(content), 0);
        lockChannel.force(true);
    }

    private void releaseLock(boolean clean) {
        try {
            if (lockChannel != null) {
                if (clean && lock != null) {
                    lockChannel.truncate(0);
                }
                if (lock != null) {
                    lock.release();
                }
                lockChannel.close();
            }
        } catch (IOException e) {
            // closing the channel releases the lock in any case
        }
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private static long millisSince(long nanoTime) {
        return Duration.ofNanos(System.nanoTime() - nanoTime).toMillis();
    }

    private static void log(String message) {
        System.err.println("[testfleet] " + message);
    }

    private static void requireRoot() {
        String uid = LocalCommand.run(List.of("id", "-u"), Duration.ofSeconds(10)).output().trim();
        if (!uid.equals("0")) {
            throw new IllegalStateException("TestFleet must run as root (uid 0, not " + uid + "): it creates the Unix "
                    + "users essay-h<i> and essay-router and runs sshd and nginx. Run the integration tests as root, "
                    + "as CI does (.ci/run → scripts/test).");
        }
    }

    /** Creates {@code user} when absent and makes its account usable by sshd without PAM; returns its home. */
    private static Path ensureUser(String user) {
        if (homeOf(user).isEmpty()) {
            LocalCommand.Result add = LocalCommand.run(List.of("useradd", "-m", "-s", "/bin/sh", user), Duration.ofMinutes(1));
            if (!add.ok() && homeOf(user).isEmpty()) {
                add.orThrow();
            }
        }
        // useradd leaves the password locked ("!"); sshd with UsePAM no refuses locked accounts even for keys.
        run("usermod", "-p", "*", user);
        Path home = homeOf(user).orElseThrow(() -> new IllegalStateException("user " + user + " has no passwd entry"));
        if (!Files.isDirectory(home)) {
            try {
                Files.createDirectories(home);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            run("chown", user + ":" + user, home.toString());
        }
        return home;
    }

    private static java.util.Optional<Path> homeOf(String user) {
        LocalCommand.Result entry = LocalCommand.run(List.of("getent", "passwd", user), Duration.ofSeconds(30));
        if (!entry.ok()) {
            return java.util.Optional.empty();
        }
        String[] fields = entry.output().trim().split(":");
        return fields.length >= 6 ? java.util.Optional.of(Path.of(fields[5])) : java.util.Optional.empty();
    }

    private Path mkdir(String name, String permissions) throws IOException {
        Path dir = Files.createDirectories(sandbox.resolve(name));
        chmod(dir, permissions);
        return dir;
    }

    private static void chmod(Path path, String permissions) throws IOException {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
    }

    private static void run(String... command) {
        LocalCommand.run(List.of(command), Duration.ofMinutes(1)).orThrow();
    }

    private static int freePort(String address) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + address, e);
        }
    }

    private long countLogLines(FleetHost host, String marker) {
        return readQuietly(sshdLog(host)).lines().filter(l -> l.contains(marker)).count();
    }

    private static String readQuietly(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
