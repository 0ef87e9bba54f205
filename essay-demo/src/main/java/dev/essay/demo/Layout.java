package dev.essay.demo;

import java.nio.file.Path;

/**
 * Where everything of a sandbox lives, all under one directory:
 *
 * <pre>
 * &lt;dir&gt;/
 *   .essay-demo-sandbox       marker: --stop and a new demo touch only directories that have it
 *   sandbox.properties        user, hosts (address, SSH port, home), index and nginx ports
 *   client/                   the demo's SSH client key (id_ed25519) and known_hosts
 *   ssh/&lt;host&gt;/               each host's SSH host key
 *   hosts/&lt;host&gt;/             each host's home directory (HOME of its commands); the slots are in
 *                             hosts/&lt;host&gt;/essay-sample/&lt;slot&gt;/ (venv.prefix ~/essay-sample)
 *   router/                   nginx.conf, upstream.conf (essay's include), nginx.pid, logs/, tmp/, state/
 *   index/                    the package index: essay-sample's wheels and sdists, 1.0.0 and 2.0.0
 *   build/                    the sample's sources stamped with each version, and their builds
 *   project/                  essay.yaml and conf/supervisord.conf: the "repository" essay reads
 *   pids/                     demo.pid (the demo's JVM), nginx.pid, keeper.pid (a --keep sandbox's JVM),
 *                             commands/&lt;host&gt;-&lt;pid&gt;.pid (each command a host runs, while it runs)
 *   logs/                     nginx.out, keeper.log
 * </pre>
 */
record Layout(Path dir) {
    static final String MARKER = ".essay-demo-sandbox";
    static final String VENV_DIR = "essay-sample";

    Path marker() {
        return dir.resolve(MARKER);
    }

    Path state() {
        return dir.resolve("sandbox.properties");
    }

    Path client() {
        return dir.resolve("client");
    }

    Path identity() {
        return client().resolve("id_ed25519");
    }

    Path identityPub() {
        return client().resolve("id_ed25519.pub");
    }

    Path knownHosts() {
        return client().resolve("known_hosts");
    }

    Path hostKey(String host) {
        return dir.resolve("ssh").resolve(host).resolve("ssh_host_ed25519_key");
    }

    Path hosts() {
        return dir.resolve("hosts");
    }

    Path home(String host) {
        return hosts().resolve(host);
    }

    Path router() {
        return dir.resolve("router");
    }

    Path nginxConfig() {
        return router().resolve("nginx.conf");
    }

    Path upstreamFile() {
        return router().resolve("upstream.conf");
    }

    Path nginxPidFile() {
        return router().resolve("nginx.pid");
    }

    Path nginxErrorLog() {
        return router().resolve("logs/error.log");
    }

    Path routerState() {
        return router().resolve("state");
    }

    Path index() {
        return dir.resolve("index");
    }

    Path build() {
        return dir.resolve("build");
    }

    Path project() {
        return dir.resolve("project");
    }

    Path config() {
        return project().resolve("essay.yaml");
    }

    Path pids() {
        return dir.resolve("pids");
    }

    Path pidFile(String name) {
        return pids().resolve(name + ".pid");
    }

    Path commandPids() {
        return pids().resolve("commands");
    }

    Path logs() {
        return dir.resolve("logs");
    }
}
