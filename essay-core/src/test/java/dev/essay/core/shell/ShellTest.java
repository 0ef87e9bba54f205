package dev.essay.core.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ShellTest {
    @Test
    void safeWordsStayBare() {
        assertThat(Shell.quote("essay-sample==1.0.0")).isEqualTo("essay-sample==1.0.0");
        assertThat(Shell.quote("/usr/bin/python3")).isEqualTo("/usr/bin/python3");
    }

    @Test
    void everythingElseIsSingleQuoted() {
        assertThat(Shell.quote("")).isEqualTo("''");
        assertThat(Shell.quote("a b")).isEqualTo("'a b'");
        assertThat(Shell.quote("it's")).isEqualTo("'it'\"'\"'s'");
        assertThat(Shell.quote("$(rm -rf /)")).isEqualTo("'$(rm -rf /)'");
    }

    @Test
    void homeRelativePathsExpandOnlyTheHome() {
        assertThat(Shell.path("~/essay sample/a")).isEqualTo("\"$HOME\"/'essay sample/a'");
        assertThat(Shell.path("~")).isEqualTo("\"$HOME\"");
        assertThat(Shell.path("/srv/~x")).isEqualTo("'/srv/~x'");
    }

    @Test
    void nulIsRefused() {
        assertThatThrownBy(() -> Shell.quote("a\0b")).hasMessageContaining("NUL");
    }

    /** The real shell must give back exactly the string we quoted. */
    @ParameterizedTest
    @ValueSource(strings = {"plain", "with space", "it's", "\"double\"", "$HOME `id` $(id)", "back\\slash", "new\nline", "*?[a]", "-n", "é ü 中"})
    void roundTripsThroughSh(String value) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("/bin/sh", "-c", "printf '%s' " + Shell.quote(value)).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isZero();
        assertThat(out).isEqualTo(value);
    }
}
