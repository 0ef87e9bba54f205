package dev.essay.core.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.essay.core.TestProjects;
import dev.essay.core.model.Project;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpstreamTest {
    @TempDir
    Path dir;

    @Test
    void listsEveryProcessPortOfTheSlotOnEveryHostAndRecordsThePrevious() throws Exception {
        Project p = TestProjects.sample(dir, "/srv/router");
        Upstream.State live = new Upstream.State("a", "1.0.0", null, null, "t0");
        String text = Upstream.render(p, p.hosts("web"), "b", "2.0.0", live, Instant.parse("2026-11-28T03:00:00Z"));
        assertThat(text).isEqualTo("""
                # essay: slot=b version=2.0.0 previous=a previous_version=1.0.0 time=2026-11-28T03:00:00Z
                # Written by essay on every switch of essay-sample; edits are overwritten.
                upstream essay_sample {
                    server 127.0.1.1:8110;
                    server 127.0.1.1:8111;
                    server 127.0.1.2:8110;
                    server 127.0.1.2:8111;
                }
                """);
        Upstream.State parsed = Upstream.parse(text.lines().findFirst().orElseThrow());
        assertThat(parsed).isEqualTo(new Upstream.State("b", "2.0.0", "a", "1.0.0", "2026-11-28T03:00:00Z"));
    }

    @Test
    void aFileEssayDidNotWriteMeansNoLiveSlot() {
        assertThat(Upstream.parse("upstream essay_sample {")).isEqualTo(Upstream.State.NONE);
        assertThat(Upstream.parse(null)).isEqualTo(Upstream.State.NONE);
        assertThat(Upstream.parse("")).isEqualTo(Upstream.State.NONE);
    }
}
