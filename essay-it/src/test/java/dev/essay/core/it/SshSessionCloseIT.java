package dev.essay.core.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.essay.core.model.HostAddress;
import dev.essay.core.model.Secret;
import dev.essay.core.transport.ExecResult;
import dev.essay.core.transport.RemoteScript;
import dev.essay.core.transport.Session;
import dev.essay.core.transport.SshSettings;
import dev.essay.core.transport.SshTransport;
import dev.essay.core.transport.TransportException;
import dev.essay.fleet.FleetHost;
import dev.essay.fleet.LocalCommand;
import dev.essay.fleet.SshHost;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Closing an SSH session (what a cancel does) ends a step that waits for its channel to open at once, not after the
 * channel timeout (60 s): JSch waits for the open confirmation without looking at the session until woken, and its
 * disconnect does not wake it. The host is an embedded SSH server reached through a relay that, once muted, drops
 * what the server sends: the step's channel-open request reaches the server, its confirmation never comes back.
 */
class SshSessionCloseIT {
    @TempDir
    Path dir;

    @Test
    void closingTheSessionEndsAStepWaitingForItsChannel() throws Exception {
        Path hostKey = keygen("host");
        Path clientKey = keygen("client");
        String user = System.getProperty("user.name");
        FleetHost spec = new FleetHost("h1", user, "127.0.0.1", 0, Path.of(System.getProperty("user.home")), dir);
        try (SshHost host = SshHost.start(spec, hostKey, Path.of(clientKey + ".pub"), Map.of(),
                Files.createDirectories(dir.resolve("pids")));
                MutingRelay relay = new MutingRelay(new InetSocketAddress("127.0.0.1", host.host().port()))) {
            SshTransport transport = new SshTransport(new SshSettings("test key", Secret.of(Files.readString(clientKey)),
                    null, "", null, true, Duration.ofSeconds(5)));
            Session session = transport.open(HostAddress.parse(user + "@127.0.0.1:" + relay.port()));
            ExecResult first = session.run(new RemoteScript("echo", "echo hello\n", "echo hello"), line -> { });
            assertThat(first.stdout()).contains("hello");

            relay.mute();
            long sentBefore = relay.clientBytes();
            CompletableFuture<ExecResult> held = CompletableFuture.supplyAsync(
                    () -> session.run(new RemoteScript("held", "echo never\n", "echo never"), line -> { }));
            await("the channel-open request to reach the server").atMost(Duration.ofSeconds(20))
                    .until(() -> relay.clientBytes() > sentBefore);
            session.close();
            // the channel timeout is 60 s: a step still waiting after 20 s was not woken by the close
            await("the held step to end").atMost(Duration.ofSeconds(20)).until(held::isDone);
            assertThat(held).isCompletedExceptionally();
            try {
                held.get();
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(TransportException.class)
                        .hasMessageContaining("the connection broke during 'held'");
            }
        }
    }

    private Path keygen(String name) {
        Path key = dir.resolve(name);
        LocalCommand.Result r = LocalCommand.run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
                key.toString()), Duration.ofSeconds(30));
        assertThat(r.exitCode()).as(r.output()).isZero();
        return key;
    }

    /** A TCP relay for one connection that, once muted, drops what the server sends. */
    private static final class MutingRelay implements AutoCloseable {
        private final ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        private final AtomicBoolean muted = new AtomicBoolean();
        private final AtomicLong clientBytes = new AtomicLong();
        private final List<Socket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();

        MutingRelay(InetSocketAddress server) throws Exception {
            Thread accept = new Thread(() -> {
                try {
                    Socket client = listener.accept();
                    Socket upstream = new Socket(server.getAddress(), server.getPort());
                    sockets.add(client);
                    sockets.add(upstream);
                    pump(client.getInputStream(), upstream.getOutputStream(), false);
                    pump(upstream.getInputStream(), client.getOutputStream(), true);
                } catch (Exception e) {
                    // closed
                }
            }, "muting relay");
            accept.setDaemon(true);
            accept.start();
        }

        private void pump(InputStream in, OutputStream out, boolean fromServer) {
            Thread t = new Thread(() -> {
                byte[] buffer = new byte[8192];
                try {
                    for (int n; (n = in.read(buffer)) >= 0; ) {
                        if (!fromServer) {
                            clientBytes.addAndGet(n);
                        }
                        if (fromServer && muted.get()) {
                            continue;
                        }
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                } catch (Exception e) {
                    // closed
                }
            }, "muting relay " + (fromServer ? "from server" : "to server"));
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return listener.getLocalPort();
        }

        void mute() {
            muted.set(true);
        }

        long clientBytes() {
            return clientBytes.get();
        }

        @Override
        public void close() throws Exception {
            listener.close();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
