package dev.essay.core.model;

import java.util.Locale;
import java.util.regex.Pattern;

/** PEP 508 distribution names and their PEP 503 normalized form. */
public final class Pep508 {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?");
    private static final Pattern SEPARATORS = Pattern.compile("[-_.]+");

    private Pep508() {
    }

    public static boolean isValid(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    public static String require(String name) {
        if (!isValid(name)) {
            throw new IllegalArgumentException("'" + name + "' is not a PEP 508 project name"
                    + " (letters, digits, '-', '_' and '.', starting and ending with a letter or digit)");
        }
        return name;
    }

    /** PEP 503 normalization: lower case, runs of {@code -_.} become one {@code -}. */
    public static String normalize(String name) {
        return SEPARATORS.matcher(name).replaceAll("-").toLowerCase(Locale.ROOT);
    }
}
