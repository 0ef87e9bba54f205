package dev.essay.fleet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The router of a fleet: nginx in the foreground on {@code 127.0.0.1:port}, proxying to the upstream that essay
 * rewrites ({@code upstream.conf}, included), with every file it writes (pid, logs, temp dirs) under one
 * directory. One rendering for the test fleet and the demo's sandbox.
 */
public final class Nginx {
    /** The nginx binary (Debian's). */
    public static final String BINARY = "/usr/sbin/nginx";

    private Nginx() {
    }

    /** Where this nginx keeps its files, and the port it listens on. */
    public record Files(Path pidFile, Path errorLog, Path accessLog, Path tempDir, Path upstreamFile, int port) {
    }

    /**
     * The whole nginx.conf: {@code preamble} (comments, a {@code user} line) first, then a server on
     * {@code 127.0.0.1:port} passing every request to {@code upstreamName} (on to the next server on an error,
     * a timeout or a 502).
     */
    public static String config(List<String> preamble, Files files, String upstreamName) {
        List<String> conf = new ArrayList<>(preamble);
        Path temp = files.tempDir();
        conf.addAll(List.of(
                "daemon off;",
                "worker_processes 1;",
                "pid " + files.pidFile() + ";",
                "error_log " + files.errorLog() + " notice;",
                "events {",
                "    worker_connections 512;",
                "}",
                "http {",
                "    access_log " + files.accessLog() + ";",
                "    client_body_temp_path " + temp.resolve("client_body") + ";",
                "    proxy_temp_path " + temp.resolve("proxy") + ";",
                "    fastcgi_temp_path " + temp.resolve("fastcgi") + ";",
                "    uwsgi_temp_path " + temp.resolve("uwsgi") + ";",
                "    scgi_temp_path " + temp.resolve("scgi") + ";",
                "    include " + files.upstreamFile() + ";",
                "    server {",
                "        listen 127.0.0.1:" + files.port() + ";",
                "        server_name _;",
                "        location / {",
                "            proxy_pass http://" + upstreamName + ";",
                "            proxy_next_upstream error timeout http_502;",
                "            proxy_connect_timeout 2s;",
                "            proxy_read_timeout 10s;",
                "            proxy_http_version 1.1;",
                "            proxy_set_header Connection \"\";",
                "            proxy_set_header Host $host;",
                "        }",
                "    }",
                "}",
                ""));
        return String.join("\n", conf);
    }

    /** The upstream before essay's first switch: one server that is down, so nginx starts and answers 502. */
    public static String emptyUpstream(String comment, String upstreamName) {
        return "# " + comment + "\nupstream " + upstreamName + " {\n    server 127.0.0.1:9 down;\n}\n";
    }

    /**
     * Waits until nginx answers an HTTP request on {@code 127.0.0.1:port} (any status); throws with
     * {@code diagnostics} (its logs) when it exits first or does not answer within {@code timeout}.
     */
    public static void awaitAnswer(Process nginx, int port, Duration timeout, Supplier<String> diagnostics) {
        Startup.awaitAnswer("nginx on 127.0.0.1:" + port, nginx, timeout, () -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                socket.setSoTimeout(5000);
                OutputStream out = socket.getOutputStream();
                out.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                return status != null && status.startsWith("HTTP/1.1 ") ? null : "status line " + status;
            }
        }, diagnostics);
    }
}
