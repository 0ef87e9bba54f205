package dev.essay.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one rule per name (docs/essay-yaml.md, "Names"). */
class NamesTest {
    private static final String SIXTEEN = "abcdefghijklmnop";
    private static final String SIXTY_FOUR = "a".repeat(64);

    private static final Map<Names, List<String>> TAKEN = Map.of(
            Names.SLOT, List.of("a", "b", "blue", "a1", SIXTEEN),
            Names.ROLE, List.of("web", "Web", "worker_2", "eu-west", "1st", SIXTY_FOUR),
            Names.PROFILE, List.of("prod", "test", "eu.1", "v1.2-rc_3", "9", SIXTY_FOUR));

    /**
     * A role has no dot (the Jenkins form check once allowed one; essay.yaml never did); a profile is at most 64
     * characters (the engine always said so; the loader once did not).
     */
    private static final Map<Names, List<String>> REFUSED = Map.of(
            Names.SLOT, List.of("", "A", "1a", "blue-1", "a.b", "a_b", SIXTEEN + "q", "a b", "$(id)", "-a"),
            Names.ROLE, List.of("", "web.eu", "-web", "_web", "web site", "web/1", SIXTY_FOUR + "a", "w;id"),
            Names.PROFILE, List.of("", ".hidden", "-x", "a b", "a/b", "a=b", "$HOME", SIXTY_FOUR + "a", "x'y"));

    @Test
    void eachRuleTakesItsNamesAndRefusesTheRest() {
        for (Names rule : Names.values()) {
            for (String name : TAKEN.get(rule)) {
                assertThat(rule.matches(name)).as(rule + " takes '" + name + "'").isTrue();
            }
            for (String name : REFUSED.get(rule)) {
                assertThat(rule.matches(name)).as(rule + " refuses '" + name + "'").isFalse();
            }
            assertThat(rule.matches(null)).as(rule + " refuses null").isFalse();
        }
    }

    @Test
    void theProblemNamesTheValueTheKindAndTheRule() {
        assertThat(Names.SLOT.problem("Blue-1")).isEqualTo("'Blue-1' is not a slot name; use 1 to 16 lower-case letters"
                + " or digits, starting with a letter (a, b, blue)");
        assertThat(Names.ROLE.problem("web.eu")).startsWith("'web.eu' is not a role name; use ");
        assertThat(Names.PROFILE.problem("a b")).startsWith("'a b' is not a profile name; use ");
    }

    /** Every name passes to the shell and to file names unquoted: no character a POSIX shell would interpret. */
    @Test
    void everyAllowedCharacterIsShellSafe() {
        for (Names rule : Names.values()) {
            for (char c = 32; c < 127; c++) {
                String name = "a" + c;
                if (rule.matches(name)) {
                    assertThat(Character.isLetterOrDigit(c) || "_.-".indexOf(c) >= 0).as(rule + " allows '" + c + "'")
                            .isTrue();
                }
            }
        }
    }
}
