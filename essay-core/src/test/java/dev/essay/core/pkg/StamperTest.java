package dev.essay.core.pkg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
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

    @Test
    void placeholdersLikeTheFabfileTool() {
        String setup = "version='{{ version }}'\ngit='{{git_version}}'\nt='{{  release_time }}'\nother='{{ name }}'\n";
        assertThat(Stamper.placeholders(setup, Map.of("version", "6.11.28.3", "git_version", "abc",
                "release_time", "2026-11-28T10:00:00+08:00")))
                .isEqualTo("version='6.11.28.3'\ngit='abc'\nt='2026-11-28T10:00:00+08:00'\nother='{{ name }}'\n");
    }
}
