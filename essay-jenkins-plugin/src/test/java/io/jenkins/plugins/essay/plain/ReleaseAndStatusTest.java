package io.jenkins.plugins.essay.plain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.essay.core.api.DeployRequest;
import dev.essay.core.api.DeployResult;
import dev.essay.core.api.ReleaseRequest;
import dev.essay.core.api.ReleaseResult;
import dev.essay.core.api.StatusReport;
import dev.essay.core.api.StatusRequest;
import dev.essay.core.api.SwitchResult;
import dev.essay.core.model.HostAddress;
import dev.essay.core.pkg.PackageRequest;
import dev.essay.core.pkg.PackageResult;
import dev.essay.core.run.FleetResult;
import dev.essay.core.run.HostResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code essayRelease} and {@code essayStatus} without Jenkins: their configurations (request, expansion), what the log
 * and the build record of them, and the status document crossing the agent channel.
 */
class ReleaseAndStatusTest {
    private static final HostAddress WEB1 = OutcomeTest.WEB1;
    private static final HostAddress WEB2 = OutcomeTest.WEB2;

    private static FleetResult fleet(HostResult.Status second) {
        return OutcomeTest.fleet(second);
    }

    private static PackageResult packaged() {
        return new PackageResult("shop", "2.0.0", "1a2b3c4", "commit 1a2b3c4", "http://index/simple/shop/", 1,
                List.of(new PackageResult.File(Path.of("dist/shop-2.0.0.tar.gz"), "shop-2.0.0.tar.gz", "00",
                        "http://index/packages/shop-2.0.0.tar.gz")));
    }

    @Test
    void releaseConfigMakesTheEnginesRequest() {
        ReleaseConfig c = new ReleaseConfig();
        assertEquals(ReleaseRequest.of(PackageRequest.defaults()), c.request());
        c.packaging().setCommit(" ${COMMIT} ");
        c.packaging().setVersion("${VERSION}");
        c.packaging().setSuffix(" ");
        c.packaging().setIndexCredentialsId("${INDEX}");
        c.setCredentialsId("${KEY}");
        c.setSlot("${SLOT}");
        c.setProfile("prod");
        c.setConfig("${DIR}/essay.yaml");
        ReleaseConfig x = c.expand(s -> s.replace("${COMMIT}", "1a2b3c4").replace("${VERSION}", "2.0.0")
                .replace("${INDEX}", "index-upload").replace("${KEY}", "deploy-key").replace("${SLOT}", "")
                .replace("${DIR}", "deploy"));
        assertEquals(new ReleaseRequest(new PackageRequest(null, "1a2b3c4", false, "2.0.0", null, false), null, "prod"),
                x.request(), "a slot that expands to nothing is the slot that is not live");
        assertEquals("deploy-key", x.credentialsId());
        assertEquals("index-upload", x.packaging().getIndexCredentialsId());
        assertEquals("deploy/essay.yaml", x.getConfig());
        assertEquals("${SLOT}", c.getSlot(), "the configuration itself is not changed");
        assertEquals("essay release", c.name());
    }

    @Test
    void releaseTextsAndTheCheckedOutCommit() {
        ReleaseRequest r = new ReleaseRequest(PackageRequest.defaults(), "b", null);
        assertEquals("release", Requests.action(r));
        assertEquals("release branch (build.branch of essay.yaml) as the next date version into slot b",
                Requests.describe(r));
        assertEquals("release commit abc as the next date version into the slot that is not live",
                Requests.describe(Requests.releasingCheckedOut(ReleaseRequest.of(PackageRequest.defaults()), "abc")));
        ReleaseRequest named = ReleaseRequest.of(new PackageRequest("main", null, false, null, null, false));
        assertSame(named, Requests.releasingCheckedOut(named, "abc"), "a named branch wins over GIT_COMMIT");
        assertTrue(Requests.recorded(r));
    }

    @Test
    void releaseOk() {
        Outcome o = Outcome.released(new ReleaseResult(packaged(),
                new DeployResult("2.0.0", "b", "web", fleet(HostResult.Status.OK)),
                new SwitchResult("switch", "a", "b", "2.0.0", fleet(HostResult.Status.OK))));
        assertTrue(o.ok());
        assertEquals(new Outcome.Subject("release", "2.0.0", "web", "a", "b", "commit 1a2b3c4 (1a2b3c4)",
                List.of("shop-2.0.0.tar.gz http://index/packages/shop-2.0.0.tar.gz")), o.subject());
        assertTrue(o.subject().putsLive());
        assertEquals(2, o.hosts().size(), "each host's deploy");
        assertEquals(List.of("[essay] release ok: slot b runs 2.0.0 and is live",
                "[essay] uploaded: shop-2.0.0.tar.gz http://index/packages/shop-2.0.0.tar.gz"), o.report());
    }

    @Test
    void releaseStopsWhenTheDeployFailed() {
        Outcome o = Outcome.released(new ReleaseResult(packaged(),
                new DeployResult("2.0.0", "b", "web", fleet(HostResult.Status.FAILED)), null));
        assertEquals(Outcome.FAILED, o.result());
        assertNull(o.subject().from(), "nothing was switched");
        assertTrue(o.failureText().contains("release of 2.0.0 stopped: the deploy into slot b failed on " + WEB2),
                o.failureText());
        assertTrue(o.failureText().contains("essayDeploy version: '2.0.0', slot: 'b'"), o.failureText());
        assertEquals("[essay] release FAILED", o.report().get(o.report().size() - 1));
    }

    @Test
    void statusConfig() {
        StatusConfig c = new StatusConfig();
        c.setCredentialsId(" ${KEY} ");
        c.setRole("${ROLE}");
        c.setFailIfDegraded(true);
        StatusConfig x = c.expand(s -> s.replace("${KEY}", "deploy-key").replace("${ROLE}", ""));
        assertEquals(new StatusRequest(null), x.request());
        assertEquals("deploy-key", x.credentialsId());
        assertTrue(x.isFailIfDegraded());
        assertEquals("status", Requests.action(x.request()));
        assertEquals("status of role web", Requests.describe(new StatusRequest("web")));
        assertFalse(Requests.recorded(new StatusRequest(null)), "a status leaves no record on the build");
        assertFalse(Requests.recorded(x.request()));
        assertTrue(Requests.recorded(DeployRequest.of("1.0.0", "a")));
    }

    private static StatusReport report(boolean healthy) {
        StatusReport.RouterStatus router = new StatusReport.RouterStatus(HostAddress.parse("deploy@10.0.0.10"), "b",
                "2.0.0", "a", "2026-12-07T22:00:00Z", null);
        List<StatusReport.HostStatus> hosts = List.of(
                new StatusReport.HostStatus(WEB1, List.of(
                        new StatusReport.SlotStatus("a", "1.0.0", true, List.of("shop_0 RUNNING"), true, List.of()),
                        new StatusReport.SlotStatus("b", "2.0.0", true, List.of("shop_0 RUNNING"), healthy,
                                healthy ? List.of() : List.of("port 8001: connection refused"))), null),
                new StatusReport.HostStatus(WEB2, List.of(), "connection refused"));
        return new StatusReport(List.of(router), hosts, new StatusReport.Live("b", true, List.of(), List.of()));
    }

    @Test
    @SuppressWarnings("unchecked")
    void statusReturnsTheDocumentOfStatusJsonAndSummarizesIt() throws Exception {
        StatusReport report = report(false);
        Outcome o = Outcome.status(new StatusRequest(null), report);
        assertTrue(o.ok(), "a degraded fleet is a status all the same");
        assertEquals(report.toMap(), o.status());
        Outcome back = OutcomeTest.roundTrip(o);
        assertEquals(report.toMap(), back.status(), "the document crosses the agent channel as JDK collections");
        assertEquals(List.of("[essay] status: slot b is live (proven through nginx)",
                "[essay] " + WEB1 + ": a 1.0.0 healthy, b 2.0.0 unhealthy",
                "[essay] " + WEB2 + ": could not be read: connection refused",
                "[essay] fleet DEGRADED: " + String.join("; ", report.degradedReasons())), o.report());
        assertFalse(o.subject().putsLive());
    }

    @Test
    void failIfDegradedFailsOnlyWhenAskedAndDegraded() {
        StatusConfig c = new StatusConfig();
        Map<String, Object> degraded = report(false).toMap();
        assertNull(c.failure(degraded), "without failIfDegraded the step returns the map");
        c.setFailIfDegraded(true);
        String failure = c.failure(degraded);
        assertTrue(failure.startsWith("essay status: the fleet is degraded: "
                + String.join("; ", report(false).degradedReasons())), failure);
        StatusReport healthy = new StatusReport(List.of(), List.of(), new StatusReport.Live(null, false, List.of(),
                List.of()));
        assertNull(c.failure(healthy.toMap()));
        assertEquals(List.of("[essay] status: no slot is live", "[essay] fleet healthy"),
                Outcome.status(new StatusRequest(null), healthy).report());
    }
}
