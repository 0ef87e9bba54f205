package dev.essay.core.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.essay.core.TestProjects;
import dev.essay.core.error.ConfigException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.model.HostAddress;
import dev.essay.core.model.Project;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SupervisorConfigTest {
    private static final HostAddress HOST = HostAddress.parse("u@127.0.0.1");

    @TempDir
    Path dir;

    private ConfigException check(String template) throws Exception {
        Project p = TestProjects.sample(dir, "/srv/router");
        Files.writeString(p.supervisor().template(), template);
        return catchThrowableOfType(() -> SupervisorConfig.check(p, HOST, "b", "1.0.0", "prod"), ConfigException.class);
    }

    @Test
    void anUnknownPlaceholderIsOneUsageErrorWithTheFileTheLineAndTheClosestPlaceholder() throws Exception {
        ConfigException e = check("[program:x]\ndirectory={{ slot_dir }}\ncommand={{ slot_dri }}/bin/x\n");

        assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(dir.resolve("supervisord.conf").toString());
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.message()).startsWith("unknown placeholder 'slot_dri'; did you mean slot_dir?")
                    .contains("placeholders: host, slot_dir, run_root");
        });
        assertThat(e.getMessage()).startsWith(dir.resolve("supervisord.conf") + ":3: template: unknown placeholder 'slot_dri'");
    }

    @Test
    void aJinjaSyntaxErrorNamesTheFileAndTheLine() throws Exception {
        ConfigException e = check("[program:x]\n\ncommand={{ slot_dir + }}/bin/x\n");

        assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.message()).startsWith("Jinja syntax error: ").contains("slot_dir +");
        });
    }

    @Test
    void anUnclosedBlockIsASyntaxErrorAtItsLine() throws Exception {
        ConfigException e = check("[program:x]\n{% if process_count > 1 %}\nnumprocs=2\n");

        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.message()).contains("Missing end tag: endif");
        });
    }

    @Test
    void theSampleTemplatePasses() throws Exception {
        assertThat(check(TestProjects.TEMPLATE)).isNull();
    }
}
