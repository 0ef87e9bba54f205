package dev.essay.core.transport;

import dev.essay.core.model.Project;
import dev.essay.core.model.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to authenticate and whom to trust. The private key is held in memory (front ends such as the
 * Jenkins plugin hand it over from their credential store; nothing is written to disk).
 *
 * @param keyName           a label for the key in messages (a path or a credentials id), never the key
 * @param privateKey        the private key in OpenSSH or PEM form
 * @param passphrase        the key's passphrase, or null
 * @param knownHosts        known_hosts content host keys are verified against
 * @param knownHostsFile    where accepted new keys are recorded, or null (in memory only)
 * @param acceptNewHostKeys trust keys never seen before (a changed key is always refused)
 */
public record SshSettings(String keyName, Secret privateKey, Secret passphrase, String knownHosts,
                          Path knownHostsFile, boolean acceptNewHostKeys, Duration connectTimeout) {
    public SshSettings {
        Objects.requireNonNull(keyName, "keyName");
        Objects.requireNonNull(privateKey, "privateKey");
        knownHosts = knownHosts == null ? "" : knownHosts;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
    }

    /** How long a connected host may take to open a command channel: busy hosts are slow, not gone. */
    public static final Duration MIN_CHANNEL_TIMEOUT = Duration.ofSeconds(60);

    /**
     * How long opening a command channel (and starting its command) may take on a connected host:
     * {@link #MIN_CHANNEL_TIMEOUT} or {@code connectTimeout} if longer. A host busy with its own work
     * (a hundred hosts' pip installs on a few cores, say) can take far longer than a TCP connect.
     */
    public Duration channelTimeout() {
        return connectTimeout.compareTo(MIN_CHANNEL_TIMEOUT) > 0 ? connectTimeout : MIN_CHANNEL_TIMEOUT;
    }

    /** Reads the key, passphrase and known_hosts the project's {@code ssh} section points at. */
    public static SshSettings fromProject(Project.Ssh ssh) {
        return new SshSettings(ssh.identity().toString(), readSecret(ssh.identity(), "ssh.identity"),
                passphrase(ssh), readKnownHosts(ssh.knownHosts()), ssh.knownHosts(), ssh.acceptNewHostKeys(),
                ssh.connectTimeout());
    }

    private static Secret passphrase(Project.Ssh ssh) {
        if (ssh.passphraseEnv() != null) {
            String value = System.getenv(ssh.passphraseEnv());
            if (value == null) {
                throw new dev.essay.core.error.EssayException(dev.essay.core.error.ExitCode.USAGE, "ssh.passphrase_env names "
                        + ssh.passphraseEnv() + ", which is not set", "set it in the environment essay runs in, or remove ssh.passphrase_env");
            }
            return Secret.of(value);
        }
        if (ssh.passphraseFile() != null) {
            return Secret.of(new String(readSecret(ssh.passphraseFile(), "ssh.passphrase_file").revealBytes(),
                    StandardCharsets.UTF_8).strip());
        }
        return null;
    }

    private static Secret readSecret(Path file, String field) {
        try {
            return Secret.of(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new dev.essay.core.error.EssayException(dev.essay.core.error.ExitCode.USAGE, field + ": cannot read " + file
                    + " (" + e.getMessage() + ")", null, "point " + field + " at a readable file", e);
        }
    }

    private static String readKnownHosts(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new dev.essay.core.error.EssayException(dev.essay.core.error.ExitCode.USAGE, "ssh.known_hosts: cannot read "
                    + file + " (" + e.getMessage() + ")", null, "point ssh.known_hosts at a readable file", e);
        }
    }
}
