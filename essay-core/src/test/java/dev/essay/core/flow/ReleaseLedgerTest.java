package dev.essay.core.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.essay.core.TestProjects;
import dev.essay.core.api.ReleaseRequest;
import dev.essay.core.api.ReleaseResult;
import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.event.EngineListener;
import dev.essay.core.ledger.LedgerEntry;
import dev.essay.core.model.Actor;
import dev.essay.core.model.HostAddress;
import dev.essay.core.model.Project;
import dev.essay.core.pkg.PackageRequest;
import dev.essay.core.pkg.PackageResult;
import dev.essay.core.transport.ExecResult;
import dev.essay.core.transport.PrintingTransport;
import dev.essay.core.transport.ScriptedTransport;
import dev.essay.core.transport.Session;
import dev.essay.core.transport.Transport;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A release writes one ledger entry, action {@code release}, however it ends: ok, refused before packaging, failed at
 * packaging, failed or cancelled at the deploy, undone or refused at the switch; a dry run writes none. Routers and
 * hosts are a {@link ScriptedTransport} where slot a (1.0.0) is live; the packager is a stand-in that "packages"
 * 2.0.0 from branch main (a real one is {@code ReleaseIT}'s).
 */
class ReleaseLedgerTest {
    static final HostAddress H1 = HostAddress.parse("essay-h1@127.0.1.1:2201");
    static final HostAddress H2 = HostAddress.parse("essay-h2@127.0.1.2:2202");
    static final String SOURCE = "packaged from branch main (1a2b3c4)";

    @TempDir
    Path dir;

    /** The ledger entries appended, in order. */
    final List<LedgerEntry> appended = new CopyOnWriteArrayList<>();
    FlowContext ctx;

    /** A packager that builds nothing: 2.0.0 from branch main, or the failure {@code failure} makes. */
    static ReleaseFlow.Packing packing(Runnable failure) {
        return new ReleaseFlow.Packing() {
            @Override
            public PackageResult pack(PackageRequest request) {
                failure.run();
                return new PackageResult("essay-sample", "2.0.0", "1a2b3c4", "branch main",
                        "http://127.0.0.1:8900/simple/essay-sample/", 1, List.of());
            }

            @Override
            public String nextVersion(String suffix) {
                return "2.0.0";
            }
        };
    }

    static final ReleaseFlow.Packing PACKS = packing(() -> { });

    /** The scripted transport, recording the ledger entries appended (as the append script carries them). */
    Transport recording(ScriptedTransport t) {
        return host -> {
            Session s = t.open(host);
            return Session.of(host, (script, lines) -> {
                if (script.name().equals("ledger")) {
                    appended.add(LedgerEntry.parse(script.text().replaceAll("(?s).*printf '%s\\\\n' '(\\{.*\\})' >>.*",
                            "$1").replace("'\\''", "'")));
                }
                return s.run(script, lines);
            });
        };
    }

    ReleaseResult release(Transport transport, ReleaseRequest request, ReleaseFlow.Packing packing) throws Exception {
        Project project = TestProjects.sample(dir, "/srv/router");
        ctx = new FlowContext(project, transport, EngineListener.SILENT, new Actor("alice@ci", "nightly"), null,
                Clock.fixed(Instant.parse("2026-12-08T01:00:00Z"), ZoneOffset.UTC));
        return new ReleaseFlow(ctx).release(request, packing);
    }

    ReleaseResult release(BiFunction<HostAddress, String, ExecResult> answer, ReleaseFlow.Packing packing) throws Exception {
        return release(recording(new ScriptedTransport(answer)), ReleaseRequest.of(PackageRequest.defaults()), packing);
    }

    static ReleaseRequest request() {
        return ReleaseRequest.of(PackageRequest.defaults());
    }

    @Test
    void anOkReleaseIsOneEntryThatPutsItsSlotLiveWithEveryDeployHostAndItsSource() throws Exception {
        ReleaseResult r = release(ScriptedTransport::slotALive, PACKS);
        assertThat(r.ok()).isTrue();
        assertThat(appended).singleElement().satisfies(e -> {
            assertThat(e).extracting(LedgerEntry::action, LedgerEntry::version, LedgerEntry::role, LedgerEntry::from,
                    LedgerEntry::to, LedgerEntry::result, LedgerEntry::profile, LedgerEntry::detail)
                    .containsExactly("release", "2.0.0", "web", "a", "b", "ok", "prod", SOURCE);
            assertThat(e.hosts()).extracting(LedgerEntry.HostResult::host, LedgerEntry.HostResult::result)
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(H1.toString(), "ok"),
                            org.assertj.core.groups.Tuple.tuple(H2.toString(), "ok"));
            assertThat(e).extracting(LedgerEntry::user, LedgerEntry::cause).containsExactly("alice@ci", "nightly");
            assertThat(e.putSlotLive()).as("an ok release counts as a switch did").isTrue();
        });
    }

    @Test
    void aReleaseRefusedBeforePackagingIsOneRefusedEntry() throws Exception {
        assertThatThrownBy(() -> release(recording(new ScriptedTransport(ScriptedTransport::slotALive)),
                new ReleaseRequest(PackageRequest.defaults(), "a", null), PACKS))
                .isInstanceOfSatisfying(EssayException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.REFUSED));
        assertThat(appended).singleElement().satisfies(e -> {
            assertThat(e).extracting(LedgerEntry::action, LedgerEntry::result, LedgerEntry::from, LedgerEntry::to)
                    .containsExactly("release", "refused", "a", null);
            assertThat(e.detail()).startsWith("refused before packaging: slot a is live")
                    .endsWith("; nothing was packaged, deployed or switched");
            assertThat(e.hosts()).isEmpty();
            assertThat(e.putSlotLive()).isFalse();
        });
    }

    @Test
    void aPackagingThatFailsIsOneFailedEntryAndNoHostIsContacted() throws Exception {
        ScriptedTransport t = new ScriptedTransport(ScriptedTransport::slotALive);
        assertThatThrownBy(() -> release(recording(t), request(), packing(() -> {
            throw new EssayException(ExitCode.ERROR, "python -m build failed (exit 1)", null, null, null);
        }))).hasMessage("python -m build failed (exit 1)");
        assertThat(appended).singleElement().satisfies(e -> {
            assertThat(e).extracting(LedgerEntry::action, LedgerEntry::version, LedgerEntry::result, LedgerEntry::from,
                    LedgerEntry::to, LedgerEntry::detail).containsExactly("release", null, "failed", "a", "b",
                    "the packaging failed: python -m build failed (exit 1); slot a stays live, nothing was deployed or"
                            + " switched");
            assertThat(e.hosts()).isEmpty();
        });
        assertThat(t.calls).noneMatch(c -> c.startsWith("probe@") || c.startsWith("deploy@"));
    }

    @Test
    void aDeployThatFailsOnOneHostIsOneFailedEntryWithEachHostsResult() throws Exception {
        ReleaseResult r = release((host, step) -> step.equals("deploy") && host.equals(H2)
                ? ScriptedTransport.fail("pip-install", "ERROR: No matching distribution found for essay-sample==2.0.0")
                : ScriptedTransport.slotALive(host, step), PACKS);
        assertThat(r.ok()).isFalse();
        assertThat(r.switched()).isNull();
        assertThat(appended).singleElement().satisfies(e -> {
            assertThat(e).extracting(LedgerEntry::action, LedgerEntry::version, LedgerEntry::result, LedgerEntry::from,
                    LedgerEntry::to, LedgerEntry::detail).containsExactly("release", "2.0.0", "failed", "a", "b",
                    "the deploy failed on 1 of 2 hosts; slot a stays live, nothing was switched; " + SOURCE);
            assertThat(e.hosts()).extracting(LedgerEntry.HostResult::host, LedgerEntry.HostResult::result)
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(H1.toString(), "ok"),
                            org.assertj.core.groups.Tuple.tuple(H2.toString(), "failed"));
        });
    }

    @Test
    void aReleaseCancelledDuringTheDeployIsOneCancelledEntryWithEachHostsResult() throws Exception {
        assertThatThrownBy(() -> release((host, step) -> {
            if (step.equals("deploy")) {
                ctx.cancel();
            }
            return ScriptedTransport.slotALive(host, step);
        }, PACKS)).isInstanceOfSatisfying(EssayException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.CANCELLED));
        assertThat(appended).singleElement().satisfies(e -> {
            assertThat(e).extracting(LedgerEntry::action, LedgerEntry::result, LedgerEntry::to)
                    .containsExactly("release", "cancelled", "b");
            assertThat(e.detail()).isEqualTo("cancelled during the deploy; slot a stays live, nothing was switched; "
                    + SOURCE);
            assertThat(e.hosts()).hasSize(2);
        });
    }

    @Test
    void aSwitchThatFailsAndIsUndoneIsOneUndoneEntryWithTheDeploysHosts() throws Exception {
        assertThatThrownBy(() -> release((host, step) -> switch (step) {
            case "prove" -> ScriptedTransport.fail("prove-switch", "FAIL health url=http://127.0.0.1:8080/health"
                    + " status=200 slot=a version=1.0.0 problem=slot a, expected b");
            case "restore" -> ScriptedTransport.ok("restore-upstream", "restored=yes", "changed=yes");
            default -> ScriptedTransport.slotALive(host, step);
        }, PACKS)).isInstanceOfSatisfying(EssayException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.REFUSED));
        assertThat(appended).singleElement().satisfies(e -> {
            assertThat(e).extracting(LedgerEntry::action, LedgerEntry::version, LedgerEntry::result, LedgerEntry::from,
                    LedgerEntry::to).containsExactly("release", "2.0.0", "undone", "a", "b");
            assertThat(e.detail()).startsWith("the switch was undone: ").contains("switch undone, the previous slot is live")
                    .endsWith("; slot a stays live; " + SOURCE);
            assertThat(e.hosts()).extracting(LedgerEntry.HostResult::result).containsExactly("ok", "ok");
            assertThat(e.putSlotLive()).isFalse();
        });
    }

    @Test
    void aSwitchRefusedForWantOfHealthyHostsIsOneRefusedEntry() throws Exception {
        assertThatThrownBy(() -> release((host, step) -> step.equals("health")
                ? ScriptedTransport.fail("check-health", "FAIL health url=http://" + host.address() + ":8110/health"
                        + " status=- slot=- version=- problem=connection refused")
                : ScriptedTransport.slotALive(host, step), PACKS))
                .isInstanceOfSatisfying(EssayException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.REFUSED));
        assertThat(appended).singleElement().satisfies(e -> {
            assertThat(e).extracting(LedgerEntry::action, LedgerEntry::result, LedgerEntry::to)
                    .containsExactly("release", "refused", "b");
            assertThat(e.detail()).startsWith("the switch was refused: ").contains("; slot a stays live; " + SOURCE);
        });
    }

    @Test
    void aSwitchInterruptedEarlierIsStillUndoneAndRecordedAsSuchBeforeTheRelease() throws Exception {
        String interrupted = "##essay begin read-state\nheader=# essay: slot=b version=2.0.0\njournal=present\n"
                + "journal.text=switch to=b by=bob at=2026-12-08T00:00:00Z\nlock=free\n##essay end read-state\n";
        ReleaseResult r = release((host, step) -> switch (step) {
            case "lock" -> new ExecResult(0, ScriptedTransport.ok("acquire-lock", "lock=acquired").stdout() + interrupted, "");
            case "restore" -> ScriptedTransport.ok("restore-upstream", "restored=yes", "changed=yes");
            default -> ScriptedTransport.slotALive(host, step);
        }, PACKS);
        assertThat(r.ok()).isTrue();
        assertThat(appended).extracting(LedgerEntry::action, LedgerEntry::result, LedgerEntry::to)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("switch", "undone", "b"),
                        org.assertj.core.groups.Tuple.tuple("release", "ok", "b"));
    }

    @Test
    void aDryRunRecordsNothing() throws Exception {
        List<String> printed = new CopyOnWriteArrayList<>();
        ReleaseResult r = release(new PrintingTransport((host, script) -> printed.add(script.name() + "@" + host.address())),
                request(), PACKS);
        assertThat(r.version()).isEqualTo("2.0.0");
        assertThat(printed).contains("deploy@127.0.1.1").noneMatch(c -> c.startsWith("ledger@"));
    }
}
