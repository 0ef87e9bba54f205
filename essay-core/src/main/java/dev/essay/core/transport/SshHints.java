package dev.essay.core.transport;

import dev.essay.core.model.HostAddress;

/**
 * What to tell the user to do when SSH refuses a host or a key for a reason they can fix. The defaults speak of
 * essay.yaml's {@code ssh} section and the files it names, as the {@code essay} command sees them; a front end that
 * keeps keys and known hosts elsewhere (the Jenkins plugin: credentials and the global configuration) names its
 * own places by overriding these.
 */
public interface SshHints {
    /** The hints of the {@code essay} command. */
    SshHints COMMAND_LINE = new SshHints() {
    };

    /** The host offered a key that no known_hosts line lists. */
    default String unknownHostKey(HostAddress host) {
        return "verify the fingerprint, then add it (ssh-keyscan -p " + host.port() + " " + host.address()
                + " >> known_hosts) or opt in with ssh.accept_new_host_keys: true";
    }

    /** The host offered another key than the one known_hosts lists for it. */
    default String changedHostKey(HostAddress host) {
        return "if the host was really reinstalled, remove its old line from known_hosts and verify the new key out of band";
    }

    /** The host refused the key. */
    default String authenticationFailed(HostAddress host, String keyName) {
        return "check that the public key of " + keyName + " is in the user's authorized_keys";
    }

    /** The private key cannot be read or decrypted. */
    default String unusableKey(String keyName) {
        return "check that the key is an OpenSSH or PEM private key and that its passphrase is given";
    }
}
