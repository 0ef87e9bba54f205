package dev.essay.fleet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The host backends of a test fleet. Chosen by the environment variable {@code ESSAY_FLEET} ({@code openssh} or
 * {@code embedded}); without it, {@link #OPENSSH} when this JVM runs as root, {@link #EMBEDDED} otherwise.
 */
public enum FleetBackend {
    /** {@code TestFleet}: an OpenSSH sshd per Unix user ({@code essay-h<i>}, {@code essay-router}); needs root. */
    OPENSSH,
    /** Embedded SSH servers in the test's JVM, running commands as its user; no root. */
    EMBEDDED;

    /** The environment variable that chooses the backend. */
    public static final String VARIABLE = "ESSAY_FLEET";

    /** The backend of this JVM: {@code ESSAY_FLEET}, else by whether it runs as root. */
    public static FleetBackend current() {
        return choose(System.getenv(VARIABLE), isRoot());
    }

    static FleetBackend choose(String variable, boolean root) {
        if (variable == null || variable.isBlank()) {
            return root ? OPENSSH : EMBEDDED;
        }
        try {
            return valueOf(variable.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(VARIABLE + " must be openssh or embedded, not '" + variable
                    + "'; unset it to choose by user (root: openssh)");
        }
    }

    /** Why this backend cannot run here, or null when it can. */
    public String unavailableBecause() {
        if (this == OPENSSH && !isRoot()) {
            return "the OpenSSH backend needs root (it creates the Unix users essay-h<i> and essay-router and runs "
                    + "sshd as them); run as root, as CI does (scripts/test)";
        }
        return null;
    }

    /** Whether this JVM runs as uid 0. */
    public static boolean isRoot() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue() == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    public String lowerCase() {
        return name().toLowerCase(Locale.ROOT);
    }
}
