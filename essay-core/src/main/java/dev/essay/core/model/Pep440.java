package dev.essay.core.model;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEP 440 version identifiers: the full grammar of the spec's appendix (the one {@code packaging.version}
 * implements), its normalized spelling and its equality. essay accepts only the normalized (canonical) spelling
 * from users, so that the version it asks pip for is the one pip reports back.
 */
public final class Pep440 {
    private static final Pattern VERSION = Pattern.compile(
            "v?"
                    + "(?:(?<epoch>[0-9]+)!)?"
                    + "(?<release>[0-9]+(?:\\.[0-9]+)*)"
                    + "(?<pre>[-_.]?(?<preL>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<preN>[0-9]+)?)?"
                    + "(?<post>(?:-(?<postN1>[0-9]+))|(?:[-_.]?(?<postL>post|rev|r)[-_.]?(?<postN2>[0-9]+)?))?"
                    + "(?<dev>[-_.]?dev[-_.]?(?<devN>[0-9]+)?)?"
                    + "(?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?",
            Pattern.CASE_INSENSITIVE);

    /** A parsed version: every number without leading zeros, letters lower case, local parts joined by dots. */
    private record Parsed(String epoch, List<String> release, String pre, String post, String dev, String local) {
        String normalized(List<String> releaseParts) {
            return ("0".equals(epoch) ? "" : epoch + "!") + String.join(".", releaseParts) + pre
                    + (post.isEmpty() ? "" : ".post" + post) + (dev.isEmpty() ? "" : ".dev" + dev)
                    + (local.isEmpty() ? "" : "+" + local);
        }

        /** The release segment without trailing zeros: 6.1.2.2.0 and 6.1.2.2 are the same version. */
        List<String> significantRelease() {
            int end = release.size();
            while (end > 0 && release.get(end - 1).equals("0")) {
                end--;
            }
            return release.subList(0, end);
        }
    }

    private Pep440() {
    }

    /** Whether {@code version} is a PEP 440 version spelled canonically (its own normalized form). */
    public static boolean isValid(String version) {
        Parsed parsed = parse(version);
        return parsed != null && parsed.normalized(parsed.release()).equals(version);
    }

    /** Whether {@code version} is a PEP 440 version in any spelling the spec allows. */
    public static boolean isVersion(String version) {
        return parse(version) != null;
    }

    /**
     * The normalized spelling, as Python's {@code str(packaging.version.Version(version))} gives it:
     * {@code 06.1.1.1} is {@code 6.1.1.1}, {@code 1.0RC1} is {@code 1.0rc1}, {@code v1.2} is {@code 1.2}.
     *
     * @throws IllegalArgumentException when {@code version} is no PEP 440 version
     */
    public static String normalize(String version) {
        Parsed parsed = parse(version);
        if (parsed == null) {
            throw new IllegalArgumentException(notAVersion(version));
        }
        return parsed.normalized(parsed.release());
    }

    /**
     * PEP 440 equality: {@code 6.1.2.2.0} equals {@code 6.1.2.2}, {@code 1.0RC1} equals {@code 1.0rc1}; local
     * segments count. When either is no PEP 440 version (a health header saying "unknown"), the strings are
     * compared as they are.
     */
    public static boolean equal(String a, String b) {
        Parsed pa = parse(a);
        Parsed pb = parse(b);
        if (pa == null || pb == null) {
            return Objects.equals(a, b);
        }
        return pa.normalized(pa.significantRelease()).equals(pb.normalized(pb.significantRelease()));
    }

    /**
     * Returns the version when it is a PEP 440 version spelled canonically, or throws with a message that names
     * the value and, for a valid version spelled differently, the canonical spelling.
     */
    public static String require(String version) {
        Parsed parsed = parse(version);
        if (parsed == null) {
            throw new IllegalArgumentException(notAVersion(version));
        }
        String normalized = parsed.normalized(parsed.release());
        if (!normalized.equals(version)) {
            throw new IllegalArgumentException("'" + version + "' is not the canonical spelling of a PEP 440 version;"
                    + " write " + normalized);
        }
        return version;
    }

    /** What to write instead of {@code version}: its canonical spelling when it has one, else examples. */
    public static String suggestion(String version) {
        Parsed parsed = parse(version);
        return parsed != null ? "use " + parsed.normalized(parsed.release())
                : "for example 6.11.28.3, 1.2.0rc1 or 6.11.28.3+fixbug";
    }

    /**
     * The newest of {@code versions} by PEP 440 order ({@link #compare}), as the fabfile tool's
     * {@code get_latest_version} took the highest version on the index; what is no PEP 440 version is left out.
     * With {@code label} (a normalized local label), only the versions with that label; null: any.
     */
    public static Optional<String> newest(Collection<String> versions, String label) {
        return versions.stream().filter(Pep440::isVersion)
                .filter(v -> label == null || label.equals(parse(v).local()))
                .max(Pep440::compare);
    }

    /**
     * PEP 440 ordering (as {@code packaging.version.Version} orders): epoch, release (trailing zeros ignored), then
     * a dev release before its pre-releases, pre-releases (a, b, rc) before the final release, post releases after
     * it, a dev release of each before it, and a local label after the same version without one (numeric parts
     * after alphanumeric ones). {@code 1.0.dev1 < 1.0a1 < 1.0rc1 < 1.0 < 1.0+local < 1.0.post1}.
     *
     * @throws IllegalArgumentException when either is no PEP 440 version
     */
    public static int compare(String a, String b) {
        Parsed pa = parse(a);
        Parsed pb = parse(b);
        if (pa == null || pb == null) {
            throw new IllegalArgumentException(notAVersion(pa == null ? a : b));
        }
        int c = new BigInteger(pa.epoch()).compareTo(new BigInteger(pb.epoch()));
        if (c == 0) {
            c = compareNumbers(pa.significantRelease(), pb.significantRelease());
        }
        if (c == 0) {
            c = Integer.compare(preRank(pa), preRank(pb));
        }
        if (c == 0 && !pa.pre().isEmpty()) {
            c = new BigInteger(pa.pre().replaceAll("[a-z]", "")).compareTo(new BigInteger(pb.pre().replaceAll("[a-z]", "")));
        }
        if (c == 0) {
            c = optional(pa.post(), pb.post(), -1);
        }
        if (c == 0) {
            c = optional(pa.dev(), pb.dev(), 1);
        }
        return c != 0 ? c : compareLocal(pa.local(), pb.local());
    }

    /** A dev release without pre or post segment sorts before the pre-releases; no pre-release after them. */
    private static int preRank(Parsed p) {
        if (p.pre().isEmpty()) {
            return p.post().isEmpty() && !p.dev().isEmpty() ? -1 : 3;
        }
        return p.pre().startsWith("rc") ? 2 : p.pre().startsWith("b") ? 1 : 0;
    }

    /** Compares two optional numbers; {@code absent} is where a missing one sorts (-1 first, 1 last). */
    private static int optional(String a, String b, int absent) {
        if (a.isEmpty() || b.isEmpty()) {
            return a.isEmpty() == b.isEmpty() ? 0 : a.isEmpty() ? absent : -absent;
        }
        return new BigInteger(a).compareTo(new BigInteger(b));
    }

    private static int compareNumbers(List<String> a, List<String> b) {
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            BigInteger x = i < a.size() ? new BigInteger(a.get(i)) : BigInteger.ZERO;
            BigInteger y = i < b.size() ? new BigInteger(b.get(i)) : BigInteger.ZERO;
            int c = x.compareTo(y);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /** No local label first; then part by part, a numeric part after an alphanumeric one, a longer label last. */
    private static int compareLocal(String a, String b) {
        if (a.isEmpty() || b.isEmpty()) {
            return Boolean.compare(!a.isEmpty(), !b.isEmpty());
        }
        String[] pa = a.split("\\.");
        String[] pb = b.split("\\.");
        for (int i = 0; i < Math.min(pa.length, pb.length); i++) {
            boolean na = pa[i].chars().allMatch(Character::isDigit);
            boolean nb = pb[i].chars().allMatch(Character::isDigit);
            int c = na && nb ? new BigInteger(pa[i]).compareTo(new BigInteger(pb[i]))
                    : na != nb ? Boolean.compare(na, nb) : pa[i].compareTo(pb[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(pa.length, pb.length);
    }

    private static String notAVersion(String version) {
        return "'" + version + "' is not a PEP 440 version (for example 6.11.28.3, 1.2.0rc1, 6.11.28.3+fixbug)";
    }

    private static Parsed parse(String version) {
        if (version == null) {
            return null;
        }
        Matcher m = VERSION.matcher(version.strip());
        if (!m.matches()) {
            return null;
        }
        List<String> release = new ArrayList<>();
        for (String part : m.group("release").split("\\.")) {
            release.add(number(part));
        }
        String pre = "";
        if (m.group("pre") != null) {
            String letter = switch (m.group("preL").toLowerCase(Locale.ROOT)) {
                case "alpha", "a" -> "a";
                case "beta", "b" -> "b";
                default -> "rc"; // c, pre, preview, rc
            };
            pre = letter + number(m.group("preN"));
        }
        String post = "";
        if (m.group("post") != null) {
            post = number(m.group("postN1") != null ? m.group("postN1") : m.group("postN2"));
        }
        String dev = m.group("dev") == null ? "" : number(m.group("devN"));
        String local = "";
        if (m.group("local") != null) {
            List<String> parts = new ArrayList<>();
            for (String part : m.group("local").toLowerCase(Locale.ROOT).split("[-_.]")) {
                parts.add(part.chars().allMatch(c -> c >= '0' && c <= '9') ? number(part) : part);
            }
            local = String.join(".", parts);
        }
        return new Parsed(m.group("epoch") == null ? "0" : number(m.group("epoch")), List.copyOf(release), pre, post, dev,
                local);
    }

    /** A number without leading zeros; an implicit number (absent) is 0. */
    private static String number(String digits) {
        return digits == null ? "0" : new BigInteger(digits).toString();
    }
}
