package dev.essay.core.pkg;

import dev.essay.core.error.ExitCode;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes the version into a build copy's metadata: pyproject.toml's {@code [project] version} (a minimal,
 * line-based TOML edit that keeps everything else byte for byte), and placeholders in stamp files, in two
 * syntaxes: essay's {@code {{ version }}} and the fabfile tool's {@code ${version}} (which it filled with
 * {@code sed} in setup.py and the settings file). Pure text in, text out.
 */
public final class Stamper {
    private static final Pattern TABLE_HEADER = Pattern.compile("(?m)^[ \\t]*\\[\\[?[ \\t]*([^\\]\\r\\n]*?)[ \\t]*\\]\\]?[ \\t]*(?:#.*)?$");
    private static final Pattern VERSION_LINE = Pattern.compile(
            "(?m)^([ \\t]*version[ \\t]*=[ \\t]*)(\"(?:[^\"\\\\\\r\\n]|\\\\.)*\"|'[^'\\r\\n]*')([ \\t]*(?:#.*)?)$");
    private static final Pattern DYNAMIC_VERSION = Pattern.compile(
            "(?m)^[ \\t]*dynamic[ \\t]*=[ \\t]*\\[[^\\]]*[\"']version[\"']", Pattern.DOTALL);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*(version|git_version|release_time)\\s*\\}\\}");
    /** The fabfile tool's placeholders: exactly {@code ${name}}, no spaces (its {@code sed} matched nothing else). */
    private static final Pattern FABFILE_PLACEHOLDER = Pattern.compile("\\$\\{(version|git_version|release_time)\\}");
    private static final Pattern VERSION_PLACEHOLDER = Pattern.compile("\\{\\{\\s*version\\s*\\}\\}|\\$\\{version\\}");
    /** How the fabfile tool wrote {@code ${release_time}}: {@code strftime('%Y-%m-%d %H:%M:%S')}, local time. */
    static final DateTimeFormatter FABFILE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

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
                    null, "add a [project] table with name and version, or write version='${version}' in setup.py"
                            + " (or in a file listed in build.stamp_files)");
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

    /**
     * What the placeholders stand for.
     *
     * @param version     the version packaged
     * @param gitVersion  the full commit id built ({@code git rev-parse HEAD}; empty when there is none)
     * @param releaseTime the build time in the packager's zone
     */
    public record Values(String version, String gitVersion, ZonedDateTime releaseTime) {
        public Values {
            releaseTime = releaseTime.truncatedTo(ChronoUnit.SECONDS);
        }

        /** essay's spelling: {@code release_time} in ISO 8601 with the zone's offset. */
        Map<String, String> essay() {
            return Map.of("version", version, "git_version", gitVersion,
                    "release_time", releaseTime.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        }

        /** The fabfile tool's spelling: {@code release_time} as {@code 2026-11-28 10:15:30}, local time, no offset. */
        Map<String, String> fabfile() {
            return Map.of("version", version, "git_version", gitVersion, "release_time", releaseTime.format(FABFILE_TIME));
        }
    }

    /**
     * Replaces {@code {{ version }}}, {@code {{ git_version }}} and {@code {{ release_time }}} (spaces optional), and
     * the fabfile tool's {@code ${version}}, {@code ${git_version}} and {@code ${release_time}} (exactly so); other
     * {@code {{ ... }}} and {@code ${...}} text is left alone.
     */
    public static String placeholders(String text, Values values) {
        return replace(FABFILE_PLACEHOLDER, replace(PLACEHOLDER, text, values.essay()), values.fabfile());
    }

    private static String replace(Pattern pattern, String text, Map<String, String> values) {
        Matcher m = pattern.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(values.get(m.group(1))));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Whether the text has at least one placeholder, in either syntax. */
    public static boolean hasPlaceholders(String text) {
        return PLACEHOLDER.matcher(text).find() || FABFILE_PLACEHOLDER.matcher(text).find();
    }

    /** Whether the text has a version placeholder ({@code {{ version }}} or {@code ${version}}). */
    public static boolean hasVersionPlaceholder(String text) {
        return VERSION_PLACEHOLDER.matcher(text).find();
    }

    /** Whether the TOML text has a {@code [project]} table (a pyproject.toml of a setup.py project may not). */
    public static boolean hasProjectTable(String toml) {
        Matcher headers = TABLE_HEADER.matcher(toml);
        while (headers.find()) {
            if (!headers.group(0).strip().startsWith("[[") && headers.group(1).equals("project")) {
                return true;
            }
        }
        return false;
    }
}
