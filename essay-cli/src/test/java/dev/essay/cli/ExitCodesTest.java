package dev.essay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.essay.core.error.ExitCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@link ExitCode} is the one source of the exit codes: docs/cli.md's table and {@code essay --help} say the same. */
class ExitCodesTest {
    private static final Pattern ROW = Pattern.compile("^\\| (\\d+) \\| (.+) \\|$");

    /** The rows of the table under "## Exit codes" in docs/cli.md: code to meaning (markdown backticks removed). */
    static Map<Integer, String> documented() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "cli.md"));
        int from = doc.indexOf("\n## Exit codes\n");
        assertThat(from).as("docs/cli.md has a section ## Exit codes").isPositive();
        Map<Integer, String> rows = new LinkedHashMap<>();
        for (String line : doc.substring(from + 1).lines().skip(1).dropWhile(String::isBlank)
                .takeWhile(l -> l.startsWith("|")).toList()) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                rows.put(Integer.parseInt(m.group(1)), m.group(2).replace("`", ""));
            }
        }
        return rows;
    }

    @Test
    void theDocsTableListsExactlyTheEnumsCodesWithTheirDescriptions() throws IOException {
        Map<Integer, String> expected = new LinkedHashMap<>();
        Arrays.stream(ExitCode.values()).forEach(c -> expected.put(c.code(), c.description()));
        assertThat(documented()).containsExactlyEntriesOf(expected);
    }

    @Test
    void helpListsEveryCodeWithTheStartOfItsDescription() {
        Cli.Run r = Cli.run("--help");
        assertThat(r.exit()).isZero();
        String exitCodes = r.out().substring(r.out().indexOf("Exit codes:"));
        for (ExitCode code : ExitCode.values()) {
            String start = code.description().substring(0, Math.min(20, code.description().length()));
            assertThat(exitCodes).as("--help lists exit code " + code)
                    .containsPattern("(?m)^\\s+" + code.code() + "\\s+" + Pattern.quote(start));
        }
    }
}
