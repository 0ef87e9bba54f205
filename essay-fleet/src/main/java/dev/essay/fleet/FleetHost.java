package dev.essay.fleet;

import java.nio.file.Path;

/**
 * One SSH host of a fleet: with {@link TestFleet}, a Unix user with its own OpenSSH sshd on its own loopback
 * address; with {@link SshHost}, an embedded SSH server running commands as this JVM's user.
 *
 * @param name     {@code h1} .. {@code hN}, or {@code router}
 * @param user     the only user the host's sshd lets in ({@code essay-h1} .., {@code essay-router})
 * @param address  the host's loopback address ({@code 127.0.1.i}; the router: {@code 127.0.1.100})
 * @param port     the port clients connect to: the sshd's, or its delaying relay's (see {@code TestFleet.Builder.latency})
 * @param home     the user's home directory (where {@code ~/} points on this host)
 * @param workDir  a directory in the sandbox owned by the user ({@code <sandbox>/hosts/<user>}), for tests (an
 *                 embedded host: its home)
 */
public record FleetHost(String name, String user, String address, int port, Path home, Path workDir) {
    /** {@code user@address:port}, as written in essay.yaml. */
    public String spec() {
        return user + "@" + address + ":" + port;
    }

    /** The {@code known_hosts} name of this host: {@code [address]:port}. */
    public String knownHostsName() {
        return "[" + address + "]:" + port;
    }

    /** This host on another port (an embedded host asked for port 0 learns its port when it is bound). */
    public FleetHost withPort(int newPort) {
        return new FleetHost(name, user, address, newPort, home, workDir);
    }

    @Override
    public String toString() {
        return spec();
    }
}
