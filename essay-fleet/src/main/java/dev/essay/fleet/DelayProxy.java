package dev.essay.fleet;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP relay that holds every byte for a fixed time in each direction: network latency in user space, for
 * machines whose kernel has no {@code sch_netem} ({@code tc qdisc ... netem delay} fails there). It listens
 * on {@code address:<free port>} and relays each connection to {@code target}; data read at time t is
 * written at t + {@code oneWay}, in order, so a request/response round trip costs twice {@code oneWay} more
 * than without the relay, however many bytes it carries. Bandwidth is not limited, and the TCP handshake to
 * the relay itself is not delayed (the relay connects to the target as soon as it accepts).
 */
final class DelayProxy implements AutoCloseable {
    private static final int CHUNK = 64 * 1024;
    private static final byte[] EOF = new byte[0];

    /** Bytes read, and when they are due on the other side ({@link System#nanoTime()}). */
    private record Chunk(long due, byte[] data) {
    }

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final long delayNanos;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private DelayProxy(ServerSocket server, InetSocketAddress target, Duration oneWay) {
        this.server = server;
        this.target = target;
        this.delayNanos = oneWay.toNanos();
    }

    /** Listens on {@code address} (a free port) and relays to {@code target} with {@code oneWay} delay each way. */
    static DelayProxy start(String address, InetSocketAddress target, Duration oneWay) {
        try {
            ServerSocket server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getByName(address), 0), 128);
            DelayProxy proxy = new DelayProxy(server, target, oneWay);
            daemon("delay-proxy-accept " + address, proxy::accept);
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a delaying relay on " + address, e);
        }
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            sockets.add(client);
            Socket upstream = new Socket();
            sockets.add(upstream);
            try {
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                upstream.connect(target, 5000);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(upstream);
                continue;
            }
            relay(client, upstream, "up");
            relay(upstream, client, "down");
        }
    }

    /** Two threads per direction: one reads and stamps, one writes when each chunk is due. */
    private void relay(Socket from, Socket to, String direction) {
        BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        String name = "delay-proxy-" + direction + " " + target;
        daemon(name + " read", () -> {
            try {
                InputStream in = from.getInputStream();
                byte[] buffer = new byte[CHUNK];
                for (int n; (n = in.read(buffer)) != -1; ) {
                    queue.add(new Chunk(System.nanoTime() + delayNanos, Arrays.copyOf(buffer, n)));
                }
            } catch (IOException e) {
                // the socket was closed or reset: end this direction
            }
            queue.add(new Chunk(System.nanoTime() + delayNanos, EOF));
        });
        daemon(name + " write", () -> {
            try {
                OutputStream out = to.getOutputStream();
                while (true) {
                    Chunk chunk = queue.take();
                    for (long wait; (wait = chunk.due() - System.nanoTime()) > 0; ) {
                        LockSupport.parkNanos(wait);
                    }
                    byte[] data = chunk.data();
                    if (data == EOF) {
                        to.shutdownOutput();
                        break;
                    }
                    out.write(data);
                    out.flush();
                }
                // this direction is done; the second direction to finish closes the connection
                if (from.isOutputShutdown()) {
                    forget(from, to);
                }
            } catch (IOException | InterruptedException e) {
                forget(from, to);
            }
        });
    }

    private void forget(Socket a, Socket b) {
        closeQuietly(a);
        closeQuietly(b);
        sockets.remove(a);
        sockets.remove(b);
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
        sockets.clear();
    }

    private static void daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // already closed
        }
    }
}
