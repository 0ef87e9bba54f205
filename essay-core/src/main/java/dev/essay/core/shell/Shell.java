package dev.essay.core.shell;

import java.util.List;
import java.util.stream.Collectors;

/** The one quoting function: everything that reaches a remote shell goes through here. */
public final class Shell {
    private Shell() {
    }

    /** POSIX single-quote quoting; safe for any string without NUL. */
    public static String quote(String value) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a NUL byte cannot be passed to a shell");
        }
        if (!value.isEmpty() && value.chars().allMatch(Shell::isSafe)) {
            return value;
        }
        return "'" + value.replace("'", "'\"'\"'") + "'";
    }

    /** Quotes a remote path, keeping a leading {@code ~/} expandable as the remote user's home. */
    public static String path(String path) {
        if (path.equals("~")) {
            return "\"$HOME\"";
        }
        if (path.startsWith("~/")) {
            return "\"$HOME\"/" + quote(path.substring(2));
        }
        return quote(path);
    }

    public static String join(List<String> words) {
        return words.stream().map(Shell::quote).collect(Collectors.joining(" "));
    }

    private static boolean isSafe(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '_' || c == '.' || c == '/' || c == ':' || c == '=' || c == '@' || c == ',' || c == '+';
    }
}
