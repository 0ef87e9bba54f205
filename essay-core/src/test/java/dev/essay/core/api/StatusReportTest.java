package dev.essay.core.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.essay.core.model.HostAddress;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The status document: one shape for {@code essay status --json} and the Jenkins step {@code essayStatus}. */
class StatusReportTest {
    private static final HostAddress ROUTER = new HostAddress("router", "127.0.2.100", 22);
    private static final HostAddress WEB1 = new HostAddress("deploy", "127.0.2.11", 22);
    private static final HostAddress WEB2 = new HostAddress("deploy", "127.0.2.12", 22);

    private static StatusReport report() {
        StatusReport.SlotStatus healthyA = new StatusReport.SlotStatus("a", "6.12.7.1", true,
                List.of("essay-sample_0 RUNNING"), true, List.of());
        StatusReport.SlotStatus stoppedA = new StatusReport.SlotStatus("a", "6.12.7.1", false, List.of(), false,
                List.of("not running"));
        return new StatusReport(List.of(new StatusReport.RouterStatus(ROUTER, "a", "6.12.7.1", "b", "2026-12-07T10:00:00Z", null)),
                List.of(new StatusReport.HostStatus(WEB1, List.of(healthyA), null),
                        new StatusReport.HostStatus(WEB2, List.of(stoppedA), null)));
    }

    @Test
    void theDocumentNamesTheLiveSlotEveryHostsSlotsAndWhyTheFleetIsDegraded() {
        Map<String, Object> doc = report().toMap();
        assertThat(doc).containsKeys("live", "degraded", "degraded_reasons", "routers", "hosts");
        assertThat(map(doc.get("live"))).containsEntry("slot", "a");
        assertThat(doc).containsEntry("degraded", true);
        assertThat(list(doc.get("degraded_reasons"))).containsExactly(WEB2 + ": the live slot a is not healthy");
        List<Object> hosts = list(doc.get("hosts"));
        assertThat(hosts).hasSize(2);
        Map<String, Object> web1 = map(hosts.get(0));
        assertThat(web1).containsEntry("host", WEB1.toString());
        Map<String, Object> slotA = map(list(web1.get("slots")).get(0));
        assertThat(slotA).containsEntry("slot", "a").containsEntry("version", "6.12.7.1").containsEntry("healthy", true);
        Map<String, Object> router = map(list(doc.get("routers")).get(0));
        assertThat(router).containsEntry("live_slot", "a").containsEntry("previous_slot", "b");
    }

    @Test
    void theDocumentSurvivesJavaSerializationAsAPipelineStepsReturnValueMust() throws Exception {
        Map<String, Object> doc = report().toMap();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(doc);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertThat(in.readObject()).isEqualTo(doc);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        return (List<Object>) value;
    }
}
