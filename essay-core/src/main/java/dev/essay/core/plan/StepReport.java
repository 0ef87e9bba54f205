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
            if (line.startsWith(RemoteScript.MARKER)) {
                String[] words = line.substring(RemoteScript.MARKER.length()).split(" ");
                if (words.length >= 2 && words[0].equals("begin")) {
                    current = words[1];
                    output.put(current, new StringBuilder());
                } else if (words.length >= 2 && words[0].equals("fail")) {
                    failed = words[1];
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
