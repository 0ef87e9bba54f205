package dev.essay.core.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.essay.core.error.EssayException;
import dev.essay.core.model.HostAddress;
import dev.essay.core.model.Secret;
import org.junit.jupiter.api.Test;

/** The transport's errors carry the hints of the front end that made it, and the command line's by default. */
class SshHintsTest {
    private static final SshSettings BAD_KEY = new SshSettings("key.pem", Secret.of("not a key"), null, "", null, false, null);

    @Test
    void anUnusableKeyIsExplainedInTheFrontEndsWords() {
        SshHints frontEnd = new SshHints() {
            @Override
            public String unusableKey(String keyName) {
                return "fix the credential " + keyName;
            }
        };
        EssayException e = catchThrowableOfType(() -> new SshTransport(BAD_KEY, frontEnd), EssayException.class);
        assertThat(e.getMessage()).contains("cannot use the SSH key key.pem");
        assertThat(e.suggestion()).isEqualTo("fix the credential key.pem");
    }

    @Test
    void theCommandLinesHintsSpeakOfEssayYamlAndKnownHosts() {
        EssayException e = catchThrowableOfType(() -> new SshTransport(BAD_KEY), EssayException.class);
        assertThat(e.suggestion()).isEqualTo(SshHints.COMMAND_LINE.unusableKey("key.pem"));
        HostAddress host = new HostAddress("deploy", "127.0.0.1", 2222);
        assertThat(SshHints.COMMAND_LINE.unknownHostKey(host))
                .contains("ssh-keyscan -p 2222 127.0.0.1 >> known_hosts").contains("ssh.accept_new_host_keys");
    }

    @Test
    void anOfferedKeyIsNamedByItsFingerprintAsSshKeygenPrintsItWhateverTheJschVersion() throws Exception {
        // ssh-keygen -lf of this public key prints SHA256:avkjNDyYhdo6RwnLe9i6xZxrFHex+CgS8O+PMr4cYvE
        byte[] blob = java.util.Base64.getDecoder().decode("AAAAC3NzaC1lZDI1NTE5AAAAIEs00qE9rKjf0MUK7lkKRMKr+YlLDewHu4YwBSAyXsXC");
        assertThat(SshTransport.fingerprint(new com.jcraft.jsch.HostKey("web1", blob)))
                .isEqualTo("SHA256:avkjNDyYhdo6RwnLe9i6xZxrFHex+CgS8O+PMr4cYvE");
    }
}
