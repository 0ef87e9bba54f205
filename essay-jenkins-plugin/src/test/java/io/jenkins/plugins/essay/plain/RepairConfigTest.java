package io.jenkins.plugins.essay.plain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.essay.core.api.RepairRequest;
import dev.essay.core.api.RepairResult;
import dev.essay.core.run.FleetResult;
import dev.essay.core.run.HostResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code essayRepair} without Jenkins: its configuration, its form rule, and what the build records of a repair. */
class RepairConfigTest {
    @Test
    void theConfigurationMakesTheEnginesRequestAndExpandsItsTexts() {
        RepairConfig c = new RepairConfig();
        assertEquals(RepairRequest.defaults(), c.request(), "the router's role, one host at a time");
        c.setCredentialsId(" ${KEY} ");
        c.setRole("${ROLE}");
        c.setBatch(3);
        c.setConfig("${DIR}/essay.yaml");
        RepairConfig x = c.expand(s -> s.replace("${KEY}", "deploy-key").replace("${ROLE}", "")
                .replace("${DIR}", "deploy"));
        assertEquals(new RepairRequest(null, 3), x.request(), "a role that expands to nothing is the router's");
        assertEquals("deploy-key", x.credentialsId());
        assertEquals("deploy/essay.yaml", x.getConfig());
        assertEquals("repair", Requests.action(x.request()));
        assertEquals("repair of the live slot, 3 host(s) at a time", Requests.describe(x.request()));
        assertTrue(Requests.recorded(x.request()));
    }

    @Test
    void aBatchBelowOneIsRefusedWithTheValueAndWhatItMeans() {
        RepairConfig c = new RepairConfig();
        c.setBatch(0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, c::request);
        assertTrue(e.getMessage().contains("batch must be at least 1 host, not 0"), e.getMessage());
        assertEquals(FormRules.Verdict.OK, FormRules.batch(""));
        assertEquals(FormRules.Verdict.OK, FormRules.batch(" 2 "));
        assertEquals(FormRules.Verdict.Kind.ERROR, FormRules.batch("0").kind());
        assertEquals(FormRules.Verdict.Kind.ERROR, FormRules.batch("two").kind());
    }

    @Test
    void aRepairIsRecordedWithEveryHostsResultAndDoesNotCountAsPuttingASlotLive() throws Exception {
        FleetResult fleet = new FleetResult("repair", List.of(
                new HostResult(OutcomeTest.WEB1, HostResult.Status.UNCHANGED, Duration.ofMillis(300), "in sync", null),
                new HostResult(OutcomeTest.WEB2, HostResult.Status.OK, Duration.ofMillis(9000), "repaired", null)));
        Outcome ok = Outcome.repaired(new RepairResult("web", "a", "2.0.0",
                List.of(new RepairResult.Drifted(OutcomeTest.WEB2, List.of("slot a is stopped"))), fleet));
        assertTrue(ok.ok());
        assertNull(ok.failure());
        assertEquals("essay repair of live slot a (2.0.0)", ok.subject().summary());
        assertEquals("live a", ok.subject().slots());
        assertFalse(ok.subject().putsLive(), "a repair restores the live slot; it does not put one live");
        assertEquals("ok", ((Map<?, ?>) ok.hostMap().get(OutcomeTest.WEB2.toString())).get("result"));
        assertEquals("unchanged", ((Map<?, ?>) ok.hostMap().get(OutcomeTest.WEB1.toString())).get("result"));
        assertEquals(ok, OutcomeTest.roundTrip(ok));

        FleetResult broken = new FleetResult("repair", List.of(
                new HostResult(OutcomeTest.WEB1, HostResult.Status.FAILED, Duration.ofMillis(300), null,
                        OutcomeTest.WEB1 + ": wait-healthy failed"),
                new HostResult(OutcomeTest.WEB2, HostResult.Status.SKIPPED, Duration.ZERO, "not attempted", null)));
        Outcome failed = Outcome.repaired(new RepairResult("web", "a", "2.0.0", List.of(), broken));
        assertEquals(Outcome.FAILED, failed.result());
        assertTrue(failed.failureText().startsWith("repair of slot a (2.0.0) failed on 1 of 2 host(s): "
                + OutcomeTest.WEB1 + " (wait-healthy failed); not attempted: " + OutcomeTest.WEB2), failed.failureText());
        assertTrue(failed.failureText().contains("hint: fix those hosts"), failed.failureText());
    }
}
