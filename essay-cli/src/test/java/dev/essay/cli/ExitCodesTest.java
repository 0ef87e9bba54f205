package dev.essay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.essay.core.error.ExitCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
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

    /** Every code with its whole description (picocli wraps it over lines), in the enum's order. */
    @Test
    void helpListsEveryCodeWithItsDescription() {
        Cli.Run r = Cli.run("--help");
        assertThat(r.exit()).isZero();
        String exitCodes = r.out().substring(r.out().indexOf("Exit codes:") + "Exit codes:".length())
                .replaceAll("\\s+", " ").strip();
        StringBuilder expected = new StringBuilder();
        for (ExitCode code : ExitCode.values()) {
            expected.append(code.code()).append(' ').append(code.description().replaceAll("\\s+", " ")).append(' ');
        }
        assertThat(exitCodes).startsWith(expected.toString().strip());
    }

    /** The prose of the user docs ("exits 3", "(exit 5: ...") names only codes the enum has. */
    @Test
    void everyExitCodeTheDocsMentionIsACodeOfTheEnum() throws IOException {
        Set<Integer> codes = Arrays.stream(ExitCode.values()).map(ExitCode::code).collect(Collectors.toSet());
        Pattern mention = Pattern.compile("\\bexits? (?:code )?(\\d+)");
        List<String> unknown = new ArrayList<>();
        int mentions = 0;
        try (Stream<Path> docs = Files.list(Path.of("..", "docs"))) {
            for (Path doc : docs.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
                Matcher m = mention.matcher(Files.readString(doc));
                while (m.find()) {
                    mentions++;
                    if (!codes.contains(Integer.parseInt(m.group(1)))) {
                        unknown.add(doc.getFileName() + ": " + m.group());
                    }
                }
            }
        }
        assertThat(mentions).as("the docs mention exit codes").isGreaterThan(10);
        assertThat(unknown).isEmpty();
    }
}
