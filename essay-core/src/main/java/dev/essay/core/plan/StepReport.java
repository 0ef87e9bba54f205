package dev.essay.core.plan;

import dev.essay.core.transport.ExecResult;
import dev.essay.core.transport.RemoteScript;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Reads a step's output back: which operations ran, which failed, and what each printed. */
public final class StepReport {
    private final ExecResult result;
    private final Map<String, StringBuilder> output = new LinkedHashMap<>();
    private String failed;

    public StepReport(ExecResult result) {
        this.result = result;
        String current = null;
        for (String line : (Iterable<String>) result.stdout().lines()::iterator) {
            Marker marker = Marker.parse(line);
            if (marker != null) {
                if (marker.kind() == Marker.Kind.BEGIN) {
                    current = marker.operation();
                    output.put(current, new StringBuilder());
                } else if (marker.kind() == Marker.Kind.FAIL) {
                    failed = marker.operation();
                }
                continue;
            }
            if (current != null) {
                output.get(current).append(line).append('\n');
            }
        }
        if (failed == null && result.exitStatus() != 0 && current != null) {
            failed = current;
        }
    }

    /**
     * The same report with every secret value (also as supervisord's config writes it, {@code %} doubled or
     * quadrupled) in its output replaced by {@code ********}: a program that echoes its config or environment (a
     * supervisord that refuses its config prints the environment line) cannot put a secret in an error or a log.
     */
    public StepReport masked(java.util.Collection<String> secrets) {
        String out = result.stdout();
        String err = result.stderr();
        for (String secret : secrets) {
            if (secret == null || secret.isEmpty()) {
                continue;
            }
            for (String form : new String[] {secret.replace("%", "%%%%"), secret.replace("%", "%%"), secret}) {
                out = out.replace(form, "********");
                err = err.replace(form, "********");
            }
        }
        return new StepReport(new ExecResult(result.exitStatus(), out, err));
    }

    /**
     * A progress marker a step prints around each operation ({@code ##essay begin OP}, {@code ##essay end OP},
     * {@code ##essay fail OP EXIT}); the one parser of them, for the report and for live progress.
     *
     * @param exit the exit status of a failed operation, or null
     */
    public record Marker(Kind kind, String operation, String exit) {
        public enum Kind { BEGIN, END, FAIL, OTHER }

        /** The marker on {@code line}, or null when the line is output, not a marker. */
        public static Marker parse(String line) {
            if (!line.startsWith(RemoteScript.MARKER)) {
                return null;
            }
            String[] w = line.substring(RemoteScript.MARKER.length()).split(" ");
            if (w.length >= 3 && w[0].equals("fail")) {
                return new Marker(Kind.FAIL, w[1], w[2]);
            }
            if (w.length >= 2 && (w[0].equals("begin") || w[0].equals("end") || w[0].equals("fail"))) {
                return new Marker(w[0].equals("begin") ? Kind.BEGIN : w[0].equals("end") ? Kind.END : Kind.FAIL, w[1],
                        null);
            }
            return new Marker(Kind.OTHER, w.length > 1 ? w[1] : null, null);
        }
    }

    public ExecResult result() {
        return result;
    }

    public boolean ok() {
        return result.exitStatus() == 0;
    }

    public Optional<String> failedOperation() {
        return Optional.ofNullable(failed);
    }

    /** What an operation printed on stdout, or "" if it did not run. */
    public String output(String operation) {
        StringBuilder text = output.get(operation);
        return text == null ? "" : text.toString();
    }

    /** {@code key=value} lines an operation printed (later keys win). */
    public Map<String, String> values(String operation) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : output(operation).split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            }
        }
        return values;
    }
}
