package dev.essay.fleet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;

/**
 * One sandbox host: an embedded SSH server (Apache MINA SSHD) on the host's own loopback address, with
 * its own host key, letting in only the demo user with the demo client key, running exec requests through
 * {@link HostCommandFactory} (as the current Unix user, in the host's home). No password or
 * keyboard-interactive login, no interactive shell, no subsystems (sftp), no forwarding.
 */
public final class SshHost implements AutoCloseable {
    private final FleetHost host;
    private final SshServer server;
    private final HostCommandFactory commands;

    private SshHost(FleetHost host, SshServer server, HostCommandFactory commands) {
        this.host = host;
        this.server = server;
        this.commands = commands;
    }

    /**
     * Starts the SSH server of {@code host} ({@code host.port()} 0: a free port, see {@link #host()}).
     *
     * @param hostKey      the host's private key (OpenSSH format)
     * @param clientKey    the public key ({@code .pub}) allowed to log in
     * @param environment  set in every command's environment besides HOME, USER, PATH, ...
     * @param pidDir       where each running command gets a pid file (see {@link HostCommandFactory})
     */
    public static SshHost start(FleetHost host, Path hostKey, Path clientKey, Map<String, String> environment, Path pidDir)
            throws IOException {
        PublicKey allowed = readPublicKey(clientKey);
        HostCommandFactory commands = new HostCommandFactory(host.name(), host.user(), host.home(), environment, pidDir);
        SshServer server = SshServer.setUpDefaultServer();
        server.setHost(host.address());
        server.setPort(host.port());
        server.setKeyPairProvider(new FileKeyPairProvider(hostKey));
        server.setPublickeyAuthenticator((user, key, session) -> user.equals(host.user()) && KeyUtils.compareKeys(key, allowed));
        server.setPasswordAuthenticator(null);
        server.setKeyboardInteractiveAuthenticator(null);
        server.setGSSAuthenticator(null);
        server.setHostBasedAuthenticator(null);
        server.setShellFactory(null);
        server.setSubsystemFactories(List.of());
        server.setCommandFactory(commands);
        // essay holds one connection per host for a whole command; a kept sandbox must not drop it between steps
        CoreModuleProperties.IDLE_TIMEOUT.set(server, Duration.ofHours(1));
        try {
            server.start();
        } catch (IOException | RuntimeException e) {
            commands.close();
            try {
                server.stop(true);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        int port = host.port();
        for (SocketAddress bound : server.getBoundAddresses()) {
            if (bound instanceof InetSocketAddress inet) {
                port = inet.getPort();
            }
        }
        return new SshHost(host.withPort(port), server, commands);
    }

    /** The host with the port its server listens on. */
    public FleetHost host() {
        return host;
    }

    /** PIDs of the commands this host runs now, with their descendants. */
    public List<Long> runningCommandPids() {
        return commands.runningPids();
    }

    /** Stops listening, closes every session and stops the commands still running. Idempotent. */
    @Override
    public void close() {
        try {
            server.stop(true);
        } catch (IOException e) {
            // stopping immediately; nothing to do about a failure to close a socket
        } finally {
            commands.close();
        }
    }

    static PublicKey readPublicKey(Path pub) throws IOException {
        String line = Files.readString(pub, StandardCharsets.UTF_8).trim();
        try {
            return AuthorizedKeyEntry.parseAuthorizedKeyEntry(line).resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.FAILING);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the public key " + pub + ": " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    @Override
    public String toString() {
        return "ssh host " + host.name() + " " + host.spec();
    }
}
