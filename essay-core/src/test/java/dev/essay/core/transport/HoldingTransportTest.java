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

    /** A retry after the interrupt (a new session to the same host) must not be held again, or it would wait forever. */
    @Test
    void onlyTheFirstScriptOfTheStepSentToAHostIsHeld() {
        List<String> sent = new java.util.ArrayList<>();
        Transport recording = new Transport() {
            @Override
            public Session open(dev.essay.core.model.HostAddress host) {
                return new Session() {
                    @Override
                    public dev.essay.core.model.HostAddress host() {
                        return host;
                    }

                    @Override
                    public ExecResult run(RemoteScript script, LineSink lines) {
                        sent.add(host + " " + script.text().contains("essay-test-hold"));
                        return new ExecResult(0, "", "");
                    }

                    @Override
                    public int roundTrips() {
                        return 0;
                    }

                    @Override
                    public void close() {
                    }
                };
            }

            @Override
            public void close() {
            }
        };
        HoldingTransport holding = new HoldingTransport(recording, "stage", "test-nginx", "/tmp/hold");
        var h1 = dev.essay.core.model.HostAddress.parse("u@10.0.0.1");
        var h2 = dev.essay.core.model.HostAddress.parse("u@10.0.0.2");
        holding.open(h1).run(STEP.toScript(), line -> { });
        holding.open(h2).run(STEP.toScript(), line -> { });
        holding.open(h1).run(STEP.toScript(), line -> { });
        assertThat(sent).containsExactly("u@10.0.0.1:22 true", "u@10.0.0.2:22 true", "u@10.0.0.1:22 false");
    }
}
