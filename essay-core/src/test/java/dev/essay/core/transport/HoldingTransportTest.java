package dev.essay.core.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.essay.core.plan.Operation;
import dev.essay.core.plan.Step;
import java.util.List;
import org.junit.jupiter.api.Test;

class HoldingTransportTest {
    private static final Step STEP = new Step("stage", "", List.of(Operation.of("stage-upstream", "echo one"),
            Operation.of("test-nginx", "echo two")));
    private final HoldingTransport held = new HoldingTransport(new PrintingTransport((h, s) -> { }), "stage", "test-nginx",
            "/tmp/hold dir");

    @Test
    void theHoldRunsJustBeforeTheOperationsBeginMarkerAndADryRunNeverShowsIt() {
        RemoteScript script = held.hold(STEP.toScript());
        String text = script.text();
        int hold = text.indexOf("essay-test-hold '/tmp/hold dir'");
        assertThat(hold).isGreaterThan(text.indexOf("# operation: test-nginx"));
        assertThat(hold).isLessThan(text.indexOf("begin %s\\n' test-nginx")).isGreaterThan(text.indexOf("end %s\\n' stage-upstream"));
        assertThat(text).contains("touch \"$1/reached\"; while [ ! -e \"$1/release\" ]");
        assertThat(script.display()).isEqualTo(STEP.toScript().display()).doesNotContain("essay-test-hold");
    }

    @Test
    void otherStepsAndOperationsThatAreNotInTheScriptAreUntouched() {
        Step other = new Step("prove", "", List.of(Operation.of("test-nginx", "echo three")));
        assertThat(held.hold(other.toScript())).isEqualTo(other.toScript());
        Step without = new Step("stage", "", List.of(Operation.of("stage-upstream", "echo one")));
        assertThat(held.hold(without.toScript())).isEqualTo(without.toScript());
    }

    @Test
    void withoutTheVariableTheTransportIsReturnedAsItIs() {
        PrintingTransport printing = new PrintingTransport((h, s) -> { });
        assertThat(HoldingTransport.fromEnvironment(printing)).isSameAs(printing);
    }
}
