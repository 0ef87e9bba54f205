package dev.essay.fleet;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * A fleet on this machine: SSH hosts on loopback addresses, an nginx router in front of their slots, a package
 * index, and the essay.yaml ({@link FleetConfig}) that describes them. Two host backends ({@link FleetBackend}):
 * <ul>
 *   <li>{@link TestFleet}: OpenSSH {@code sshd} per Unix user (needs root; the integration tests that need separate
 *       users, the benchmarks, CI);</li>
 *   <li>{@link EmbeddedFleet}: embedded SSH servers ({@link SshHost}, {@link HostCommandFactory}) running commands as
 *       this JVM's user, no root (the integration tests that run on either backend, the demo's {@code Sandbox}).</li>
 * </ul>
 * The integration tests get theirs from {@code dev.essay.fleet.junit.FleetExtension} ({@code @WithFleet}).
 * Both render nginx ({@link Nginx}) and essay.yaml ({@link FleetConfig}) the same way, build the sample with
 * {@link SampleBuild}, serve it with essay-index's {@code PackageIndexServer}, and stop what they start by PID
 * ({@link Pids}).
 */
public interface Fleet extends AutoCloseable {
    /** The hosts of role {@code web}, in order. */
    List<FleetHost> hosts();

    /** Host {@code i} of role {@code web}, 1-based. */
    default FleetHost host(int i) {
        List<FleetHost> hosts = hosts();
        if (i < 1 || i > hosts.size()) {
            throw new IllegalArgumentException("host " + i + " is not in this fleet of " + hosts.size() + " hosts (1-based)");
        }
        return hosts.get(i - 1);
    }

    /** Stops host {@code i}'s SSH server (1-based): the host becomes unreachable; its slots keep running. */
    void stopHost(int i);

    /** Starts host {@code i}'s SSH server again, on the same address and port, and waits until it answers. */
    void startHost(int i);

    /** The router host (nginx, the release lock and ledger). */
    FleetHost routerHost();

    /** Where nginx listens: {@code http://127.0.0.1:<port>/}. */
    URI routerUrl();

    /** The package index's simple API: {@code http://127.0.0.1:<port>/simple/}. */
    URI indexUrl();

    /** The private key that logs in to every host. */
    Path identity();

    /** Every host's key, as essay verifies them. */
    Path knownHosts();

    Path nginxConfig();

    /** The upstream include essay rewrites on a switch. */
    Path upstreamFile();

    /** The essay.yaml describing this fleet. */
    String configYaml();

    /** Writes {@link #configYaml()} to the fleet's project directory (beside {@code conf/supervisord.conf}); returns the file. */
    default Path writeConfig() {
        return writeConfig(configYaml());
    }

    /** Writes {@code yaml} (e.g. an edited {@link #configYaml()}) where {@link #writeConfig()} writes; returns the file. */
    Path writeConfig(String yaml);

    /** A traffic loop through the router ({@link #routerUrl()}), started; close it when done. */
    default TrafficLoop traffic() {
        return TrafficLoop.start(routerUrl());
    }

    /** Stops everything the fleet started, by PID, and removes what it created. */
    @Override
    void close();
}
