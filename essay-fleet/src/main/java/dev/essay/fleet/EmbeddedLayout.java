package dev.essay.fleet;

import java.nio.file.Path;

/**
 * Where everything of an {@link EmbeddedFleet} lives, all under one directory (the demo's sandbox is one):
 *
 * <pre>
 * &lt;dir&gt;/
 *   .essay-demo-sandbox       the demo's marker: --stop and a new demo touch only directories that have it
 *   sandbox.properties        the demo's state: user, hosts (address, SSH port, home), index and nginx ports
 *   client/                   the SSH client key (id_ed25519) and known_hosts
 *   ssh/&lt;host&gt;/               each host's SSH host key
 *   hosts/&lt;host&gt;/             each host's home directory (HOME of its commands); the slots are in
 *                             hosts/&lt;host&gt;/essay-sample/&lt;slot&gt;/ (venv.prefix ~/essay-sample)
 *   router/                   nginx.conf, upstream.conf (essay's include), nginx.pid, logs/, tmp/, state/
 *   index/                    the package index: essay-sample's wheels and sdists
 *   build/                    the sample's sources stamped with each version, and their builds
 *   project/                  essay.yaml and conf/supervisord.conf: the "repository" essay reads
 *   pids/                     nginx.pid; the demo's demo.pid (its JVM), keeper.pid (a --keep sandbox's JVM);
 *                             commands/&lt;host&gt;-&lt;pid&gt;.pid (each command a host runs, while it runs)
 *   logs/                     nginx.out; the demo's keeper.log
 * </pre>
 */
public record EmbeddedLayout(Path dir) {
    public static final String MARKER = ".essay-demo-sandbox";
    public static final String VENV_DIR = "essay-sample";

    public Path marker() {
        return dir.resolve(MARKER);
    }

    public Path state() {
        return dir.resolve("sandbox.properties");
    }

    public Path client() {
        return dir.resolve("client");
    }

    public Path identity() {
        return client().resolve("id_ed25519");
    }

    public Path identityPub() {
        return client().resolve("id_ed25519.pub");
    }

    public Path knownHosts() {
        return client().resolve("known_hosts");
    }

    public Path hostKey(String host) {
        return dir.resolve("ssh").resolve(host).resolve("ssh_host_ed25519_key");
    }

    public Path hosts() {
        return dir.resolve("hosts");
    }

    public Path home(String host) {
        return hosts().resolve(host);
    }

    public Path router() {
        return dir.resolve("router");
    }

    public Path nginxConfig() {
        return router().resolve("nginx.conf");
    }

    public Path upstreamFile() {
        return router().resolve("upstream.conf");
    }

    public Path nginxPidFile() {
        return router().resolve("nginx.pid");
    }

    public Path nginxErrorLog() {
        return router().resolve("logs/error.log");
    }

    public Path routerState() {
        return router().resolve("state");
    }

    public Path index() {
        return dir.resolve("index");
    }

    public Path build() {
        return dir.resolve("build");
    }

    public Path project() {
        return dir.resolve("project");
    }

    public Path config() {
        return project().resolve("essay.yaml");
    }

    public Path pids() {
        return dir.resolve("pids");
    }

    public Path pidFile(String name) {
        return pids().resolve(name + ".pid");
    }

    public Path commandPids() {
        return pids().resolve("commands");
    }

    public Path logs() {
        return dir.resolve("logs");
    }
}
