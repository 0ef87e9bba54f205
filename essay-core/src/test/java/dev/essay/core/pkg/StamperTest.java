package dev.essay.core.pkg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class StamperTest {
    @Test
    void rewritesOnlyTheProjectVersion() {
        String toml = """
                [build-system]
                requires = ["setuptools>=61"]
                version = "not this one"

                [project]
                name = "essay-sample"
                # a comment
                version = '0.0.0'   # placeholder
                description = "x"

                [tool.other]
                version = "nor this"
                """;
        Stamper.Pyproject p = Stamper.pyproject(toml, "6.11.28.3");
        assertThat(p.dynamicVersion()).isFalse();
        assertThat(p.text()).isEqualTo(toml.replace("version = '0.0.0'", "version = \"6.11.28.3\""));
    }

    @Test
    void dynamicVersionIsReported() {
        String toml = "[project]\nname = \"x\"\ndynamic = [\n  \"readme\",\n  \"version\",\n]\n[tool.setuptools.dynamic]\nversion = {attr = \"x.__version__\"}\n";
        Stamper.Pyproject p = Stamper.pyproject(toml, "1.0");
        assertThat(p.dynamicVersion()).isTrue();
        assertThat(p.text()).isEqualTo(toml);
    }

    @Test
    void missingVersionIsAdded() {
        Stamper.Pyproject p = Stamper.pyproject("[project]\nname = \"x\"\n", "1.0");
        assertThat(p.text()).isEqualTo("[project]\nversion = \"1.0\"\nname = \"x\"\n");
    }

    @Test
    void noProjectTable() {
        assertThatThrownBy(() -> Stamper.pyproject("[tool.x]\nversion = \"1\"\n", "1.0"))
                .isInstanceOf(PackageException.class).hasMessageContaining("no [project] table");
    }

    private static final Stamper.Values VALUES = new Stamper.Values("6.11.28.3", "abc",
            ZonedDateTime.of(2026, 11, 28, 10, 0, 5, 123_000_000, ZoneOffset.ofHours(8)));

    @Test
    void essayPlaceholders() {
        String setup = "version='{{ version }}'\ngit='{{git_version}}'\nt='{{  release_time }}'\nother='{{ name }}'\n";
        assertThat(Stamper.placeholders(setup, VALUES))
                .isEqualTo("version='6.11.28.3'\ngit='abc'\nt='2026-11-28T10:00:05+08:00'\nother='{{ name }}'\n");
    }

    @Test
    void fabfilePlaceholdersAsTheFabfileToolWroteThem() {
        // the fabfile tool's sed replaced exactly ${name}; release_time was strftime('%Y-%m-%d %H:%M:%S'), local time
        String setup = "version='${version}',\nGIT_VERSION = \"${git_version}\"\nRELEASE_TIME = '${release_time}'\n"
                + "other='${name}' spaced='${ version }' shell=\"$HOME\"\n";
        assertThat(Stamper.placeholders(setup, VALUES)).isEqualTo("version='6.11.28.3',\nGIT_VERSION = \"abc\"\n"
                + "RELEASE_TIME = '2026-11-28 10:00:05'\nother='${name}' spaced='${ version }' shell=\"$HOME\"\n");
    }

    @Test
    void bothSyntaxesInOneFile() {
        assertThat(Stamper.placeholders("a=${version} b={{ version }} c=${release_time} d={{ release_time }}", VALUES))
                .isEqualTo("a=6.11.28.3 b=6.11.28.3 c=2026-11-28 10:00:05 d=2026-11-28T10:00:05+08:00");
    }

    @Test
    void placeholderDetection() {
        assertThat(Stamper.hasPlaceholders("x = '${git_version}'")).isTrue();
        assertThat(Stamper.hasPlaceholders("x = '{{ release_time }}'")).isTrue();
        assertThat(Stamper.hasPlaceholders("x = '${name}' y = '{{ name }}' z = '$version'")).isFalse();
        assertThat(Stamper.hasVersionPlaceholder("version='${version}'")).isTrue();
        assertThat(Stamper.hasVersionPlaceholder("version='{{version}}'")).isTrue();
        assertThat(Stamper.hasVersionPlaceholder("git='${git_version}'")).isFalse();
    }

    @Test
    void projectTableDetection() {
        assertThat(Stamper.hasProjectTable("[build-system]\nrequires = [\"setuptools\"]\n")).isFalse();
        assertThat(Stamper.hasProjectTable("[tool.project]\n[[project]]\n")).isFalse();
        assertThat(Stamper.hasProjectTable("[build-system]\n[project]\nname = \"x\"\n")).isTrue();
    }
}
