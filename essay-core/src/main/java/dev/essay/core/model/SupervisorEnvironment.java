package dev.essay.core.model;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * supervisord's {@code environment=KEY="value",...} syntax of its {@code [supervisord]} section, the one place its
 * quoting rules live. supervisord reads the line with Python's configparser (a space or tab followed by {@code ;} or
 * {@code #} starts a comment), expands {@code %(name)s} in it twice (once as it reads any value of the section, once
 * more for {@code environment}: so {@code %} is written {@code %%%%}), splits it with a non-POSIX {@code shlex} (a value is quoted
 * with {@code "} or {@code '}, with no escapes inside) and strips every quote character from both ends of each value.
 * What it cannot carry is refused, never altered: a value holding a line break or another control character, both
 * kinds of quote, a quote at its start or end, or a space before {@code ;} or {@code #}.
 */
public final class SupervisorEnvironment {
    private static final Pattern INLINE_COMMENT = Pattern.compile("\\s[;#]");

    private SupervisorEnvironment() {
    }

    /**
     * Why {@code value} cannot be passed through supervisord's environment (a sentence that does not quote the
     * value, so that it is safe for a secret), or null when it can.
     */
    public static String problem(String value) {
        if (value.chars().anyMatch(Character::isISOControl)) {
            return "holds a line break or another control character, which supervisord's config cannot carry";
        }
        if (value.contains("\"") && value.contains("'")) {
            return "holds both ' and \", which supervisord's environment= cannot quote (it has no escapes)";
        }
        if (value.startsWith("\"") || value.startsWith("'") || value.endsWith("\"") || value.endsWith("'")) {
            return "starts or ends with a quote, which supervisord would strip";
        }
        if (INLINE_COMMENT.matcher(value).find()) {
            return "holds a space before ; or #, which supervisord's config reads as the start of a comment";
        }
        return null;
    }

    /**
     * {@code KEY="value"} as supervisord reads it back to exactly {@code value} in its {@code [supervisord]} section.
     *
     * @throws IllegalArgumentException with {@link #problem} when it cannot
     */
    public static String pair(String key, String value) {
        String problem = problem(value);
        if (problem != null) {
            throw new IllegalArgumentException(key + " " + problem);
        }
        char quote = value.contains("\"") ? '\'' : '"';
        return key + "=" + quote + value.replace("%", "%%%%") + quote;
    }

    /** The pairs of {@code values}, comma-separated, in their order. */
    public static String pairs(Map<String, String> values) {
        StringBuilder s = new StringBuilder();
        values.forEach((k, v) -> s.append(s.length() == 0 ? "" : ",").append(pair(k, v)));
        return s.toString();
    }
}
