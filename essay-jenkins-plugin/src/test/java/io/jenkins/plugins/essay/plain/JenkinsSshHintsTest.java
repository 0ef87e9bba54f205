package io.jenkins.plugins.essay.plain;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.essay.core.model.HostAddress;
import dev.essay.core.transport.SshHints;
import org.junit.jupiter.api.Test;

/** In Jenkins the hints name the places a Jenkins user can change, never essay.yaml's ssh section or its files. */
class JenkinsSshHintsTest {
    private final HostAddress host = new HostAddress("deploy", "10.0.0.7", 2222);
    private final SshHints hints = new JenkinsSshHints();

    @Test
    void anUnknownHostPointsToTheGlobalKnownHostsWithTheScanOfThatHost() {
        String hint = hints.unknownHostKey(host);
        assertTrue(hint.contains("Manage Jenkins → System → essay → Known hosts"), hint);
        assertTrue(hint.contains("ssh-keyscan -p 2222 10.0.0.7"), hint);
        assertFalse(hint.contains(">> known_hosts"), hint);
        assertFalse(hint.contains("accept_new_host_keys"), "ignored in Jenkins: " + hint);
        assertFalse(hint.equals(SshHints.COMMAND_LINE.unknownHostKey(host)));
    }

    @Test
    void aChangedKeyPointsToTheGlobalKnownHosts() {
        String hint = hints.changedHostKey(host);
        assertTrue(hint.contains("Manage Jenkins → System → essay → Known hosts"), hint);
        assertFalse(hint.contains("known_hosts"), hint);
    }

    @Test
    void aRefusedKeyNamesTheCredentialTheUserAndTheHost() {
        String hint = hints.authenticationFailed(host, "Jenkins credential 'deploy-key'");
        assertTrue(hint.contains("Jenkins credential 'deploy-key'"), hint);
        assertTrue(hint.contains("~deploy/.ssh/authorized_keys on 10.0.0.7"), hint);
        assertTrue(hint.contains("credentialsId"), hint);
    }

    @Test
    void anUnusableKeyPointsToTheCredentials() {
        String hint = hints.unusableKey("Jenkins credential 'deploy-key'");
        assertTrue(hint.contains("Manage Jenkins → Credentials"), hint);
        assertTrue(hint.contains("'deploy-key'"), hint);
    }
}
