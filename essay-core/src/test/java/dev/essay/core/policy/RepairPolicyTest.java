package dev.essay.core.policy;

import static dev.essay.core.policy.SlotPolicyTest.disagreeing;
import static dev.essay.core.policy.SlotPolicyTest.none;
import static dev.essay.core.policy.SlotPolicyTest.proven;
import static dev.essay.core.policy.SlotPolicyTest.refusal;
import static dev.essay.core.policy.SlotPolicyTest.unproven;
import static org.assertj.core.api.Assertions.assertThat;

import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.ledger.LedgerEntry;
import dev.essay.core.policy.RepairPolicy.Drift;
import dev.essay.core.policy.RepairPolicy.Kind;
import dev.essay.core.policy.RepairPolicy.SlotState;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Every rule of {@link RepairPolicy} and every refusal, from observed state alone: no fleet, no root. */
class RepairPolicyTest {
    private final RepairPolicy policy = new RepairPolicy(List.of("a", "b"));

    static LedgerEntry switchTo(String slot, String version, String profile) {
        return new LedgerEntry("2026-12-07T10:00:00Z", "ci", "build 7", "switch", version, "web", "a", slot, "ok",
                List.of(), null, profile);
    }

    /** A slot in sync with 2.0.0: installed, finished, running, both processes healthy, answering as 2.0.0. */
    static SlotState inSync() {
        return new SlotState(true, "2.0.0", null, true, 2, List.of(), "2.0.0");
    }

    private static List<Kind> kinds(List<Drift> drift) {
        return drift.stream().map(Drift::kind).toList();
    }

    @Nested
    class Target {
        @Test
        void isTheLiveSlotAtTheVersionAndProfileOfTheLedgersLastSwitch() {
            RepairPolicy.Target t = policy.target(proven("b"), List.of(), switchTo("b", "2.0.0", "staging"), "prod", false);
            assertThat(t).isEqualTo(new RepairPolicy.Target("b", "2.0.0", "staging", null));
        }

        @Test
        void aSwitchThatNamesNoProfileRepairsWithTheProjectsProfile() {
            assertThat(policy.target(proven("b"), List.of(), switchTo("b", "2.0.0", null), "prod", false).profile())
                    .isEqualTo("prod");
        }

        @Test
        void aLiveSlotNotProvenThroughNginxIsStillRepaired() {
            assertThat(policy.target(unproven("a", "r1: no answer"), List.of(), switchTo("a", "1.0.0", null), "prod",
                    false).slot()).isEqualTo("a");
        }

        @Test
        void isRefusedWhileASwitchIsInProgress() {
            EssayException e = refusal(() -> policy.target(proven("b"), List.of("essay-router@127.0.1.100:2200"),
                    switchTo("b", "2.0.0", null), "prod", false), ExitCode.REFUSED);
            assertThat(e.getMessage()).contains("a switch is in progress on essay-router@127.0.1.100:2200");
            assertThat(e.suggestion()).contains("essay unlock");
        }

        @Test
        void isRefusedWhenTheRoutersDisagreeAboutTheLiveSlot() {
            EssayException e = refusal(() -> policy.target(disagreeing("a", "r1: nginx serves slot a, but the include"
                    + " names slot b"), List.of(), switchTo("a", "1.0.0", null), "prod", false), ExitCode.REFUSED);
            assertThat(e.getMessage()).contains("which slot is live is not clear: r1: nginx serves slot a");
            assertThat(e.suggestion()).isEqualTo(LivePolicy.RESOLVE);
        }

        @Test
        void isRefusedWhenNoSlotIsLive() {
            EssayException e = refusal(() -> policy.target(none(), List.of(), null, "prod", false), ExitCode.REFUSED);
            assertThat(e.getMessage()).contains("no slot is live");
        }

        @Test
        void isRefusedWhenTheLedgerRecordsNoSwitch() {
            EssayException e = refusal(() -> policy.target(proven("a"), List.of(), null, "prod", false),
                    ExitCode.REFUSED);
            assertThat(e.getMessage()).contains("the ledger records no successful switch")
                    .contains("live version of slot a is not known");
        }

        @Test
        void isRefusedWhenTheLedgersSwitchHasNoVersion() {
            refusal(() -> policy.target(proven("a"), List.of(), switchTo("a", null, null), "prod", false),
                    ExitCode.REFUSED);
        }

        @Test
        void isRefusedWhenTheLedgersLastSwitchPutAnotherSlotLive() {
            EssayException e = refusal(() -> policy.target(proven("a"), List.of(), switchTo("b", "2.0.0", null), "prod",
                    false), ExitCode.REFUSED);
            assertThat(e.getMessage()).contains("put slot b live, but the routers show slot a");
        }

        @Test
        void aDryRunReadsNothingAndShowsTheFirstSlotAtAPlaceholderVersion() {
            RepairPolicy.Target t = policy.target(none(), List.of(), null, "prod", true);
            assertThat(t.slot()).isEqualTo("a");
            assertThat(t.version()).isEqualTo(RepairPolicy.UNREAD_VERSION);
            assertThat(t.note()).contains("dry run").contains("slot a");
        }
    }

    @Nested
    class DriftRules {
        @Test
        void aSlotInSyncHasNoDrift() {
            assertThat(policy.drift("a", inSync(), "2.0.0", false)).isEmpty();
        }

        @Test
        void versionsAreComparedByPep440Equality() {
            assertThat(policy.drift("a", new SlotState(true, "2.0", null, true, 2, List.of(), "2.0.0.0"), "2.0.0", false))
                    .isEmpty();
        }

        @Test
        void aSlotWithoutAVersionHeaderIsJudgedByItsStamp() {
            assertThat(policy.drift("a", new SlotState(true, "2.0.0", null, true, 2, List.of(), null), "2.0.0", false))
                    .isEmpty();
        }

        @Test
        void aMissingSlotIsOnlyMissing() {
            List<Drift> d = policy.drift("a", new SlotState(false, null, null, false, 0, List.of(), null), "2.0.0", false);
            assertThat(kinds(d)).containsExactly(Kind.MISSING);
            assertThat(d.get(0).why()).isEqualTo("slot a is missing (no virtualenv)");
        }

        @Test
        void aStoppedSlotIsStoppedNotAlsoUnhealthy() {
            List<Drift> d = policy.drift("a", new SlotState(true, "2.0.0", null, false, 2,
                    List.of("http://h:8100/health: connection refused"), null), "2.0.0", false);
            assertThat(kinds(d)).containsExactly(Kind.STOPPED);
        }

        @Test
        void aRunningSlotWhoseProcessFailsTheHealthCheckIsUnhealthy() {
            List<Drift> d = policy.drift("a", new SlotState(true, "2.0.0", null, true, 2,
                    List.of("http://h:8101/health: status 500, expected 200"), "2.0.0"), "2.0.0", false);
            assertThat(kinds(d)).containsExactly(Kind.UNHEALTHY);
            assertThat(d.get(0).why()).contains("http://h:8101/health: status 500");
        }

        @Test
        void aRunningSlotThatNoProcessAnswersForIsUnhealthy() {
            assertThat(kinds(policy.drift("a", new SlotState(true, "2.0.0", null, true, 0, List.of(), null), "2.0.0",
                    false))).containsExactly(Kind.UNHEALTHY);
        }

        @Test
        void anotherInstalledVersionIsVersionDrift() {
            List<Drift> d = policy.drift("a", new SlotState(true, "1.0.0", null, true, 2, List.of(), "1.0.0"), "2.0.0",
                    false);
            assertThat(kinds(d)).containsExactly(Kind.VERSION);
            assertThat(d.get(0).why()).isEqualTo("slot a has 1.0.0 installed; the live version is 2.0.0");
        }

        @Test
        void anotherVersionInstalledByHandIsVersionDrift() {
            List<Drift> d = policy.drift("a", new SlotState(true, "2.0.0", null, true, 2, List.of(), "2.0.0", "1.0.0"),
                    "2.0.0", false);
            assertThat(kinds(d)).containsExactly(Kind.VERSION);
            assertThat(d.get(0).why()).isEqualTo("slot a has 1.0.0 installed (not by essay: its last deploy was 2.0.0);"
                    + " the live version is 2.0.0");
            assertThat(policy.drift("a", new SlotState(true, "2.0.0", null, true, 2, List.of(), "2.0.0", "2.0"), "2.0.0",
                    false)).isEmpty();
        }

        @Test
        void answeringAsAnotherVersionIsVersionDrift() {
            List<Drift> d = policy.drift("a", new SlotState(true, "2.0.0", null, true, 2, List.of(), "1.0.0"), "2.0.0",
                    false);
            assertThat(kinds(d)).containsExactly(Kind.VERSION);
            assertThat(d.get(0).why()).contains("answers as 1.0.0");
        }

        @Test
        void aSlotWithNoFinishedDeployIsVersionDrift() {
            assertThat(kinds(policy.drift("a", new SlotState(true, null, null, true, 2, List.of(), null), "2.0.0", false)))
                    .containsExactly(Kind.VERSION);
        }

        @Test
        void anUnfinishedDeployIsDriftEvenWhenTheSlotStillAnswers() {
            List<Drift> d = policy.drift("a", new SlotState(true, "2.0.0", "3.0.0", true, 2, List.of(), "2.0.0"), "2.0.0",
                    false);
            assertThat(kinds(d)).containsExactly(Kind.UNFINISHED);
            assertThat(d.get(0).why()).contains("a deploy of 3.0.0 into slot a did not finish");
        }

        @Test
        void reasonsAddUp() {
            assertThat(kinds(policy.drift("a", new SlotState(true, "1.0.0", null, false, 2, List.of(), null), "2.0.0",
                    false))).containsExactly(Kind.STOPPED, Kind.VERSION);
        }

        @Test
        void aDryRunTreatsEverySlotAsUnread() {
            assertThat(kinds(policy.drift("a", inSync(), "2.0.0", true))).containsExactly(Kind.UNREAD);
        }
    }

    @Nested
    class Batches {
        @Test
        void splitTheDriftedHostsInOrder() {
            assertThat(RepairPolicy.batches(List.of("h1", "h2", "h3"), 2)).containsExactly(List.of("h1", "h2"),
                    List.of("h3"));
            assertThat(RepairPolicy.batches(List.of("h1", "h2"), 1)).containsExactly(List.of("h1"), List.of("h2"));
            assertThat(RepairPolicy.batches(List.of("h1"), 5)).containsExactly(List.of("h1"));
        }

        @Test
        void noDriftIsNoBatch() {
            assertThat(RepairPolicy.batches(List.of(), 1)).isEmpty();
        }

        @Test
        void aBatchBelowOneIsAUsageError() {
            EssayException e = refusal(() -> RepairPolicy.batches(List.of("h1"), 0), ExitCode.USAGE);
            assertThat(e.getMessage()).isEqualTo("--batch must be at least 1, not 0");
        }
    }
}
