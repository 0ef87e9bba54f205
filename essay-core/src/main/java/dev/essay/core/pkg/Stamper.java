package dev.essay.core.pkg;

import dev.essay.core.error.ExitCode;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes the version into a build copy's metadata: pyproject.toml's {@code [project] version} (a minimal,
 * line-based TOML edit that keeps everything else byte for byte), and placeholders in stamp files.
 * Pure text in, text out.
 */
public final class Stamper {
    private static final Pattern TABLE_HEADER = Pattern.compile("(?m)^[ \\t]*\\[\\[?[ \\t]*([^\\]\\r\\n]*?)[ \\t]*\\]\\]?[ \\t]*(?:#.*)?$");
    private static final Pattern VERSION_LINE = Pattern.compile(
            "(?m)^([ \\t]*version[ \\t]*=[ \\t]*)(\"(?:[^\"\\\\\\r\\n]|\\\\.)*\"|'[^'\\r\\n]*')([ \\t]*(?:#.*)?)$");
    private static final Pattern DYNAMIC_VERSION = Pattern.compile(
            "(?m)^[ \\t]*dynamic[ \\t]*=[ \\t]*\\[[^\\]]*[\"']version[\"']", Pattern.DOTALL);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*(version|git_version|release_time)\\s*\\}\\}");

    private Stamper() {
    }

    /** Result of stamping pyproject.toml: the new text, or that the version is dynamic (left to stamp files). */
    public record Pyproject(String text, boolean dynamicVersion) {
    }

    /**
     * Sets {@code version = "<version>"} in the {@code [project]} table.
     *
     * @throws PackageException when there is no {@code [project]} table, or it has no version and none is dynamic
     */
    public static Pyproject pyproject(String toml, String version) {
        Matcher headers = TABLE_HEADER.matcher(toml);
        int start = -1;
        int end = toml.length();
        while (headers.find()) {
            if (start < 0) {
                if (headers.group(0).strip().startsWith("[[")) {
                    continue;
                }
                if (headers.group(1).equals("project")) {
                    start = headers.end();
                }
            } else {
                end = headers.start();
                break;
            }
        }
        if (start < 0) {
            throw new PackageException(ExitCode.USAGE, "pyproject.toml has no [project] table to write the version into",
                    null, "add a [project] table with name and version, or list the file holding the version in"
                            + " build.stamp_files with a {{ version }} placeholder");
        }
        String table = toml.substring(start, end);
        Matcher line = VERSION_LINE.matcher(table);
        if (line.find()) {
            String stamped = table.substring(0, line.start()) + line.group(1) + "\"" + version + "\"" + line.group(3)
                    + table.substring(line.end());
            return new Pyproject(toml.substring(0, start) + stamped + toml.substring(end), false);
        }
        if (DYNAMIC_VERSION.matcher(table).find()) {
            return new Pyproject(toml, true);
        }
        // no version at all: add one right after the [project] header line
        String nl = toml.contains("\r\n") ? "\r\n" : "\n";
        return new Pyproject(toml.substring(0, start) + nl + "version = \"" + version + "\"" + toml.substring(start),
                false);
    }

    /** Replaces {@code {{ version }}}, {@code {{ git_version }}} and {@code {{ release_time }}} (spaces optional). */
    public static String placeholders(String text, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(values.getOrDefault(m.group(1), m.group(0))));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Whether the text has at least one placeholder. */
    public static boolean hasPlaceholders(String text) {
        return PLACEHOLDER.matcher(text).find();
    }
}
