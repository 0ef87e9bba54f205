package dev.essay.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.model.Names;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Every rule of {@link SlotPolicy} and every refusal, from observed state alone: no fleet, no root. */
class SlotPolicyTest {
    private final SlotPolicy two = new SlotPolicy(List.of("a", "b"), 100);
    private final SlotPolicy three = new SlotPolicy(List.of("a", "b", "c"), 100);

    /** nginx proves {@code slot} live on every router. */
    static LivePolicy.Live proven(String slot) {
        return new LivePolicy.Live(slot, true, Set.of(slot), Set.of(slot), List.of(), List.of());
    }

    /** No slot is live. */
    static LivePolicy.Live none() {
        return new LivePolicy.Live(null, false, Set.of(), Set.of(), List.of(), List.of());
    }

    /** The include names {@code slot}, but nginx could not be asked. */
    static LivePolicy.Live unproven(String slot, String why) {
        return new LivePolicy.Live(slot, false, Set.of(slot), Set.of(), List.of(), List.of(why));
    }

    static LivePolicy.Live disagreeing(String slot, String... why) {
        return new LivePolicy.Live(slot, false, Set.of("a", "b"), slot == null ? Set.of() : Set.of(slot), Arrays.asList(why),
                List.of());
    }

    static EssayException refusal(ThrowingCallable call, ExitCode code) {
        EssayException[] caught = new EssayException[1];
        assertThatThrownBy(call).isInstanceOfSatisfying(EssayException.class, e -> caught[0] = e);
        assertThat(caught[0].exitCode()).isEqualTo(code);
        return caught[0];
    }

    @Nested
    class Input {
        @Test
        void aCanonicalVersionIsTaken() {
            assertThat(SlotPolicy.version("1.2.0")).isEqualTo("1.2.0");
        }

        @Test
        void latestIsTheNewestVersionOnTheIndexByPep440() {
            assertThat(SlotPolicy.isLatest("latest")).isTrue();
            assertThat(SlotPolicy.isLatest(" Latest ")).isTrue();
            assertThat(SlotPolicy.isLatest("1.2.0")).isFalse();
            assertThat(SlotPolicy.isLatest(null)).isFalse();
            assertThat(SlotPolicy.latest(List.of("6.12.8.9", "6.12.8.10", "6.12.7.11", "1.0rc1"), "shop",
                    "http://pypi/simple/")).isEqualTo("6.12.8.10");
        }

        @Test
        void latestWithNothingOnTheIndexNamesTheProjectAndIndex() {
            EssayException e = refusal(() -> SlotPolicy.latest(List.of(), "shop", "http://pypi/simple/"), ExitCode.USAGE);
            assertThat(e.getMessage()).isEqualTo("deploy latest: there is no version of shop on the index http://pypi/simple/");
            assertThat(e.suggestion()).contains("essay package");
        }

        @Test
        void aVersionSpelledOtherwiseIsAUsageErrorWithTheCanonicalSpelling() {
            EssayException e = refusal(() -> SlotPolicy.version("1.2.0-rc1"), ExitCode.USAGE);
            assertThat(e.suggestion()).contains("1.2.0rc1");
        }

        @Test
        void aProfileWithSafeCharactersIsTaken() {
            assertThat(SlotPolicy.profile("prod.eu_1-x")).isEqualTo("prod.eu_1-x");
        }

        @Test
        void aProfileWithOtherCharactersIsAUsageError() {
            EssayException e = refusal(() -> SlotPolicy.profile("prod;rm"), ExitCode.USAGE);
            assertThat(e.getMessage()).isEqualTo(Names.PROFILE.problem("prod;rm"));
        }
    }

    @Nested
    class Live {
        @Test
        void agreedAndProvenEvidenceSaysNothing() {
            assertThat(two.checkLive(proven("a"), false, false)).isEmpty();
        }

        @Test
        void disagreementIsRefusedWithEveryReasonAndHowToResolveIt() {
            EssayException e = refusal(() -> two.checkLive(disagreeing("a", "r1: one", "r2: two"), false, false),
                    ExitCode.REFUSED);
            assertThat(e.getMessage()).isEqualTo("refused: which slot is live is not clear: r1: one");
            assertThat(e.detail()).isEqualTo("r1: one\nr2: two");
            assertThat(e.suggestion()).isEqualTo(LivePolicy.RESOLVE);
        }

        @Test
        void forcedDisagreementIsAWarningNamingTheSlotTakenAsLive() {
            assertThat(two.checkLive(disagreeing("b", "r1: one", "r2: two"), true, false))
                    .containsExactly("--force: r1: one; r2: two; going on with slot b as live");
            assertThat(two.checkLive(disagreeing(null, "r1: one"), true, false))
                    .containsExactly("--force: r1: one; going on with slot none as live");
        }

        @Test
        void aDryRunShowsWhatItWouldDoDespiteADisagreement() {
            assertThat(two.checkLive(disagreeing("a", "r1: one"), false, true)).isEmpty();
        }

        @Test
        void aSlotNotProvenThroughNginxIsAWarning() {
            assertThat(two.checkLive(unproven("a", "r1: connection refused"), false, false))
                    .containsExactly("could not prove the live slot through nginx: r1: connection refused");
        }
    }

    @Nested
    class Deploy {
        @Test
        void aSlotThatServesNothingTakesADeploy() {
            SlotPolicy.Decision d = two.deployInto(proven("a"), "b", false);
            assertThat(d.slot()).isEqualTo("b");
            assertThat(d.note()).isEmpty();
        }

        @Test
        void theProvenLiveSlotIsRefusedNamingTheOtherSlot() {
            EssayException e = refusal(() -> two.deployInto(proven("a"), "a", false), ExitCode.REFUSED);
            assertThat(e.getMessage()).isEqualTo("slot a serves traffic (nginx serves it); deploying into it would touch"
                    + " live traffic");
            assertThat(e.suggestion()).isEqualTo("deploy into a slot that is not live (--slot b), or pass --force if you"
                    + " really mean it");
        }

        @Test
        void aSlotOnlyTheIncludeNamesIsRefusedToo() {
            EssayException e = refusal(() -> two.deployInto(unproven("a", "r1: down"), "a", false), ExitCode.REFUSED);
            assertThat(e.getMessage()).contains("(nginx serves it or the include names it)");
        }

        @Test
        void withMoreThanTwoSlotsTheRefusalNamesNoOtherSlot() {
            EssayException e = refusal(() -> three.deployInto(proven("a"), "a", false), ExitCode.REFUSED);
            assertThat(e.suggestion()).isEqualTo("deploy into a slot that is not live, or pass --force if you really"
                    + " mean it");
        }

        @Test
        void forcedIntoTheLiveSlotIsAWarning() {
            assertThat(two.deployInto(proven("a"), "a", true).note())
                    .contains("--force: deploying into slot a, which serves traffic");
        }
    }

    @Nested
    class Release {
        @Test
        void withNoLiveSlotAReleaseGoesToTheFirstSlot() {
            assertThat(three.releaseSlot(none(), null)).isEqualTo("a");
        }

        @Test
        void withTwoSlotsAReleaseGoesToTheOneNotLive() {
            assertThat(two.releaseSlot(proven("a"), null)).isEqualTo("b");
            assertThat(two.releaseSlot(proven("b"), null)).isEqualTo("a");
        }

        @Test
        void aNamedSlotThatIsNotLiveIsTaken() {
            assertThat(three.releaseSlot(proven("a"), "c")).isEqualTo("c");
        }

        @Test
        void withMoreThanTwoSlotsTheSlotMustBeNamed() {
            EssayException e = refusal(() -> three.releaseSlot(proven("a"), null), ExitCode.USAGE);
            assertThat(e.getMessage()).isEqualTo("with more than two slots, name the slot to release into: essay release"
                    + " --slot SLOT");
        }

        @Test
        void aReleaseIntoALiveSlotIsRefused() {
            EssayException e = refusal(() -> two.releaseSlot(proven("a"), "a"), ExitCode.REFUSED);
            assertThat(e.getMessage()).isEqualTo("slot a is live; a release deploys into a slot that is not live");
            assertThat(e.suggestion()).isEqualTo("leave out --slot, or name a slot that is not live");
        }
    }

    @Nested
    class Switch {
        @Test
        void aNamedSlotIsTheTarget() {
            assertThat(three.switchTarget(false, "c", "a", null, false)).isEqualTo(SlotPolicy.Decision.of("c"));
        }

        @Test
        void withNoLiveSlotTheFirstSlotIsTheTargetAndTheUserIsTold() {
            assertThat(two.switchTarget(false, null, null, null, false))
                    .isEqualTo(SlotPolicy.Decision.of("a", "no slot is live yet; switching to the first slot, a"));
        }

        @Test
        void withTwoSlotsTheOtherSlotIsTheTarget() {
            assertThat(two.switchTarget(false, null, "a", null, false).slot()).isEqualTo("b");
        }

        @Test
        void withMoreThanTwoSlotsTheTargetMustBeNamed() {
            EssayException e = refusal(() -> three.switchTarget(false, null, "a", null, false), ExitCode.USAGE);
            assertThat(e.getMessage()).isEqualTo("with more than two slots, name the target: essay switch --to SLOT");
        }

        @Test
        void switchingToTheLiveSlotIsRefused() {
            EssayException e = refusal(() -> two.switchTarget(false, "a", "a", null, false), ExitCode.REFUSED);
            assertThat(e.getMessage()).isEqualTo("slot a is already live");
            assertThat(e.suggestion()).isNull();
        }

        @Test
        void aRollbackGoesToThePreviousSlot() {
            assertThat(three.switchTarget(true, null, "a", "c", false)).isEqualTo(SlotPolicy.Decision.of("c"));
        }

        @Test
        void aRollbackToANamedSlotIgnoresThePreviousOne() {
            assertThat(three.switchTarget(true, "b", "a", "c", false).slot()).isEqualTo("b");
        }

        @Test
        void aRollbackWithNoPreviousSlotIsRefused() {
            EssayException e = refusal(() -> two.switchTarget(true, null, "a", null, false), ExitCode.REFUSED);
            assertThat(e.getMessage()).isEqualTo("rollback refused: the router records no previous slot");
            assertThat(e.suggestion()).isEqualTo("switch explicitly with essay switch --to SLOT");
        }

        @Test
        void aDryRunRollbackWithNoPreviousSlotShowsTheOtherSlot() {
            assertThat(two.switchTarget(true, null, "a", null, true)).isEqualTo(SlotPolicy.Decision.of("b",
                    "dry run: the router's previous slot is not read; showing a rollback to slot b"));
            assertThat(two.switchTarget(true, null, null, null, true).slot()).isEqualTo("b");
        }

        @Test
        void aRollbackToTheLiveSlotIsRefused() {
            refusal(() -> two.switchTarget(true, null, "a", "a", false), ExitCode.REFUSED);
        }
    }

    @Nested
    class Adopt {
        @Test
        void theOneSlotNginxServesIsAdopted() {
            assertThat(two.adoptTarget(proven("b"), null, false)).isEqualTo("b");
        }

        @Test
        void whenNginxCannotTellTheOneSlotTheIncludeNamesIsAdopted() {
            assertThat(two.adoptTarget(unproven("a", "r1: down"), null, false)).isEqualTo("a");
        }

        @Test
        void aNamedSlotMatchingTheEvidenceIsAdopted() {
            assertThat(two.adoptTarget(proven("b"), "b", false)).isEqualTo("b");
        }

        @Test
        void aNamedSlotIsAdoptedWhenThereIsNoEvidence() {
            assertThat(two.adoptTarget(none(), "a", false)).isEqualTo("a");
        }

        @Test
        void aNamedSlotAgainstWhatNginxServesIsRefused() {
            EssayException e = refusal(() -> two.adoptTarget(proven("b"), "a", false), ExitCode.REFUSED);
            assertThat(e.getMessage()).isEqualTo("adopt refused: nginx serves slot b, not a");
            assertThat(e.suggestion()).isEqualTo("leave out --slot to adopt what nginx serves, or add --force to put slot"
                    + " a live");
        }

        @Test
        void aNamedSlotAgainstWhatTheIncludeNamesIsRefused() {
            EssayException e = refusal(() -> two.adoptTarget(unproven("b", "r1: down"), "a", false), ExitCode.REFUSED);
            assertThat(e.getMessage()).isEqualTo("adopt refused: the include names slot b, not a");
        }

        @Test
        void forcedTheNamedSlotIsAdoptedAgainstTheEvidence() {
            assertThat(two.adoptTarget(proven("b"), "a", true)).isEqualTo("a");
        }

        @Test
        void withNoEvidenceAndNoNamedSlotAdoptIsRefused() {
            EssayException e = refusal(() -> two.adoptTarget(new LivePolicy.Live(null, false, Set.of(), Set.of(),
                    List.of(), List.of("r1: refused")), null, false), ExitCode.REFUSED);
            assertThat(e.getMessage()).isEqualTo("adopt refused: cannot tell which slot nginx serves; r1: refused");
            assertThat(e.suggestion()).isEqualTo("name the slot that serves traffic now: essay adopt --slot SLOT");
        }

        @Test
        void withTwoSlotsServedAndNoNamedSlotAdoptIsRefused() {
            EssayException e = refusal(() -> two.adoptTarget(new LivePolicy.Live("a", false, Set.of("a", "b"),
                    new java.util.LinkedHashSet<>(List.of("a", "b")), List.of("r1: both"), List.of()), null, false),
                    ExitCode.REFUSED);
            assertThat(e.getMessage()).startsWith("adopt refused: cannot tell which slot nginx serves (")
                    .contains("a").contains("b");
        }
    }

    @Nested
    class Health {
        @Test
        void aFinishedDeployIsNoConcern() {
            SlotPolicy.Unfinished u = two.unfinished("h1", "b", null, "2.0.0", false, false);
            assertThat(u.failed()).isFalse();
            assertThat(u.warning()).isNull();
        }

        @Test
        void anUnfinishedDeployFailsTheHostWithHowToFinishIt() {
            SlotPolicy.Unfinished u = two.unfinished("h1", "b", "2.0.0", "1.0.0", false, false);
            assertThat(u.failed()).isTrue();
            assertThat(u.failure()).isEqualTo("h1: the last deploy of slot b (2.0.0) did not finish; it answers as 1.0.0"
                    + " but is not a finished release\nhint: deploy it again (essay deploy 2.0.0 --slot b), or switch"
                    + " with --force");
            assertThat(two.unfinished("h1", "b", "2.0.0", null, false, false).failure())
                    .contains("did not finish; it answers but is not");
        }

        @Test
        void forcedAnUnfinishedDeployIsAWarning() {
            SlotPolicy.Unfinished u = two.unfinished("h1", "b", "2.0.0", "1.0.0", true, false);
            assertThat(u.failed()).isFalse();
            assertThat(u.warning()).isEqualTo("--force: the last deploy of slot b (2.0.0) did not finish");
        }

        @Test
        void aDryRunDoesNotJudgeAnUnfinishedDeploy() {
            assertThat(two.unfinished("h1", "b", "2.0.0", "1.0.0", false, true).failed()).isFalse();
        }

        @Test
        void theQuorumRoundsUp() {
            assertThat(new SlotPolicy(List.of("a", "b"), 50).quorumNeeded(3)).isEqualTo(2);
            assertThat(new SlotPolicy(List.of("a", "b"), 100).quorumNeeded(3)).isEqualTo(3);
            assertThat(new SlotPolicy(List.of("a", "b"), 0).quorumNeeded(3)).isZero();
        }

        @Test
        void aMetQuorumPasses() {
            two.checkQuorum("switch", "b", "a", 2, 2, false, false);
            new SlotPolicy(List.of("a", "b"), 50).checkQuorum("switch", "b", "a", 1, 2, false, false);
        }

        @Test
        void aMissedQuorumIsRefusedAndTheLiveSlotStays() {
            EssayException e = refusal(() -> two.checkQuorum("switch", "b", "a", 1, 2, false, false), ExitCode.REFUSED);
            assertThat(e.getMessage()).isEqualTo("switch refused: slot b is healthy on 1 of 2 host(s), 2 needed; a stays"
                    + " live");
            assertThat(e.suggestion()).isEqualTo("fix or redeploy slot b on the failed hosts (essay deploy VERSION --slot"
                    + " b)");
            assertThat(refusal(() -> two.checkQuorum("rollback", "b", null, 0, 2, false, false), ExitCode.REFUSED)
                    .getMessage()).endsWith("; no slot stays live");
        }

        @Test
        void aMissedQuorumOfUnreachableHostsIsAConnectionError() {
            refusal(() -> two.checkQuorum("switch", "b", "a", 0, 2, true, false), ExitCode.CONNECTION);
        }

        @Test
        void aDryRunDoesNotJudgeTheQuorum() {
            two.checkQuorum("switch", "b", "a", 0, 2, false, true);
        }

        @Test
        void versionsEqualByPep440Agree() {
            assertThat(two.agreedVersion(Arrays.asList("2.0.0", null, "2.0"), "b")).isEqualTo("2.0.0");
        }

        @Test
        void noVersionIsNull() {
            assertThat(two.agreedVersion(Arrays.asList(null, null), "b")).isNull();
        }

        @Test
        void differentVersionsAreRefused() {
            EssayException e = refusal(() -> two.agreedVersion(List.of("2.0.0", "2.0.1"), "b"), ExitCode.REFUSED);
            assertThat(e.getMessage()).isEqualTo("switch refused: hosts run different versions in slot b: 2.0.0, 2.0.1");
            assertThat(e.suggestion()).isEqualTo("deploy one version to every host of the role first");
        }
    }

    @Test
    void theOtherOfTwoSlots() {
        assertThat(two.other("a")).isEqualTo("b");
        assertThat(two.other("b")).isEqualTo("a");
        assertThat(new SlotPolicy(List.of("a"), 100).other("a")).isEqualTo("a");
    }

    @Test
    void aPolicyNeedsASlot() {
        assertThatThrownBy(() -> new SlotPolicy(List.of(), 100)).isInstanceOf(IllegalArgumentException.class);
    }
}
