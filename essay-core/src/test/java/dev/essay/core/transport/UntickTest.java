package dev.essay.core.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The watchdog's ticks share stdout with the step's commands; reading must give back exactly what they printed. */
class UntickTest {
    static List<String> read(String... raw) {
        RemoteScript.Untick untick = new RemoteScript.Untick();
        List<String> out = new ArrayList<>();
        for (String r : raw) {
            String line = untick.line(r);
            if (line != null) {
                out.add(line);
            }
        }
        if (untick.rest() != null) {
            out.add(untick.rest());
        }
        return out;
    }

    @Test
    void ticksOnLinesOfTheirOwnAreDropped() {
        assertThat(read("a", RemoteScript.TICK, "b", RemoteScript.TICK)).containsExactly("a", "b");
    }

    /** A ledger line cut by a tick was lost from essay history (it no longer parsed as JSON). */
    @Test
    void aTickWrittenInTheMiddleOfALineIsTakenOutAndTheLineIsWholeAgain() {
        assertThat(read("{\"action\":\"deploy\",\"ver" + RemoteScript.TICK, "sion\":\"1.0\"}", "next"))
                .containsExactly("{\"action\":\"deploy\",\"version\":\"1.0\"}", "next");
        assertThat(read("a" + RemoteScript.TICK, RemoteScript.TICK, "b")).containsExactly("ab");
    }

    @Test
    void aLineCutByATickAtTheVeryEndIsKept() {
        assertThat(read("tail without newline" + RemoteScript.TICK)).containsExactly("tail without newline");
    }
}
