package io.jenkins.plugins.essay.plain;

import dev.essay.core.model.HostAddress;
import dev.essay.core.transport.SshHints;

/**
 * The SSH hints of a Jenkins build: in Jenkins the known hosts live in the global configuration and the key in a
 * credential, and essay.yaml's {@code ssh} section is ignored, so the hints name those places instead of files and
 * {@code ssh.accept_new_host_keys}.
 */
public final class JenkinsSshHints implements SshHints {
    /** Where the trusted host keys are kept, as the global configuration page shows it. */
    public static final String KNOWN_HOSTS_PAGE = "Manage Jenkins → System → essay → Known hosts";

    @Override
    public String unknownHostKey(HostAddress host) {
        return "verify the host's fingerprint, then add its key line (as `ssh-keyscan -p " + host.port() + " "
                + host.address() + "` prints it) under " + KNOWN_HOSTS_PAGE;
    }

    @Override
    public String changedHostKey(HostAddress host) {
        return "if the host was really reinstalled, verify its new key out of band and replace its line under "
                + KNOWN_HOSTS_PAGE;
    }

    @Override
    public String authenticationFailed(HostAddress host, String keyName) {
        return "add the public key of " + keyName + " to ~" + host.user() + "/.ssh/authorized_keys on " + host.address()
                + ", or give the step the credentialsId of a key that host accepts";
    }

    @Override
    public String unusableKey(String keyName) {
        return "check under Manage Jenkins → Credentials that " + keyName
                + " holds an OpenSSH or PEM private key and, if it is encrypted, its passphrase";
    }
}
