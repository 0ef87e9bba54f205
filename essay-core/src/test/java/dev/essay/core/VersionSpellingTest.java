package dev.essay.core;

import dev.essay.core.api.SwitchResult;
import dev.essay.core.api.SwitchRequest;
import dev.essay.core.api.ReleaseRequest;
import dev.essay.core.api.DeployResult;
import dev.essay.core.api.DeployRequest;
import static dev.essay.core.transport.ScriptedTransport.slotALive;
import static dev.essay.core.transport.ScriptedTransport.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.essay.core.deploy.SupervisorConfig;
import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.model.Project;
import dev.essay.core.model.Secret;
import dev.essay.core.pkg.PackageRequest;
import dev.essay.core.run.HostResult;
import dev.essay.core.transport.ExecResult;
import dev.essay.core.transport.ScriptedTransport;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Versions from users must be spelled canonically; versions from hosts (stamps, health headers) are compared by
 * PEP 440 equality. The hosts here are a {@link ScriptedTransport}.
 */
class VersionSpellingTest {
    @TempDir
    Path dir;

    private Project project() throws Exception {
        return TestProjects.sample(dir, "/srv/router");
    }

    @Test
    void deployRefusesANonCanonicalSpellingBeforeContactingAnyHost() throws Exception {
        ScriptedTransport t = new ScriptedTransport(ScriptedTransport::slotALive);
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
        ScriptedTransport t = new ScriptedTransport(ScriptedTransport::slotALive);
        Engine engine = Engine.builder(project()).transport(t).build();
        ReleaseRequest request = ReleaseRequest.of(new PackageRequest(null, null, true, "06.1.1.1", null, false));
        assertThatThrownBy(() -> engine.release(request, null))
                .isInstanceOfSatisfying(EssayException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
                    assertThat(e.suggestion()).isEqualTo("use 6.1.1.1");
                });
        assertThat(t.calls).isEmpty();
    }

    @Test
    void aHostThatRunsAPep440EqualVersionHealthilyIsLeftAlone() throws Exception {
        Project p = project();
        String slotDir = p.venv().slotDir("b");
        ScriptedTransport t = new ScriptedTransport((host, step) -> {
            if (!step.equals("probe")) {
                return slotALive(host, step);
            }
            String digest = SupervisorConfig.render(p, host, "b", slotDir, "2.0.0.0", p.profile(), Secret.of("x")).digest();
            return new ExecResult(0, ok("read-slot", "dir=" + slotDir, "stamp.version=2.0.0", "stamp.config=" + digest,
                    "supervisord=running").stdout()
                    + ok("check-health", "ok health url=http://" + host.address() + ":8110/health status=200 slot=b version=2.0.0")
                    .stdout(), "");
        });
        DeployResult result = Engine.builder(p).transport(t).build().deploy(DeployRequest.of("2.0.0.0", "b"));
        assertThat(result.fleet().hosts()).hasSize(2).allSatisfy(h -> {
            assertThat(h.status()).isEqualTo(HostResult.Status.UNCHANGED);
            assertThat(h.detail()).isEqualTo("already 2.0.0 (asked for 2.0.0.0)");
        });
        assertThat(t.calls).noneMatch(c -> c.startsWith("deploy@"));
    }

    @Test
    void theHostResultSaysWhenPipInstalledAnotherSpelling() throws Exception {
        ScriptedTransport t = new ScriptedTransport((host, step) -> step.equals("deploy")
                ? new ExecResult(0, ok("pip-install").stdout() + ok("installed-version", "installed=6.1.2.2").stdout()
                        + ok("stamp", "deployed 6.1.2.2").stdout(), "")
                : slotALive(host, step));
        DeployResult result = Engine.builder(project()).transport(t).build().deploy(DeployRequest.of("6.1.2.2.0", "b"));
        assertThat(result.ok()).isTrue();
        assertThat(result.fleet().hosts()).extracting(HostResult::detail)
                .containsOnly("installed 6.1.2.2 (asked for 6.1.2.2.0)");
    }

    /** A switch to slot b where the first host's health header says 2.0.0 and the others' {@code version}. */
    private SwitchResult switchWhereHostsSay(String version) throws Exception {
        ScriptedTransport t = new ScriptedTransport((host, step) -> step.equals("health")
                ? ok("check-health", "ok health url=http://" + host.address() + ":8110/health status=200 slot=b version="
                        + (host.address().endsWith(".1") ? "2.0.0" : version))
                : slotALive(host, step));
        return Engine.builder(project()).transport(t).build().switchSlot(SwitchRequest.to("b"));
    }

    @Test
    void hostsThatRunPep440EqualVersionsAgreeOnTheSwitch() throws Exception {
        SwitchResult result = switchWhereHostsSay("2.0.0.0");
        assertThat(result.to()).isEqualTo("b");
        assertThat(result.version()).isEqualTo("2.0.0");
    }

    @Test
    void hostsThatRunDifferentVersionsStillDisagree() {
        assertThatThrownBy(() -> switchWhereHostsSay("2.0.0.1"))
                .isInstanceOfSatisfying(EssayException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.REFUSED);
                    assertThat(e.getMessage()).contains("different versions").contains("2.0.0, 2.0.0.1");
                });
    }
}
