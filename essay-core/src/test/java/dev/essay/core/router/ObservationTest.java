package dev.essay.core.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.essay.core.TestProjects;
import dev.essay.core.model.Project;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObservationTest {
    @TempDir
    Path dir;

    @Test
    void answersAreAttributedToTheSlotsOfEssayYamlOnly() throws Exception {
        Project p = TestProjects.sample(dir, dir.toString());
        Observation o = Observation.parse(p, String.join("\n",
                "answer status=200 slot=b version=2.0.0 upstream=-",
                "answer status=200 slot=gate version=- upstream=-",
                "answer error=Connection_refused slot=- version=- upstream=-",
                "not an answer"));
        assertThat(o.answers()).hasSize(3);
        assertThat(o.slots()).containsExactly("b");
        assertThat(o.versions("b")).containsExactly("2.0.0");
        assertThat(o.problem()).isNull();
    }

    @Test
    void whenNoAnswerNamesASlotTheProblemSaysWhy() throws Exception {
        Project p = TestProjects.sample(dir, dir.toString());
        assertThat(Observation.parse(p, "answer error=Connection_refused slot=- version=- upstream=-").problem())
                .contains("Connection_refused");
        assertThat(Observation.parse(p, "answer status=200 slot=other version=- upstream=-").problem())
                .contains("answers named no slot");
    }
}
