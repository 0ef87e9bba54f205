package dev.essay.core.error;

import java.util.List;
import java.util.stream.Collectors;

/** essay.yaml (or another input) is invalid; lists every problem found, each with file, line and field. */
public class ConfigException extends EssayException {
    private final List<Problem> problems;

    public ConfigException(List<Problem> problems) {
        super(ExitCode.USAGE, summary(problems),
                problems.stream().map(Problem::toString).collect(Collectors.joining("\n")),
                "fix the fields above; see docs/essay-yaml.md", null);
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }

    private static String summary(List<Problem> problems) {
        if (problems.size() == 1) {
            return problems.get(0).toString();
        }
        return problems.size() + " problems in " + problems.get(0).file();
    }

    /**
     * One problem: {@code essay.yaml:12: roles.web[1]: 'deploy@' is not a host; write user@address[:port]}.
     *
     * @param line 1-based, or 0 when unknown
     */
    public record Problem(String file, int line, String field, String message) {
        @Override
        public String toString() {
            return file + (line > 0 ? ":" + line : "") + ": " + (field == null || field.isEmpty() ? "" : field + ": ") + message;
        }
    }
}
