package dev.essay.core.pkg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DateVersionTest {
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    private static Clock at(String instant) {
        return Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
    }

    @Test
    void firstVersionOfTheDay() {
        assertThat(DateVersion.next(LocalDate.of(2026, 11, 28), List.of(), null)).isEqualTo("6.11.28.1");
    }

    @Test
    void countsOnlyThatDaysVersions() {
        List<String> existing = List.of("6.11.27.1", "6.11.27.9", "6.11.28.1", "6.11.28.2", "1.0.0", "16.11.28.7",
                "6.1.28.5");
        assertThat(DateVersion.next(LocalDate.of(2026, 11, 28), existing, null)).isEqualTo("6.11.28.3");
    }

    @Test
    void gapsAreKeptNotFilled() {
        assertThat(DateVersion.next(LocalDate.of(2026, 11, 28), List.of("6.11.28.1", "6.11.28.5"), null))
                .isEqualTo("6.11.28.6");
    }

    @Test
    void labelledVersionsTakeANumberToo() {
        assertThat(DateVersion.next(LocalDate.of(2026, 11, 28), List.of("6.11.28.1", "6.11.28.2+fixbug"), null))
                .isEqualTo("6.11.28.3");
        assertThat(DateVersion.latest(LocalDate.of(2026, 11, 28), List.of("6.11.28.1", "6.11.28.2+fixbug"), null))
                .contains("6.11.28.1");
        assertThat(DateVersion.latest(LocalDate.of(2026, 11, 28), List.of("6.11.28.1", "6.11.28.2+fixbug"), "FixBug"))
                .contains("6.11.28.2+fixbug");
        assertThat(DateVersion.latest(LocalDate.of(2026, 11, 29), List.of("6.11.28.1"), null)).isEmpty();
    }

    @Test
    void midnightInThePackagersZone() {
        // 23:59:59 and 00:00:00 in Shanghai (UTC+8) are 15:59:59 and 16:00:00 UTC
        assertThat(DateVersion.today(at("2026-11-28T15:59:59Z"), SHANGHAI)).isEqualTo(LocalDate.of(2026, 11, 28));
        assertThat(DateVersion.today(at("2026-11-28T16:00:00Z"), SHANGHAI)).isEqualTo(LocalDate.of(2026, 11, 29));
        Set<String> existing = Set.of("6.11.28.1", "6.11.28.2");
        assertThat(DateVersion.next(DateVersion.today(at("2026-11-28T15:59:59Z"), SHANGHAI), existing, null))
                .isEqualTo("6.11.28.3");
        assertThat(DateVersion.next(DateVersion.today(at("2026-11-28T16:00:00Z"), SHANGHAI), existing, null))
                .isEqualTo("6.11.29.1");
        // the same instant is still the 28th in UTC
        assertThat(DateVersion.today(at("2026-11-28T16:00:00Z"), ZoneOffset.UTC)).isEqualTo(LocalDate.of(2026, 11, 28));
    }

    @Test
    void yearBoundary() {
        List<String> existing = List.of("9.12.31.1", "9.12.31.2");
        LocalDate lastDay = DateVersion.today(at("2029-12-31T23:59:59Z"), ZoneOffset.UTC);
        LocalDate firstDay = DateVersion.today(at("2030-01-01T00:00:00Z"), ZoneOffset.UTC);
        assertThat(DateVersion.next(lastDay, existing, null)).isEqualTo("9.12.31.3");
        assertThat(DateVersion.next(firstDay, existing, null)).isEqualTo("0.1.1.1");
    }

    @Test
    void suffixBecomesALocalLabel() {
        assertThat(DateVersion.next(LocalDate.of(2026, 11, 28), List.of("6.11.28.2"), "FixBug")).isEqualTo("6.11.28.3+fixbug");
        assertThat(DateVersion.withSuffix("6.11.28.3", "hot_fix-2")).isEqualTo("6.11.28.3+hot.fix.2");
        assertThat(DateVersion.withSuffix("6.11.28.3", null)).isEqualTo("6.11.28.3");
    }

    @Test
    void invalidSuffixesAreRejectedClearly() {
        for (String bad : List.of("fix bug", "-fix", "fix--bug", "fix+bug", "fïx", "fix/bug", "fix.")) {
            assertThatThrownBy(() -> DateVersion.withSuffix("6.11.28.3", bad))
                    .isInstanceOf(EssayException.class)
                    .hasMessageContaining("--suffix '" + bad + "' is not a valid version label")
                    .satisfies(e -> assertThat(((EssayException) e).exitCode()).isEqualTo(ExitCode.USAGE));
        }
        assertThatThrownBy(() -> DateVersion.withSuffix("6.11.28.3+a", "b")).hasMessageContaining("already has a local label");
    }
}
