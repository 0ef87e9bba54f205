package dev.essay.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** PEP 440 normalization and equality, with the examples of the spec's "Normalization" section and appendix. */
class Pep440Test {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            // leading zeros, the cases
            "06.1.1.1|6.1.1.1", "6.1.01.1|6.1.1.1", "6.1.2.2.0|6.1.2.2.0", "1.00|1.0", "00|0",
            // case sensitivity
            "1.1RC1|1.1rc1", "1.0RC1|1.0rc1", "1.0.DEV1|1.0.dev1", "1.0.POST1|1.0.post1",
            // integer normalization
            "1.01|1.1", "1.0a05|1.0a5", "1.0.post001|1.0.post1", "1.0.dev010|1.0.dev10", "010!1.0|10!1.0",
            "0!1.0|1.0",
            // pre-release separators and spellings
            "1.1.a1|1.1a1", "1.1-a1|1.1a1", "1.1_a1|1.1a1", "1.1a.1|1.1a1", "1.1a-1|1.1a1", "1.1a_1|1.1a1",
            "1.1alpha1|1.1a1", "1.1beta2|1.1b2", "1.1c3|1.1rc3", "1.1pre4|1.1rc4", "1.1preview5|1.1rc5",
            "1.1-RC-1|1.1rc1",
            // implicit pre-release number
            "1.2a|1.2a0", "1.2-beta|1.2b0", "1.2.rc|1.2rc0",
            // post-release separators and spellings
            "1.2.post2|1.2.post2", "1.2-post2|1.2.post2", "1.2_post2|1.2.post2", "1.2post2|1.2.post2",
            "1.2.post.2|1.2.post2", "1.2.post-2|1.2.post2", "1.0-post1|1.0.post1", "1.0-r4|1.0.post4",
            "1.0rev4|1.0.post4", "1.0.REV-4|1.0.post4",
            // implicit post-release number, implicit post release
            "1.2.post|1.2.post0", "1.2-r|1.2.post0", "1.0-1|1.0.post1", "1.0-01|1.0.post1",
            // development release separators and implicit number
            "1.2-dev2|1.2.dev2", "1.2dev2|1.2.dev2", "1.2_dev2|1.2.dev2", "1.2.dev|1.2.dev0", "1.2dev|1.2.dev0",
            // everything at once
            "1!2.0a1.post2.dev3+Local.7|1!2.0a1.post2.dev3+local.7", "1.0rc1-2-DEV3|1.0rc1.post2.dev3",
            // local versions
            "1.0+ubuntu-1|1.0+ubuntu.1", "1.0+Ubuntu-1|1.0+ubuntu.1", "1.0+ubuntu_1|1.0+ubuntu.1",
            "1.0+abc.5|1.0+abc.5", "1.0+abc.05|1.0+abc.5", "1.0+5|1.0+5", "1.0+ABC.DEF|1.0+abc.def",
            "6.11.28.3+fixbug|6.11.28.3+fixbug",
            // preceding v, surrounding white space
            "v1.0|1.0", "V1.2|1.2", "' 1.0 '|1.0", "'\t1.0\n'|1.0",
            // numbers beyond a long
            "2026112800000000000000001.1|2026112800000000000000001.1",
    })
    void normalizesLikePackaging(String version, String normalized) {
        assertThat(Pep440.normalize(version)).isEqualTo(normalized);
        assertThat(Pep440.isVersion(version)).isTrue();
        assertThat(Pep440.normalize(normalized)).isEqualTo(normalized);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "latest", "1..0", "1.", ".1", "1.0; rm -rf /", "$(id)", "1.0+Fix Bug", "1.0+",
            "1.0+a..b", "1.0+-a", "vv1.0", "1.0-", "1.0--1", "1.0a1a2", "1.0.dev1.post1", "1!", "!1.0", "1,0",
            "1.0\n2", "1.0-dev-post", "1.0+ubuntu-", "a1.0", "1.0 0", "１.０"})
    void refusesWhatIsNoVersion(String version) {
        assertThat(Pep440.isVersion(version)).isFalse();
        assertThat(Pep440.isValid(version)).isFalse();
        assertThatThrownBy(() -> Pep440.normalize(version)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + version + "' is not a PEP 440 version");
        assertThatThrownBy(() -> Pep440.require(version)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + version + "' is not a PEP 440 version");
    }

    @ParameterizedTest(name = "{0} == {1}")
    @CsvSource(delimiter = '|', value = {
            "6.1.2.2.0|6.1.2.2", "2.0.0.0|2.0.0", "2.0|2", "1.0.0.0.0.0|1", "06.1.1.1|6.1.1.1", "1.0RC1|1.0rc1",
            "1.0c1|1.0rc1", "1.0-1|1.0.post1", "v1.2|1.2", "1.0+Ubuntu-1|1.0+ubuntu.1", "1.0+abc.05|1.0+abc.5",
            "1.0+abc.0|1.0.0+abc.0", "0!1.0|1.0", "0|0.0", "1.0a|1.0a0", "1.0.dev|1.0.dev0"})
    void equalByPep440(String a, String b) {
        assertThat(Pep440.equal(a, b)).isTrue();
        assertThat(Pep440.equal(b, a)).isTrue();
    }

    @ParameterizedTest(name = "{0} != {1}")
    @CsvSource(delimiter = '|', value = {
            "6.1.2.2.1|6.1.2.2", "2.0.0|2.0.1", "1.0|1.0+local", "1.0+abc.0|1.0+abc", "1.0a1|1.0", "1.0.post1|1.0",
            "1.0.dev0|1.0", "1!1.0|1.0", "1.0a1|1.0b1", "1.0.0.1|1.0.1", "10.0|1.0", "unknown|1.0", "1.0|-"})
    void differentByPep440(String a, String b) {
        assertThat(Pep440.equal(a, b)).isFalse();
        assertThat(Pep440.equal(b, a)).isFalse();
    }

    @Test
    void newestIsByPep440OrderNotByText() {
        // the fabfile tool's get_latest_version: the highest version, numbers compared as numbers
        assertThat(Pep440.newest(List.of("6.12.8.9", "6.12.8.10", "6.12.7.20", "not-a-version"), null))
                .contains("6.12.8.10");
        assertThat(Pep440.newest(List.of("1.0", "1.0rc1", "1.0.post1", "1.0+fixbug"), null)).contains("1.0.post1");
        assertThat(Pep440.newest(List.of("6.11.28.2", "6.11.28.1+fixbug", "6.11.28.3+other"), "fixbug"))
                .contains("6.11.28.1+fixbug");
        assertThat(Pep440.newest(List.of(), null)).isEmpty();
        assertThat(Pep440.newest(List.of("6.11.28.2"), "fixbug")).isEmpty();
    }

    @Test
    void anythingThatIsNoVersionComparesAsAString() {
        assertThat(Pep440.equal("unknown", "unknown")).isTrue();
        assertThat(Pep440.equal(null, null)).isTrue();
        assertThat(Pep440.equal(null, "1.0")).isFalse();
        assertThat(Pep440.equal("1.0", null)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.0.0", "6.11.28.3", "6.11.28.3+fixbug", "1.2rc1", "1.0.post2.dev3", "1!2.0",
            "2026.11.28.1", "6.1.2.2.0", "1.0+ubuntu.1", "0"})
    void requireReturnsACanonicalVersion(String version) {
        assertThat(Pep440.require(version)).isEqualTo(version);
        assertThat(Pep440.isValid(version)).isTrue();
    }

    @ParameterizedTest(name = "{0}: write {1}")
    @CsvSource(delimiter = '|', value = {"06.1.1.1|6.1.1.1", "6.1.01.1|6.1.1.1", "1.0RC1|1.0rc1", "v1.0|1.0",
            "1.0-1|1.0.post1", "'1.0 '|1.0", "1.0+Ubuntu-1|1.0+ubuntu.1"})
    void requireNamesTheCanonicalSpelling(String version, String canonical) {
        assertThat(Pep440.isValid(version)).isFalse();
        assertThat(Pep440.isVersion(version)).isTrue();
        assertThatThrownBy(() -> Pep440.require(version)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'" + version + "' is not the canonical spelling of a PEP 440 version; write " + canonical);
    }

    /**
     * The same inputs through Python's packaging (the library pip normalizes with). Skipped, and reported as
     * skipped, where python3 has no packaging module; the table above holds without it.
     */
    @Test
    void agreesWithPythonPackaging() throws IOException, InterruptedException {
        List<String> inputs = List.of("06.1.1.1", "6.1.01.1", "6.1.2.2.0", "1.0RC1", "1.0-post1", "v1.2",
                "1.0+Ubuntu-1", "1.1.a1", "1.1a.1", "1.1alpha1", "1.1beta2", "1.1c3", "1.1pre4", "1.1preview5", "1.2a",
                "1.2.post", "1.0-r4", "1.0rev4", "1.0-1", "1.2.post-2", "1.2dev", "1.2_dev2", "010!1.0", "0!1.0",
                "1!2.0a1.post2.dev3+Local.7", "1.0rc1-2-DEV3", "1.0+abc.05", "1.0+ubuntu_1", "V1.2", " 1.0 ",
                "2026112800000000000000001.1", "1.0a05", "00", "1.0.REV-4", "1.1-RC-1");
        String program = "import sys\n"
                + "from packaging.version import Version\n"
                + "for v in sys.argv[1:]:\n"
                + "    print(str(Version(v)))\n";
        List<String> command = new ArrayList<>(List.of("python3", "-c", program));
        command.addAll(inputs);
        Process probe;
        try {
            probe = new ProcessBuilder("python3", "-c", "import packaging.version").redirectErrorStream(true).start();
        } catch (IOException e) {
            probe = null;
        }
        assumeTrue(probe != null && probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0,
                "python3 with the packaging module is not installed: the comparison with packaging did not run");
        Process python = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(python.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(python.exitValue()).isZero();
        assertThat(inputs.stream().map(Pep440::normalize).toList()).isEqualTo(out.lines().toList());
    }

    @Test
    void ordersAsThePepOrders() {
        // the spec's "Summary of permitted suffixes and relative ordering", local labels and epochs
        List<String> ordered = List.of("1.0.dev456", "1.0a1", "1.0a2.dev456", "1.0a12.dev456", "1.0a12",
                "1.0b1.dev456", "1.0b2", "1.0b2.post345.dev456", "1.0b2.post345", "1.0rc1.dev456", "1.0rc1", "1.0",
                "1.0+abc.5", "1.0+abc.7", "1.0+5", "1.0.post456.dev34", "1.0.post456", "1.0.15", "1.1.dev1",
                "6.11.28.3", "6.11.28.10", "1!0.1");
        for (int i = 0; i < ordered.size(); i++) {
            for (int j = 0; j < ordered.size(); j++) {
                assertThat(Integer.signum(Pep440.compare(ordered.get(i), ordered.get(j))))
                        .as(ordered.get(i) + " vs " + ordered.get(j)).isEqualTo(Integer.signum(Integer.compare(i, j)));
            }
        }
        assertThat(Pep440.compare("6.1.2.2.0", "6.1.2.2")).isZero();
        assertThatThrownBy(() -> Pep440.compare("1.0", "latest")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'latest' is not a PEP 440 version");
    }
}
