package dev.essay.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.essay.core.error.ConfigException;
import dev.essay.core.model.Project;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The keys {@code essay package} reads: {@code build.*} and {@code index.upload_url}. */
class ProjectLoaderBuildTest {
    @TempDir
    Path dir;
    Path file;

    @BeforeEach
    void setUp() throws IOException {
        file = dir.resolve("essay.yaml");
        Files.createDirectories(dir.resolve("conf"));
        Files.writeString(dir.resolve("conf/supervisord.conf"), "[program:{{ project }}]\n");
    }

    private Project parse(String yaml) {
        return ProjectLoader.parse(yaml, file, dir);
    }

    private List<String> problems(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(yaml));
        assertThat(e).as("expected essay.yaml to be rejected").isNotNull();
        return e.problems().stream().map(p -> p.toString().replace(dir.toString(), "<dir>")).toList();
    }

    private static String yaml(String extra) {
        return ProjectLoaderTest.MINIMAL + extra;
    }

    @Test
    void defaults() {
        Project p = parse(ProjectLoaderTest.MINIMAL);
        assertThat(p.build()).isEqualTo(new Project.Build("main", List.of(), "python3"));
        assertThat(p.index().uploadUrl()).isEqualTo(Project.Index.defaultUploadUrl(p.index().url()));
        assertThat(p.directory()).isEqualTo(dir.toAbsolutePath().normalize());
    }

    @Test
    void uploadUrlDefaultsToTheIndexWithoutSimple() {
        assertThat(Project.Index.defaultUploadUrl("http://pypi.internal:8700/simple/")).isEqualTo("http://pypi.internal:8700/");
        assertThat(Project.Index.defaultUploadUrl("http://pypi.internal:8700/simple")).isEqualTo("http://pypi.internal:8700/");
        assertThat(Project.Index.defaultUploadUrl("https://devpi.internal/team/prod/+simple/"))
                .isEqualTo("https://devpi.internal/team/prod/");
        assertThat(Project.Index.defaultUploadUrl("https://nexus.internal/repository/pypi-hosted/simple/"))
                .isEqualTo("https://nexus.internal/repository/pypi-hosted/");
        assertThat(Project.Index.defaultUploadUrl("https://h/pypi/simple/")).isEqualTo("https://h/pypi/");
    }

    @Test
    void allKeysSet() {
        String yaml = ProjectLoaderTest.MINIMAL.replace("index:\n", "index:\n  upload_url: https://upload.internal/legacy/\n")
                + """
                build:
                  branch: release/2.x
                  stamp_files: [setup.py, "myapp/settings.py", ./conf/../version.txt]
                  python: /usr/bin/python3
                  settings_base_file: myapp/settings/./base.py
                """;
        Project p = parse(yaml);
        assertThat(p.build()).isEqualTo(new Project.Build("release/2.x",
                List.of("setup.py", "myapp/settings.py", "version.txt"), "/usr/bin/python3", "myapp/settings/base.py"));
        assertThat(p.index().uploadUrl()).isEqualTo("https://upload.internal/legacy/");
    }

    @Test
    void badValuesAreReportedWithLines() {
        String yaml = ProjectLoaderTest.MINIMAL.replace("index:\n", "index:\n  upload_url: ftp://x/\n") + """
                build:
                  branch: -bad
                  stamp_files: [/etc/passwd, ../outside.py, "", setup.py, setup.py, ~/x]
                  python: "python 3"
                  settings_base_file: ../settings.py
                  colour: blue
                """;
        List<String> problems = problems(yaml);
        assertThat(String.join("\n", problems)).contains(
                "index.upload_url: 'ftp://x/' must start with http:// or https://",
                "build.branch: '-bad' is not a git branch name",
                "build.stamp_files[0]: '/etc/passwd' must be relative to the project directory",
                "build.stamp_files[1]: '../outside.py' points outside the project directory",
                "build.stamp_files[2]: must be a non-empty path",
                "build.stamp_files[4]: 'setup.py' is listed twice",
                "build.stamp_files[5]: '~/x' must be relative",
                "build.python: 'python 3' must be one program name or path",
                "build.settings_base_file: '../settings.py' points outside the project directory",
                "colour");
    }

    @Test
    void stampFilesMustBeAList() {
        assertThat(String.join("\n", problems(yaml("build:\n  stamp_files: setup.py\n"))))
                .contains("build.stamp_files: must be a list of paths relative to the project");
    }

    @Test
    void fabfileDefaultBranchPointsToBuildBranch() {
        assertThat(String.join("\n", problems(yaml("DEFAULT_BRANCH: master\n"))))
                .contains("DEFAULT_BRANCH: not an essay.yaml key; the fabfile's env.DEFAULT_BRANCH is build.branch here");
    }

    @Test
    void fabfileSettingsBaseFilePointsToItsKey() {
        assertThat(String.join("\n", problems(yaml("SETTINGS_BASE_FILE: myapp/settings/base.py\n"))))
                .contains("SETTINGS_BASE_FILE: not an essay.yaml key; the fabfile's env.SETTINGS_BASE_FILE is"
                        + " build.settings_base_file here");
    }
}
