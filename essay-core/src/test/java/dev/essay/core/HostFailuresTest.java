package dev.essay.core;

import dev.essay.core.api.SwitchRequest;
import dev.essay.core.api.StatusReport;
import dev.essay.core.api.DeployResult;
import dev.essay.core.api.DeployRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.model.HostAddress;
import dev.essay.core.model.Project;
import dev.essay.core.run.HostResult;
import dev.essay.core.transport.ExecResult;
import dev.essay.core.transport.ScriptedTransport;
import dev.essay.core.transport.Transport;
import dev.essay.core.transport.TransportException;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the engine classifies a failed host (could not connect, or failed at work), the exit code that follows, and
 * the hint a failed health check gives. Hosts and router are a {@link ScriptedTransport}.
 */
class HostFailuresTest {
    static final HostAddress H1 = HostAddress.parse("essay-h1@127.0.1.1:2201");
    static final HostAddress H2 = HostAddress.parse("essay-h2@127.0.1.2:2202");
    static final HostAddress ROUTER = HostAddress.parse("essay-router@127.0.1.100:2200");

    @TempDir
    Path dir;

    /** The scripted transport, except that opening a connection to any of {@code down} is refused. */
    static Transport refusing(Set<HostAddress> down, BiFunction<HostAddress, String, ExecResult> answer) {
        return new ScriptedTransport(answer).down(down);
    }

    private Engine engine(Transport transport) throws Exception {
        Project p = TestProjects.sample(dir, "/srv/router");
        return Engine.builder(p).transport(transport).build();
    }

    private static HostResult result(DeployResult r, HostAddress host) {
        return r.fleet().hosts().stream().filter(h -> h.host().equals(host)).findFirst().orElseThrow();
    }

    @Test
    void aDeployWhoseOnlyFailedHostCouldNotBeReachedExitsConnection() throws Exception {
        DeployResult r = engine(refusing(Set.of(H2), ScriptedTransport::slotALive)).deploy(DeployRequest.of("2.0.0", "b"));
        assertThat(result(r, H1).ok()).isTrue();
        assertThat(result(r, H2).unreachable()).isTrue();
        assertThat(result(r, H2).error()).contains(H2 + ": connection refused");
        assertThat(r.fleet().exitCode()).isEqualTo(ExitCode.CONNECTION);
    }

    @Test
    void anUnreachableHostBesideOneThatFailedAtWorkIsAPartialFailure() throws Exception {
        DeployResult r = engine(refusing(Set.of(H2), (host, step) -> step.equals("deploy")
                ? ScriptedTransport.fail("pip-install", "ERROR: No matching distribution found for essay-sample==2.0.0")
                : ScriptedTransport.slotALive(host, step))).deploy(DeployRequest.of("2.0.0", "b"));
        assertThat(result(r, H1).unreachable()).isFalse();
        assertThat(result(r, H2).unreachable()).isTrue();
        assertThat(r.fleet().exitCode()).isEqualTo(ExitCode.PARTIAL_FAILURE);
    }

    @Test
    void aConnectionThatBreaksDuringAStepIsNotUnreachable() throws Exception {
        DeployResult r = engine(refusing(Set.of(), (host, step) -> {
            if (step.equals("deploy") && host.equals(H2)) {
                throw new TransportException(host, "the connection broke during 'deploy': reset", null, null);
            }
            return ScriptedTransport.slotALive(host, step);
        })).deploy(DeployRequest.of("2.0.0", "b"));
        assertThat(result(r, H2).ok()).isFalse();
        assertThat(result(r, H2).unreachable()).isFalse();
        assertThat(r.fleet().exitCode()).isEqualTo(ExitCode.PARTIAL_FAILURE);
    }

    @Test
    void aHealthCheckThatFailsOnlyForAnUnreachableHostRefusesTheSwitchWithConnection() throws Exception {
        Engine engine = engine(refusing(Set.of(H2), ScriptedTransport::slotALive));
        assertThatThrownBy(() -> engine.switchSlot(SwitchRequest.to("b")))
                .isInstanceOfSatisfying(EssayException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.CONNECTION);
                    assertThat(e.getMessage()).contains("healthy on 1 of 2 host(s)");
                });
    }

    @Test
    void aHealthCheckThatFailsOnAReachableHostRefusesTheSwitch() throws Exception {
        Engine engine = engine(refusing(Set.of(), (host, step) -> step.equals("health") && host.equals(H2)
                ? ScriptedTransport.fail("check-health", "FAIL health url=http://127.0.0.1:8210/health status=500 slot=b"
                + " version=2.0.0 problem=status 500, expected 200")
                : ScriptedTransport.slotALive(host, step)));
        assertThatThrownBy(() -> engine.switchSlot(SwitchRequest.to("b")))
                .isInstanceOfSatisfying(EssayException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.REFUSED));
    }

    @Test
    void statusWithTheRouterDownReportsItAndStillReadsEveryHost() throws Exception {
        StatusReport report = engine(refusing(Set.of(ROUTER), ScriptedTransport::slotALive)).status(null);
        assertThat(report.routers()).singleElement().satisfies(r -> {
            assertThat(r.host()).isEqualTo(ROUTER);
            assertThat(r.error()).contains("connection refused");
        });
        assertThat(report.hosts()).extracting(StatusReport.HostStatus::host).containsExactly(H1, H2);
        assertThat(report.hosts()).allSatisfy(h -> assertThat(h.error()).isNull());
        assertThat(report.degradedReasons()).containsExactly("router " + ROUTER + " could not be read");
    }

    private String waitHealthyHint(String healthLine) throws Exception {
        DeployResult r = engine(refusing(Set.of(), (host, step) -> step.equals("deploy")
                ? ScriptedTransport.fail("wait-healthy", "--- health check\n" + healthLine)
                : ScriptedTransport.slotALive(host, step))).deploy(DeployRequest.of("2.0.0", "b"));
        String error = result(r, H1).error();
        assertThat(error).contains("wait-healthy");
        return error.substring(error.indexOf("hint: "));
    }

    @Test
    void aSlotThatAnswered503IsToldSoNotThatItDidNotAnswer() throws Exception {
        assertThat(waitHealthyHint("FAIL health url=http://127.0.0.1:8110/health status=503 slot=b version=2.0.0"
                + " problem=status 503, expected 200"))
                .contains("the service answered /health on port 8110 with 503, expected 200")
                .doesNotContain("in time");
    }

    @Test
    void anotherVersionOnThePortSaysSomethingElseRunsThereOrTheInstallDidNotTake() throws Exception {
        assertThat(waitHealthyHint("FAIL health url=http://127.0.0.1:8110/health status=200 slot=a version=1.0.0"
                + " problem=version 1.0.0, expected 2.0.0"))
                .contains("another version (1.0.0) answers on port 8110: something else runs there, or the install did not take")
                .doesNotContain("in time");
    }

    @Test
    void noAnswerSaysTheSlotDidNotAnswerInTime() throws Exception {
        assertThat(waitHealthyHint("FAIL health url=http://127.0.0.1:8110/health status=None slot=- version=-"
                + " problem=<urlopen error [Errno 111] Connection refused>"))
                .contains("the slot did not answer /health on port 8110 in time");
    }

    /** Issue 11, defect 5: a service without the slot header fails at deploy, with what to do, not first at the switch. */
    @Test
    void aServiceWithoutTheSlotHeaderIsToldAtDeployWhatTheSwitchNeeds() throws Exception {
        assertThat(waitHealthyHint("FAIL health url=http://127.0.0.1:8110/health status=200 slot=- version=2.0.0"
                + " problem=slot None, expected b"))
                .contains("the service does not send the X-Essay-Slot header")
                .contains("health.slot_header: \"\" and router.probe");
    }

    @Test
    void anotherSlotOnThePortIsNamed() throws Exception {
        assertThat(waitHealthyHint("FAIL health url=http://127.0.0.1:8110/health status=200 slot=a version=2.0.0"
                + " problem=slot a, expected b"))
                .contains("slot a answers on port 8110: another slot's process runs there");
    }
}
