package dev.essay.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValidationTest {
    @ParameterizedTest
    @ValueSource(strings = {"1.0.0", "6.11.28.3", "6.11.28.3+fixbug", "1.2rc1", "1.0.post2.dev3", "1!2.0", "2026.11.28.1"})
    void acceptsPep440(String version) {
        assertThat(Pep440.isValid(version)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "v1.0", "1.0; rm -rf /", "1.0 ", "latest", "1..0", "1.0-1", "$(id)", "1.0+Fix Bug"})
    void refusesAnythingElse(String version) {
        assertThat(Pep440.isValid(version)).isFalse();
        assertThatThrownBy(() -> Pep440.require(version)).hasMessageContaining("PEP 440");
    }

    @Test
    void pep508NamesAndNormalization() {
        assertThat(Pep508.isValid("essay-sample")).isTrue();
        assertThat(Pep508.isValid("Essay_Sample.web")).isTrue();
        assertThat(Pep508.isValid("-bad")).isFalse();
        assertThat(Pep508.isValid("bad name")).isFalse();
        assertThat(Pep508.isValid("x;id")).isFalse();
        assertThat(Pep508.normalize("Essay__Sample.Web")).isEqualTo("essay-sample-web");
    }

    @Test
    void hostAddresses() {
        assertThat(HostAddress.parse("deploy@10.0.0.1")).isEqualTo(new HostAddress("deploy", "10.0.0.1", 22));
        assertThat(HostAddress.parse("essay-h1@127.0.1.1:2201").port()).isEqualTo(2201);
        assertThat(HostAddress.parse("u@[::1]:2222")).isEqualTo(new HostAddress("u", "::1", 2222));
        assertThat(HostAddress.parse("u@[::1]:2222").toString()).isEqualTo("u@[::1]:2222");
        assertThatThrownBy(() -> HostAddress.parse("10.0.0.1")).hasMessageContaining("user@address");
        assertThatThrownBy(() -> HostAddress.parse("u@h:99999")).hasMessageContaining("65535");
        assertThatThrownBy(() -> HostAddress.parse("u@h;id")).hasMessageContaining("not a host");
    }

    @Test
    void secretsNeverPrint() {
        Secret s = Secret.of("hunter2");
        assertThat(s.toString()).doesNotContain("hunter2");
        assertThat(String.valueOf(s)).isEqualTo("********");
        assertThat(s.reveal()).isEqualTo("hunter2");
    }
}
