package dev.essay.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class DelayProxyTest {
    /** An upper-case echo server: answers every byte it reads until the client half-closes, then says "END". */
    private static CompletableFuture<Void> echo(ServerSocket server) {
        return CompletableFuture.runAsync(() -> {
            try (Socket socket = server.accept()) {
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                for (int b; (b = in.read()) != -1; ) {
                    out.write(Character.toUpperCase(b));
                    out.flush();
                }
                out.write("END".getBytes(StandardCharsets.US_ASCII));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void relaysEveryByteBothWaysAndTheHalfClose() throws Exception {
        byte[] payload = "hello through the relay ".repeat(20_000).getBytes(StandardCharsets.US_ASCII);
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
                DelayProxy proxy = DelayProxy.start("127.0.0.1", (InetSocketAddress) server.getLocalSocketAddress(), Duration.ofMillis(5));
                Socket client = new Socket("127.0.0.1", proxy.port())) {
            CompletableFuture<Void> served = echo(server);
            CompletableFuture<byte[]> answer = CompletableFuture.supplyAsync(() -> {
                try {
                    return client.getInputStream().readAllBytes();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            client.getOutputStream().write(payload);
            client.shutdownOutput();

            byte[] received = answer.get();
            served.get();

            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            expected.write(new String(payload, StandardCharsets.US_ASCII).toUpperCase().getBytes(StandardCharsets.US_ASCII));
            expected.write("END".getBytes(StandardCharsets.US_ASCII));
            assertThat(received).isEqualTo(expected.toByteArray());
        }
    }

    @Test
    void noAnswerArrivesBeforeTheRoundTripDelay() throws Exception {
        Duration oneWay = Duration.ofMillis(150);
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
                DelayProxy proxy = DelayProxy.start("127.0.0.1", (InetSocketAddress) server.getLocalSocketAddress(), oneWay);
                Socket client = new Socket("127.0.0.1", proxy.port())) {
            CompletableFuture<Void> served = echo(server);
            long sent = System.nanoTime();
            client.getOutputStream().write('x');
            int answer = client.getInputStream().read();
            long elapsed = System.nanoTime() - sent;
            client.shutdownOutput();
            served.get();

            assertThat(answer).isEqualTo('X');
            // the relay holds each byte oneWay in each direction: the answer cannot come sooner than that
            assertThat(Duration.ofNanos(elapsed)).isGreaterThanOrEqualTo(oneWay.multipliedBy(2));
        }
    }
}
