package dev.essay.core.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.essay.core.plan.StepReport.Marker;
import dev.essay.core.transport.ExecResult;
import org.junit.jupiter.api.Test;

class StepReportTest {
    @Test
    void markersAreParsedOnce() {
        assertThat(Marker.parse("##essay begin pip-install")).isEqualTo(new Marker(Marker.Kind.BEGIN, "pip-install", null));
        assertThat(Marker.parse("##essay end pip-install")).isEqualTo(new Marker(Marker.Kind.END, "pip-install", null));
        assertThat(Marker.parse("##essay fail pip-install 3")).isEqualTo(new Marker(Marker.Kind.FAIL, "pip-install", "3"));
        assertThat(Marker.parse("##essay tick")).isEqualTo(new Marker(Marker.Kind.OTHER, null, null));
        assertThat(Marker.parse("Collecting essay-sample==2.0.0")).isNull();
    }

    @Test
    void theReportSplitsOutputByOperationAndNamesTheFailedOne() {
        StepReport r = new StepReport(new ExecResult(2, "##essay begin read-slot\nstamp.version=1.0.0\n##essay end read-slot\n"
                + "##essay begin pip-install\nERROR: no\n##essay fail pip-install 2\n", ""));
        assertThat(r.values("read-slot")).containsEntry("stamp.version", "1.0.0");
        assertThat(r.output("pip-install")).isEqualTo("ERROR: no\n");
        assertThat(r.failedOperation()).contains("pip-install");
        assertThat(r.ok()).isFalse();
    }

    @Test
    void aStepCutShortFailsInTheOperationItWasIn() {
        StepReport r = new StepReport(new ExecResult(255, "##essay begin ensure-venv\npartial\n", ""));
        assertThat(r.failedOperation()).contains("ensure-venv");
    }
}
