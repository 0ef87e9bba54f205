package dev.essay.core.transport;

import dev.essay.core.model.HostAddress;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/** Runs scripts with the local {@code /bin/sh -s} as the current user, whatever host is named. */
public final class LocalTransport implements Transport {
    @Override
    public Session open(HostAddress host) {
        return Session.of(host, (script, lines) -> {
            try {
                Process p = new ProcessBuilder(RemoteScript.COMMAND).start();
                CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
                try (OutputStream in = p.getOutputStream()) {
                    in.write(script.text().getBytes(StandardCharsets.UTF_8));
                }
                StringBuilder out = new StringBuilder();
                try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    RemoteScript.Untick untick = new RemoteScript.Untick();
                    String raw;
                    while ((raw = reader.readLine()) != null) {
                        String line = untick.line(raw);
                        if (line == null) {
                            continue;
                        }
                        lines.line(line);
                        out.append(line).append('\n');
                    }
                    if (untick.rest() != null) {
                        lines.line(untick.rest());
                        out.append(untick.rest());
                    }
                }
                return new ExecResult(p.waitFor(), out.toString(), err.join());
            } catch (IOException e) {
                throw new TransportException(host, "cannot run /bin/sh: " + e.getMessage(), null, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TransportException(host, "interrupted", null, e);
            }
        });
    }

    private static String drain(InputStream in) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            in.transferTo(b);
            return b.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
