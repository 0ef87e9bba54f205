package dev.essay.core.model;

import java.util.regex.Pattern;

/** PEP 440 public and local version identifiers (canonical spelling accepted by pip). */
public final class Pep440 {
    private static final Pattern VERSION = Pattern.compile(
            "(?:[0-9]+!)?[0-9]+(?:\\.[0-9]+)*"
                    + "(?:(?:a|b|rc)[0-9]+)?"
                    + "(?:\\.post[0-9]+)?"
                    + "(?:\\.dev[0-9]+)?"
                    + "(?:\\+[a-z0-9]+(?:\\.[a-z0-9]+)*)?");

    private Pep440() {
    }

    public static boolean isValid(String version) {
        return version != null && VERSION.matcher(version).matches();
    }

    /** Returns the version or throws with a message that says what a valid one looks like. */
    public static String require(String version) {
        if (!isValid(version)) {
            throw new IllegalArgumentException("'" + version + "' is not a PEP 440 version in canonical form"
                    + " (for example 6.11.28.3, 1.2.0rc1, 6.11.28.3+fixbug)");
        }
        return version;
    }
}
