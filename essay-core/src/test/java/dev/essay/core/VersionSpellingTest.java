package dev.essay.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.pkg.PackageRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Versions from users must be spelled canonically; versions from hosts (stamps, health headers) are compared by
 * PEP 440 equality. The hosts here are the scripted fake transport of {@link SeveralRoutersTest}.
 */
class VersionSpellingTest {
    @TempDir
    Path dir;

    private dev.essay.core.model.Project project() throws Exception {
        return TestProjects.sample(dir, "/srv/router");
    }

    @Test
    void deployRefusesANonCanonicalSpellingBeforeContactingAnyHost() throws Exception {
        SeveralRoutersTest.Scripted t = new SeveralRoutersTest.Scripted(SeveralRoutersTest::normal);
        Engine engine = Engine.builder(project()).transport(t).build();
        for (String[] c : new String[][] {{"06.1.1.1", "6.1.1.1"}, {"6.1.01.1", "6.1.1.1"}, {"1.0RC1", "1.0rc1"}}) {
            assertThatThrownBy(() -> engine.deploy(DeployRequest.of(c[0], "b")))
                    .isInstanceOfSatisfying(EssayException.class, e -> {
                        assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
                        assertThat(e.getMessage()).contains("'" + c[0] + "'").contains("canonical");
                        assertThat(e.suggestion()).isEqualTo("use " + c[1]);
                    });
        }
        assertThat(t.calls).isEmpty();
    }

    @Test
    void releaseRefusesANonCanonicalExplicitVersionBeforeContactingAnyHost() throws Exception {
        SeveralRoutersTest.Scripted t = new SeveralRoutersTest.Scripted(SeveralRoutersTest::normal);
        Engine engine = Engine.builder(project()).transport(t).build();
        ReleaseRequest request = ReleaseRequest.of(new PackageRequest(null, null, true, "06.1.1.1", null, false));
        assertThatThrownBy(() -> engine.release(request, null))
                .isInstanceOfSatisfying(EssayException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
                    assertThat(e.suggestion()).isEqualTo("use 6.1.1.1");
                });
        assertThat(t.calls).isEmpty();
    }
}
