package dev.essay.core.model;

/**
 * Who runs an operation, as the lock and the ledger record it.
 *
 * @param user  who (a local {@code user@machine}, or a Jenkins user)
 * @param cause why, free text ("essay command", "Started by timer", a build URL)
 */
public record Actor(String user, String cause) {
    /** The user running this JVM on this machine. */
    public static Actor local(String cause) {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "localhost";
        }
        return new Actor(System.getProperty("user.name") + "@" + host, cause);
    }
}
