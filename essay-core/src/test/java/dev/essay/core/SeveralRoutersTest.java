package dev.essay.core;

import dev.essay.core.api.SwitchResult;
import dev.essay.core.api.SwitchRequest;
import dev.essay.core.api.DeployRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static dev.essay.core.transport.ScriptedTransport.slotALive;

import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.event.EngineListener;
import dev.essay.core.event.EssayEvent;
import dev.essay.core.model.HostAddress;
import dev.essay.core.model.Project;
import dev.essay.core.transport.ExecResult;
import dev.essay.core.transport.ScriptedTransport;
import dev.essay.core.transport.Transport;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With several routers a switch is all or none. The orchestration is pure logic, so the routers and
 * hosts here are a {@link ScriptedTransport} (the real nginx path is covered by the integration tests).
 */
class SeveralRoutersTest {
    static final HostAddress R1 = HostAddress.parse("essay-router@127.0.1.100:2200");
    static final HostAddress R2 = HostAddress.parse("essay-router@127.0.1.101:2200");

    @TempDir
    Path dir;

    private Engine engine(Transport transport) throws Exception {
        return engine(transport, EngineListener.SILENT);
    }

    private Engine engine(Transport transport, EngineListener listener) throws Exception {
        Project base = TestProjects.sample(dir, "/srv/router");
        Project.Router r = base.router();
        Project p = new Project(base.file(), base.name(), base.index(), base.roles(), base.defaultRole(), base.ssh(),
                base.slots(), base.processCount(), base.venv(), base.profile(), base.supervisor(),
                new Project.Router(List.of(R1, R2), r.role(), r.nginx(), r.config(), r.upstreamFile(), r.upstreamName(),
                        r.sudo(), r.url(), r.stateDir()), base.health(), base.parallelism(), base.hooks());
        return Engine.builder(p).transport(transport).listener(listener).build();
    }

    @Test
    void whenTheSecondRouterRejectsTheIncludeTheFirstIsPutBackAndNeitherReloads() throws Exception {
        ScriptedTransport t = new ScriptedTransport((host, step) -> step.equals("stage") && host.equals(R2)
                ? ScriptedTransport.fail("test-nginx", "nginx: [emerg] host not found in upstream") : slotALive(host, step));
        assertThatThrownBy(() -> engine(t).switchSlot(SwitchRequest.to("b")))
                .isInstanceOfSatisfying(EssayException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.REFUSED);
                    assertThat(e.getMessage()).contains("127.0.1.101").contains("switch undone");
                    assertThat(e.detail()).contains("host not found in upstream");
                });
        assertThat(t.calls).containsSubsequence("stage@127.0.1.100", "stage@127.0.1.101", "restore@127.0.1.100", "restore@127.0.1.101")
                .doesNotContain("reload@127.0.1.100", "reload@127.0.1.101", "commit@127.0.1.100");
        assertThat(t.calls).contains("unlock@127.0.1.100");
    }

    @Test
    void whenTheProofFailsOnOneRouterEveryRouterIsRestoredAndReloaded() throws Exception {
        ScriptedTransport t = new ScriptedTransport((host, step) -> step.equals("prove") && host.equals(R2)
                ? ScriptedTransport.fail("prove-switch", "FAIL health url=http://127.0.0.1:8080/health status=200 slot=a version=1.0.0 problem=slot a, expected b")
                : slotALive(host, step));
        assertThatThrownBy(() -> engine(t).switchSlot(SwitchRequest.to("b")))
                .isInstanceOfSatisfying(EssayException.class, e -> assertThat(e.detail()).contains("slot a, expected b"));
        assertThat(t.calls).containsSubsequence("reload@127.0.1.100", "reload@127.0.1.101", "prove@127.0.1.100",
                "prove@127.0.1.101", "restore@127.0.1.100", "restore@127.0.1.101").doesNotContain("commit@127.0.1.100");
    }

    @Test
    void whenEveryRouterAgreesTheSwitchIsCommittedOnAll() throws Exception {
        ScriptedTransport t = new ScriptedTransport(ScriptedTransport::slotALive);
        SwitchResult result = engine(t).switchSlot(SwitchRequest.to("b"));
        assertThat(result.from()).isEqualTo("a");
        assertThat(result.version()).isEqualTo("2.0.0");
        assertThat(t.calls).contains("commit@127.0.1.100", "commit@127.0.1.101", "ledger@127.0.1.100", "ledger@127.0.1.101")
                .doesNotContain("restore@127.0.1.100");
    }

    @Test
    void routersThatDisagreeAboutTheLiveSlotAreRefusedUnlessForced() throws Exception {
        ScriptedTransport t = new ScriptedTransport((host, step) -> step.equals("router-state") && host.equals(R2)
                ? new ExecResult(0, "##essay begin read-state\nheader=# essay: slot=b version=2.0.0\njournal=absent\nlock=free\n##essay end read-state\n", "")
                : slotALive(host, step));
        assertThatThrownBy(() -> engine(t).deploy(DeployRequest.of("3.0.0", "b")))
                .isInstanceOfSatisfying(EssayException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.REFUSED);
                    assertThat(e.getMessage()).contains("routers disagree").contains("127.0.1.101:2200 serves b");
                    assertThat(e.suggestion()).contains("essay adopt").contains("essay switch --to SLOT --force");
                });
        assertThat(t.calls).noneMatch(c -> c.startsWith("probe@") || c.startsWith("deploy@"));
    }

    @Test
    void aSwitchReportsTypedEventsInOrder() throws Exception {
        List<EssayEvent> events = new CopyOnWriteArrayList<>();
        engine(new ScriptedTransport(ScriptedTransport::slotALive), events::add).switchSlot(SwitchRequest.to("b"));
        assertThat(events).filteredOn(e -> !(e instanceof EssayEvent.Info) && !(e instanceof EssayEvent.Warning)
                        && !(e instanceof EssayEvent.StepStarted)
                        && !(e instanceof EssayEvent.StepFinished))
                .map(e -> e.getClass().getSimpleName())
                .containsExactly("LockAcquired", "FleetFinished", "SwitchStaged", "SwitchStaged", "SwitchProven",
                        "SwitchProven", "LockReleased");
        assertThat(events).contains(new EssayEvent.SwitchStaged(R2, "b"), new EssayEvent.SwitchProven(R1, "b", 8));
    }
}
