package dev.essay.core.pkg;

import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.model.Pep440;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Collection;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The date version scheme {@code y.m.d.n}: the last digit of the year, the month, the day (no leading zeros),
 * and n, one more than the highest n of that day already on the index (gaps are kept, never filled).
 * The day is the calendar day in the packager's zone. Pure: the clock, zone and existing versions are given.
 */
public final class DateVersion {
    private static final Pattern DATE_VERSION = Pattern.compile("([0-9])\\.([0-9]{1,2})\\.([0-9]{1,2})\\.([0-9]+)(?:\\+(.*))?");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]+(?:[._-][a-z0-9]+)*");

    private DateVersion() {
    }

    /** The day a package built now belongs to: today in {@code zone}. */
    public static LocalDate today(Clock clock, ZoneId zone) {
        return LocalDate.now(clock.withZone(zone));
    }

    /** {@code y.m.d} of a day, e.g. 2026-11-28 → {@code 6.11.28}. */
    public static String prefix(LocalDate day) {
        return Math.floorMod(day.getYear(), 10) + "." + day.getMonthValue() + "." + day.getDayOfMonth();
    }

    /** The highest n among {@code existing} versions of {@code day} (any local label), if any. */
    public static OptionalInt highest(LocalDate day, Collection<String> existing) {
        String prefix = prefix(day);
        return existing.stream().map(DATE_VERSION::matcher).filter(Matcher::matches)
                .filter(m -> (m.group(1) + "." + Integer.parseInt(m.group(2)) + "." + Integer.parseInt(m.group(3)))
                        .equals(prefix))
                .mapToInt(m -> parseN(m.group(4)))
                .max();
    }

    /** The next version of {@code day}: n = highest n of that day + 1 (1 when there is none), plus the suffix. */
    public static String next(LocalDate day, Collection<String> existing, String suffix) {
        int n = highest(day, existing).orElse(0) + 1;
        return withSuffix(prefix(day) + "." + n, suffix);
    }

    /** The latest version of {@code day} (with {@code suffix} only those with that label; null: unlabelled). */
    public static Optional<String> latest(LocalDate day, Collection<String> existing, String suffix) {
        String label = suffix == null ? null : label(suffix);
        String prefix = prefix(day);
        return existing.stream().map(DATE_VERSION::matcher).filter(Matcher::matches)
                .filter(m -> (m.group(1) + "." + Integer.parseInt(m.group(2)) + "." + Integer.parseInt(m.group(3)))
                        .equals(prefix))
                .filter(m -> Objects.equals(m.group(5), label))
                .max(java.util.Comparator.comparingInt(m -> parseN(m.group(4))))
                .map(Matcher::group);
    }

    /** Whether {@code version} is a date version (any day, any label). */
    public static boolean isDateVersion(String version) {
        return version != null && DATE_VERSION.matcher(version).matches();
    }

    /**
     * Appends {@code suffix} as a PEP 440 local label: {@code 6.11.28.3} + {@code FixBug} → {@code 6.11.28.3+fixbug}.
     * Null or empty suffix: the version unchanged.
     */
    public static String withSuffix(String version, String suffix) {
        if (suffix == null || suffix.isEmpty()) {
            return version;
        }
        if (version.contains("+")) {
            throw new EssayException(ExitCode.USAGE, "version " + version + " already has a local label; --suffix "
                    + "cannot add another", "drop --suffix, or give the version without '+...'");
        }
        return Pep440.require(version + "+" + label(suffix));
    }

    /**
     * The PEP 440 local label for a suffix: lower case, with {@code -} and {@code _} normalized to {@code .}
     * (as PEP 440 normalizes local labels); letters a-z, digits and single separators only.
     */
    public static String label(String suffix) {
        String lower = suffix.toLowerCase(Locale.ROOT);
        if (!LABEL.matcher(lower).matches()) {
            throw new EssayException(ExitCode.USAGE, "--suffix '" + suffix + "' is not a valid version label",
                    "use ASCII letters and digits, optionally separated by single '.', '-' or '_' (e.g. fixbug,"
                            + " hotfix-2); it becomes the PEP 440 local label in 6.11.28.3+fixbug");
        }
        return lower.replace('-', '.').replace('_', '.');
    }

    private static int parseN(String digits) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE - 1; // absurdly large n on the index: keep counting above it
        }
    }
}
