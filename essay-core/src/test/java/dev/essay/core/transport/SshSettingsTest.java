package dev.essay.core.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.essay.core.model.Secret;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SshSettingsTest {
    private static SshSettings withConnectTimeout(Duration timeout) {
        return new SshSettings("key", Secret.of("not a key"), null, "", null, false, timeout);
    }

    @Test
    void aShortConnectTimeoutStillGivesBusyHostsAMinuteToStartACommand() {
        assertThat(withConnectTimeout(Duration.ofSeconds(5)).channelTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(withConnectTimeout(null).channelTimeout()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void aLongerConnectTimeoutIsKeptForChannelsToo() {
        assertThat(withConnectTimeout(Duration.ofMinutes(3)).channelTimeout()).isEqualTo(Duration.ofMinutes(3));
    }
}
