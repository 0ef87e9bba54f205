package dev.essay.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProcessPolicyTest {
    static final LivePolicy.Live A_LIVE = new LivePolicy.Live("a", true, Set.of("a"), Set.of("a"), List.of(), List.of());
    static final LivePolicy.Live NONE = new LivePolicy.Live(null, false, Set.of(), Set.of(), List.of(), List.of());

    @Test
    void theSlotDefaultsToTheLiveOneAndWithoutOneMustBeNamed() {
        assertThat(ProcessPolicy.slotOrLive(null, A_LIVE)).isEqualTo("a");
        assertThat(ProcessPolicy.slotOrLive("b", A_LIVE)).isEqualTo("b");
        assertThatThrownBy(() -> ProcessPolicy.slotOrLive(null, NONE)).isInstanceOfSatisfying(EssayException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(ExitCode.REFUSED);
            assertThat(e.suggestion()).isEqualTo("name the slot with --slot");
        });
    }

    @Test
    void aRestartOfTheLiveSlotNeverTakesEveryHostOfTheRoleAtOnce() {
        List<String> three = List.of("h1", "h2", "h3");
        assertThat(ProcessPolicy.restartBatches("a", true, "web", 3, three, 2, false))
                .containsExactly(List.of("h1", "h2"), List.of("h3"));
        assertThatThrownBy(() -> ProcessPolicy.restartBatches("a", true, "web", 3, three, 3, false))
                .isInstanceOfSatisfying(EssayException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.REFUSED);
                    assertThat(e.getMessage()).isEqualTo("refused: restarting 3 host(s) at once would stop every process"
                            + " of the live slot a (role web has 3 host(s))");
                    assertThat(e.suggestion()).isEqualTo("use --batch 2 or less");
                });
        // two of three hosts selected: one batch of both leaves the third serving
        assertThat(ProcessPolicy.restartBatches("a", true, "web", 3, List.of("h1", "h2"), 5, false)).hasSize(1);
        // a slot that is not live, or --force, may restart at once
        assertThat(ProcessPolicy.restartBatches("b", false, "web", 3, three, 3, false)).hasSize(1);
        assertThat(ProcessPolicy.restartBatches("a", true, "web", 3, three, 3, true)).hasSize(1);
        assertThatThrownBy(() -> ProcessPolicy.restartBatches("a", true, "web", 1, List.of("h1"), 1, false))
                .hasMessageContaining("(role web has 1 host(s))")
                .isInstanceOfSatisfying(EssayException.class, e -> assertThat(e.suggestion()).contains("--force"));
        assertThatThrownBy(() -> ProcessPolicy.restartBatches("b", false, "web", 3, three, 0, false))
                .isInstanceOfSatisfying(EssayException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
                .hasMessage("--batch must be at least 1, not 0");
    }

    @Test
    void stopAndStartAreRefusedOnTheLiveSlotUnlessForced() {
        assertThat(ProcessPolicy.stopOrStart("stop", "b", A_LIVE, false)).isNull();
        assertThatThrownBy(() -> ProcessPolicy.stopOrStart("stop", "a", A_LIVE, false))
                .isInstanceOfSatisfying(EssayException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.REFUSED);
                    assertThat(e.suggestion()).contains("essay restart").contains("--force");
                });
        LivePolicy.Live servedOnly = new LivePolicy.Live("a", true, Set.of("a", "b"), Set.of("a", "b"), List.of(),
                List.of());
        assertThatThrownBy(() -> ProcessPolicy.stopOrStart("start", "b", servedOnly, false))
                .as("a slot nginx still serves counts as live").hasMessageContaining("slot b is live");
        assertThat(ProcessPolicy.stopOrStart("stop", "a", A_LIVE, true)).isEqualTo("--force: slot a is live; stop goes on");
    }
}
