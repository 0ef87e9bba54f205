package dev.essay.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.essay.core.model.HostAddress;
import dev.essay.core.router.Observation;
import dev.essay.core.router.RouterSessions.RouterState;
import dev.essay.core.router.Upstream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every rule of {@link LivePolicy}, with routers described as data: no fleet, no SSH. */
class LivePolicyTest {
    static final HostAddress R1 = HostAddress.parse("deploy@10.0.0.5");
    static final HostAddress R2 = HostAddress.parse("deploy@10.0.0.6");
    static final String FILE = "/etc/nginx/conf.d/app.upstream.conf";

    /** A router whose include's header names {@code header} (null: essay did not write it), whose servers use
     * {@code servers}' ports, and through whose nginx {@code answers} answered (a slot each; null: an error). */
    static RouterState router(HostAddress host, String header, Set<String> servers, boolean journal, String... answers) {
        List<Observation.Answer> list = new ArrayList<>();
        for (String a : answers) {
            list.add(a == null ? new Observation.Answer(null, null, null, null, "Connection_refused")
                    : new Observation.Answer(200, a, "1.0.0", null, null));
        }
        Upstream.State state = header == null ? Upstream.State.NONE : new Upstream.State(header, "1.0.0", null, null, null);
        return new RouterState(host, state, journal, null, header != null || !servers.isEmpty(), new LinkedHashSet<>(servers),
                new Observation("http://127.0.0.1/health", list), journal ? "switch to=b" : null);
    }

    static LivePolicy.Live decide(RouterState... states) {
        return LivePolicy.decide(List.of(states), FILE);
    }

    @Test
    void nginxAndTheIncludeAgree() {
        LivePolicy.Live live = decide(router(R1, "a", Set.of("a"), false, "a", "a", "a"));
        assertThat(live.slot()).isEqualTo("a");
        assertThat(live.proven()).isTrue();
        assertThat(live.agreed()).isTrue();
        assertThat(live.serving()).containsExactly("a");
    }

    @Test
    void whatNginxServesWinsOverTheIncludeAndTheDisagreementIsNamed() {
        LivePolicy.Live live = decide(router(R1, "b", Set.of("b"), false, "a", "a"));
        assertThat(live.slot()).isEqualTo("a");
        assertThat(live.proven()).isFalse();
        assertThat(live.disagreements()).singleElement().asString()
                .contains("nginx serves slot a, but the include " + FILE + " names slot b")
                .contains("nginx not reloaded");
        assertThat(live.serving()).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void anInterruptedSwitchIsNamedAsTheCauseOfADisagreement() {
        assertThat(decide(router(R1, "b", Set.of("b"), true, "a")).disagreements()).singleElement().asString()
                .contains("a switch to it was interrupted");
    }

    @Test
    void anIncludeEssayDidNotWriteNamesTheSlotWhosePortsItUses() {
        // adopted from the Fabric tool: no essay header, servers on slot a's ports, a service without slot header
        LivePolicy.Live live = decide(router(R1, null, Set.of("a"), false, null, null, null));
        assertThat(live.slot()).isEqualTo("a");
        assertThat(live.proven()).isFalse();
        assertThat(live.agreed()).isTrue();
        assertThat(live.unproven()).singleElement().asString().contains("Connection_refused");
        assertThat(live.serving()).containsExactly("a");
    }

    @Test
    void nginxServingSlotAThroughAnIncludeEssayDidNotWriteIsProven() {
        LivePolicy.Live live = decide(router(R1, null, Set.of("a"), false, "a", "a"));
        assertThat(live.slot()).isEqualTo("a");
        assertThat(live.proven()).isTrue();
    }

    @Test
    void anIncludeWithServersOfTwoSlotsIsADisagreement() {
        LivePolicy.Live live = decide(router(R1, null, new LinkedHashSet<>(List.of("a", "b")), false));
        assertThat(live.disagreements()).singleElement().asString().contains("lists servers of slots a and b");
        assertThat(live.serving()).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void nginxServingTwoSlotsAtOnceIsADisagreement() {
        assertThat(decide(router(R1, "a", Set.of("a"), false, "a", "b")).disagreements()).singleElement().asString()
                .contains("nginx serves slots a and b at once");
    }

    @Test
    void routersThatServeDifferentSlotsDisagree() {
        LivePolicy.Live live = decide(router(R1, "a", Set.of("a"), false, "a"), router(R2, "b", Set.of("b"), false, "b"));
        assertThat(live.disagreements()).singleElement().asString()
                .isEqualTo("routers disagree about the live slot: deploy@10.0.0.5:22 serves a, deploy@10.0.0.6:22 serves b");
        assertThat(live.serving()).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void noIncludeAndNoAnswersMeansNoLiveSlot() {
        LivePolicy.Live live = decide(router(R1, null, Set.of(), false, (String) null));
        assertThat(live.slot()).isNull();
        assertThat(live.proven()).isFalse();
        assertThat(live.agreed()).isTrue();
        assertThat(live.unproven()).isEmpty();
        assertThat(live.serving()).isEmpty();
    }

    @Test
    void whenNginxCannotBeAskedTheIncludeDecidesUnproven() {
        LivePolicy.Live live = decide(router(R1, "b", Set.of("b"), false, (String) null));
        assertThat(live.slot()).isEqualTo("b");
        assertThat(live.proven()).isFalse();
        assertThat(live.agreed()).isTrue();
        assertThat(live.unproven()).hasSize(1);
    }
}
