package dev.essay.cli;

import dev.essay.core.event.EngineListener;
import dev.essay.core.event.EssayEvent;
import dev.essay.core.event.TextRenderer;
import dev.essay.core.model.HostAddress;
import dev.essay.core.transport.RemoteScript;
import java.io.PrintWriter;

/**
 * Renders the engine's events on the command's output. Hosts report in parallel, so every call
 * writes its whole text under one lock shared by stdout and stderr: lines never interleave mid-line.
 * Progress and results go to stdout; warnings and errors to stderr.
 */
final class Console implements EngineListener {
    private final PrintWriter out;
    private final PrintWriter err;
    private final Object lock = new Object();

    Console(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    /** The prefix of every per-host line: {@code [user@addr:port] }. */
    static String prefix(HostAddress host) {
        return "[" + host + "] ";
    }

    /** Renders an engine event with {@link TextRenderer}: host lines prefixed, warnings on stderr. */
    @Override
    public void on(EssayEvent event) {
        TextRenderer.Text text = TextRenderer.render(event);
        if (text == null) {
            return;
        }
        if (text.host() != null) {
            host(text.host(), text.text());
        } else if (text.warning()) {
            warn(text.text());
        } else {
            info(text.text());
        }
    }

    void info(String line) {
        print(out, line);
    }

    void host(HostAddress host, String line) {
        String prefix = prefix(host);
        StringBuilder text = new StringBuilder();
        for (String l : lines(line)) {
            text.append(prefix).append(l).append('\n');
        }
        write(out, text.toString());
    }

    void warn(String line) {
        print(err, "warning: " + line);
    }

    /** A dry run's script for one host: a header, then exactly what would be sent (secrets masked). */
    void script(HostAddress host, RemoteScript script) {
        String display = script.display();
        write(out, "== " + host + ": " + script.name() + " ==\n" + display + (display.endsWith("\n") ? "" : "\n"));
    }

    void out(String text) {
        print(out, text);
    }

    void err(String text) {
        print(err, text);
    }

    private void print(PrintWriter to, String text) {
        write(to, text.endsWith("\n") ? text : text + "\n");
    }

    private void write(PrintWriter to, String text) {
        synchronized (lock) {
            to.print(text);
            to.flush();
        }
    }

    private static String[] lines(String text) {
        String t = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        return t.split("\n", -1);
    }
}
