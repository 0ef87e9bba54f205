package dev.essay.fleet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Where the fault drills (integration tests) note the traffic each drill saw, for the benchmark's table:
 * when the environment variable {@code ESSAY_DRILLS_LOG} names a file, {@link #record} appends one line
 * {@code <drill>\t<requests>\t<failures>} to it; otherwise it does nothing. {@code bench/run} sets it.
 */
public final class DrillLog {
    public static final String VARIABLE = "ESSAY_DRILLS_LOG";

    private DrillLog() {
    }

    public static void record(String drill, TrafficLoop.Stats stats) {
        record(drill, stats.requests(), stats.failures());
    }

    /** One line for a drill made of several request loops (a matrix of cases): their requests and failures summed. */
    public static void record(String drill, long requests, long failures) {
        String file = System.getenv(VARIABLE);
        if (file == null || file.isBlank()) {
            return;
        }
        String line = String.format(Locale.ROOT, "%s\t%d\t%d%n", drill, requests, failures);
        try {
            Files.writeString(Path.of(file), line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + VARIABLE + "=" + file, e);
        }
    }
}
