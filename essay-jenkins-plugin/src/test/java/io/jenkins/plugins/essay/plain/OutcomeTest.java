package io.jenkins.plugins.essay.plain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.essay.core.api.DeployRequest;
import dev.essay.core.api.DeployResult;
import dev.essay.core.api.SwitchRequest;
import dev.essay.core.api.SwitchResult;
import dev.essay.core.error.CancelledException;
import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.model.HostAddress;
import dev.essay.core.pkg.PackageRequest;
import dev.essay.core.pkg.PackageResult;
import dev.essay.core.run.FleetResult;
import dev.essay.core.run.HostResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Outcomes built from the engine's results, how the log shows them, and what crosses the agent channel. Plain: no
 * Jenkins.
 */
class OutcomeTest {
    static final HostAddress WEB1 = HostAddress.parse("deploy@10.0.0.11");
    static final HostAddress WEB2 = HostAddress.parse("deploy@10.0.0.12:2222");

    static FleetResult fleet(HostResult.Status second) {
        return new FleetResult("deploy", List.of(
                new HostResult(WEB1, HostResult.Status.OK, Duration.ofMillis(3200), "installed 1.4.0", null),
                new HostResult(WEB2, second, Duration.ofMillis(4100), null,
                        second == HostResult.Status.FAILED ? "pip-install failed\nno such version" : null)));
    }

    @SuppressWarnings("unchecked")
    static <T> T roundTrip(T value) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void deployOk() throws Exception {
        Outcome o = Outcome.deployed(new DeployResult("1.4.0", "b", "web", fleet(HostResult.Status.UNCHANGED)));
        assertTrue(o.ok());
        assertNull(o.failure());
        assertEquals(new Outcome.Subject("deploy", "1.4.0", "web", null, "b", null, List.of()), o.subject());
        assertEquals(List.of("[essay] deploy ok: slot b runs 1.4.0"), o.report());
        Map<String, Object> web2 = (Map<String, Object>) o.hostMap().get("deploy@10.0.0.12:2222");
        assertEquals("unchanged", web2.get("result"));
        assertEquals(4100L, web2.get("duration"));
        assertEquals(o, roundTrip(o));
    }

    @Test
    void deployThatFailedOnAHost() throws Exception {
        Outcome o = Outcome.deployed(new DeployResult("1.5.0", "a", "web", fleet(HostResult.Status.FAILED)));
        assertFalse(o.ok());
        assertEquals(Outcome.FAILED, o.result());
        assertEquals("PARTIAL_FAILURE", o.failure().exitCode());
        assertEquals(List.of("[essay] deploy@10.0.0.12:2222: failed after 4.1s: pip-install failed",
                "[essay] deploy FAILED"), o.report());
        assertEquals("deploy of 1.5.0 into slot a failed on 1 of 2 host(s): deploy@10.0.0.12:2222 (pip-install failed)\n"
                + "hint: read each host's FAILED lines above; slot a is not live, so no traffic reached the failed hosts",
                o.failureText());
        assertEquals(o, roundTrip(o));
    }

    @Test
    void switchOk() {
        Outcome o = Outcome.switched(new SwitchResult("rollback", "b", "a", "1.4.0", fleet(HostResult.Status.OK)));
        assertEquals(new Outcome.Subject("rollback", "1.4.0", null, "b", "a", null, List.of()), o.subject());
        assertEquals(List.of("[essay] rollback ok: slot a runs 1.4.0 and is live"), o.report());
        assertEquals(2, o.hosts().size());
    }

    @Test
    void packaged() {
        Outcome o = Outcome.packaged(new PackageResult("shop", "26.12.3.1", "1a2b3c4", "commit 1a2b3c4",
                "http://index/simple/shop/", 1, List.of(
                        new PackageResult.File(Path.of("dist/shop-26.12.3.1.tar.gz"), "shop-26.12.3.1.tar.gz", "00",
                                "http://index/packages/shop-26.12.3.1.tar.gz"))));
        assertEquals("26.12.3.1", o.subject().version());
        assertEquals(List.of("[essay] package ok: 26.12.3.1 from commit 1a2b3c4 (1a2b3c4)",
                "[essay] uploaded: shop-26.12.3.1.tar.gz http://index/packages/shop-26.12.3.1.tar.gz"), o.report());
    }

    @Test
    void failuresKeepTheRequestAndTheEnginesWords() {
        Outcome refused = Outcome.failed(SwitchRequest.to("a"),
                new EssayException(ExitCode.REFUSED, "switch refused", "fix slot a"));
        assertEquals(Outcome.REFUSED, refused.result());
        assertEquals(new Outcome.Subject("switch", null, null, null, "a", null, List.of()), refused.subject());
        assertEquals("switch refused\nhint: fix slot a", refused.failureText());
        assertEquals(List.of("[essay] switch REFUSED"), refused.report());

        assertEquals(Outcome.REFUSED, Outcome.failed(SwitchRequest.back(),
                new EssayException(ExitCode.LOCK_HELD, "locked", null)).result());
        assertEquals(Outcome.CANCELLED, Outcome.failed(DeployRequest.of("1.4.0", "b"),
                new EssayException(ExitCode.CANCELLED, "cancelled", null)).result());
        Outcome usage = Outcome.invalid(new DeployRequest("1.4.0", "b", "web", null, false), "no role web", null);
        assertEquals(new Outcome.Subject("deploy", "1.4.0", "web", null, "b", null, List.of()), usage.subject());
        assertEquals("USAGE", usage.failure().exitCode());
    }

    @Test
    @SuppressWarnings("unchecked")
    void aCancelledDeployKeepsEveryHostsResult() throws Exception {
        CancelledException e = new CancelledException("cancelled; the release lock was released",
                "run essay status to see the state the fleet was left in", null)
                .withResult(new DeployResult("1.5.0", "b", "web", fleet(HostResult.Status.FAILED)));
        Outcome o = Outcome.failed(DeployRequest.of("1.5.0", "b"), e);
        assertTrue(o.cancelled());
        assertEquals(new Outcome.Subject("deploy", "1.5.0", "web", null, "b", null, List.of()), o.subject());
        assertEquals(List.of("deploy@10.0.0.11:22", "deploy@10.0.0.12:2222"), List.copyOf(o.hostMap().keySet()));
        assertEquals("ok", ((Map<String, Object>) o.hostMap().get("deploy@10.0.0.11:22")).get("result"));
        assertEquals("failed", ((Map<String, Object>) o.hostMap().get("deploy@10.0.0.12:2222")).get("result"));
        assertEquals("CANCELLED", o.failure().exitCode());
        assertEquals(List.of("[essay] deploy@10.0.0.12:2222: failed after 4.1s: pip-install failed",
                "[essay] deploy CANCELLED: cancelled; the release lock was released"), o.report());
        assertEquals(o, roundTrip(o));
    }

    @Test
    void aCancelledSwitchKeepsItsSlotsVersionAndHealthCheck() {
        CancelledException e = new CancelledException("cancelled during the switch; the switch was undone and the"
                + " release lock was released", null, null)
                .withResult(new SwitchResult("rollback", "b", "a", "1.4.0", fleet(HostResult.Status.OK)));
        Outcome o = Outcome.failed(SwitchRequest.back(), e);
        assertEquals(Outcome.CANCELLED, o.result());
        assertEquals(new Outcome.Subject("rollback", "1.4.0", null, "b", "a", null, List.of()), o.subject());
        assertEquals("b → a", o.subject().slots());
        assertEquals(2, o.hosts().size());
    }

    @Test
    void aCancelBeforeAnyHostWasAskedKeepsTheRequest() {
        Outcome o = Outcome.failed(DeployRequest.of("1.5.0", "b"),
                new CancelledException("cancelled; the release lock was released", null, null));
        assertTrue(o.cancelled());
        assertEquals("1.5.0", o.subject().version());
        assertTrue(o.hosts().isEmpty());
    }

    @Test
    void unexpectedErrorsCarryTheirTrace() {
        Outcome o = Outcome.unexpected(PackageRequest.defaults(), new IllegalStateException("boom"));
        assertEquals("package", o.action());
        assertTrue(o.failure().stackTrace().contains("java.lang.IllegalStateException: boom"));
        assertTrue(o.report().get(0).startsWith("java.lang.IllegalStateException: boom"), "the trace comes first");
    }

    @Test
    void cancelledWithoutAnswerSaysWhatToCheck() {
        assertTrue(Outcome.cancelledWithoutAnswer(SwitchRequest.to("b"), "gone").failure().suggestion()
                .contains("essay unlock"));
        assertTrue(Outcome.cancelledWithoutAnswer(PackageRequest.defaults(), "gone").failure().suggestion()
                .contains("essay versions"));
        assertTrue(Outcome.cancelledWithoutAnswer(PackageRequest.defaults(), "gone").cancelled());
    }

    @Test
    void connectionTravelsAndNamesNoSecret() throws Exception {
        Connection c = Connection.fleet(new Connection.SshLogin("Jenkins credential 'deploy-key'", "PRIVATE-KEY",
                "PASSPHRASE", "10.0.0.11 ssh-ed25519 AAAA", false),
                new dev.essay.core.model.Actor("alice@jenkins", "Started by user alice"), Map.of("INDEX_PW", "s3cret"));
        Connection back = roundTrip(c);
        assertEquals(c, back);
        assertEquals("s3cret", back.env().get("INDEX_PW"));
        assertEquals("PASSPHRASE", back.ssh().settings(null).passphrase().reveal());
        for (String secret : List.of("PRIVATE-KEY", "PASSPHRASE", "s3cret")) {
            assertFalse(c.toString().contains(secret), c.toString());
        }
        Connection index = Connection.index(new Connection.IndexLogin("deploy", "INDEX-PASSWORD"), "/tmp/w",
                new dev.essay.core.model.Actor("jenkins", "timer"), null);
        assertFalse(index.toString().contains("INDEX-PASSWORD"), index.toString());
        assertEquals(index, roundTrip(index));
    }

    @Test
    void subjectTextsForTheReleasesPage() {
        Outcome.Subject deploy = new Outcome.Subject("deploy", "1.5.0", "web", null, "a", null, List.of());
        assertEquals("essay deploy 1.5.0 into slot a", deploy.summary());
        assertEquals("into a", deploy.slots());
        assertFalse(deploy.putsLive());

        Outcome.Subject switched = new Outcome.Subject("switch", "1.4.0", null, "a", "b", null, List.of());
        assertEquals("essay switch to slot b (1.4.0), from slot a", switched.summary());
        assertEquals("a → b", switched.slots());
        assertTrue(switched.putsLive());

        Outcome.Subject rollback = Outcome.Subject.requested(SwitchRequest.back());
        assertEquals("essay rollback", rollback.summary());
        assertEquals("", rollback.slots(), "an abort before the engine answered claims no slots (not \"none → ?\")");
        assertFalse(rollback.putsLive(), "no slot named: nothing known to be live");

        Outcome.Subject pack = new Outcome.Subject("package", "26.12.3.1", null, null, null, "branch main (1a2b3c4)",
                List.of());
        assertEquals("essay package 26.12.3.1 from branch main (1a2b3c4)", pack.summary());
        assertEquals("", pack.slots());
        assertFalse(pack.putsLive());
    }

    @Test
    void theReleasesPageSaysWhatIsLiveAndFiltersByKnownResults() {
        assertEquals("Live: slot b running 1.4.0, put live by alice@jenkins (as this job last set it; `essay status`"
                + " asks the routers)", new Outcome.Subject("switch", "1.4.0", null, "a", "b", null, List.of())
                .liveText("alice@jenkins"));
        assertEquals("Live: slot a, put live by jenkins (as this job last set it; `essay status` asks the routers)",
                new Outcome.Subject("rollback", null, null, "b", "a", null, List.of()).liveText("jenkins"));

        assertEquals(List.of("ok", "failed", "refused", "cancelled"), Outcome.RESULTS);
        assertEquals("refused", Outcome.knownResult("refused"));
        assertNull(Outcome.knownResult("FAILED"), "results are lower case, as the ledger writes them");
        assertNull(Outcome.knownResult("<script>"));
        assertNull(Outcome.knownResult(null));
    }

    @Test
    void durationsInSecondsWithOneDecimal() {
        assertEquals("12.3s", Outcome.seconds(12_345));
        assertEquals("0.0s", Outcome.seconds(0));
        assertEquals("0.1s",
                new io.jenkins.plugins.essay.plain.HostResult("deploy@10.0.0.11:22", "ok", 60, null, null).getDuration());
    }
}
