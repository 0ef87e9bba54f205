package dev.essay.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FleetBackendTest {
    @Test
    void withoutTheVariableRootGetsOpenSshAndEveryoneElseTheEmbeddedBackend() {
        assertThat(FleetBackend.choose(null, true)).isEqualTo(FleetBackend.OPENSSH);
        assertThat(FleetBackend.choose(" ", false)).isEqualTo(FleetBackend.EMBEDDED);
    }

    @Test
    void theVariableChoosesWhateverTheUser() {
        assertThat(FleetBackend.choose("embedded", true)).isEqualTo(FleetBackend.EMBEDDED);
        assertThat(FleetBackend.choose("OpenSSH", false)).isEqualTo(FleetBackend.OPENSSH);
    }

    @Test
    void anUnknownBackendIsRefusedNamingTheVariableAndTheChoices() {
        assertThatThrownBy(() -> FleetBackend.choose("docker", true))
                .hasMessage("ESSAY_FLEET must be openssh or embedded, not 'docker'; unset it to choose by user (root: openssh)");
    }
}
