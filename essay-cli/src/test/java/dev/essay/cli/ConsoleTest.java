package dev.essay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.essay.core.error.ConfigException;
import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.model.HostAddress;
import dev.essay.core.transport.RemoteScript;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ConsoleTest {
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    final Console console = new Console(new PrintWriter(out), new PrintWriter(err));
    final HostAddress host = HostAddress.parse("deploy@127.0.2.11");

    @Test
    void hostLinesArePrefixedAndInfoIsPlainAndWarningsGoToStderr() {
        console.info("deploy essay-sample 1.0.0 into slot a");
        console.host(host, "pip-install ok (1.2s)");
        console.host(host, "FAILED: boom\n    detail");
        console.warn("careful");
        assertThat(out.toString()).isEqualTo("deploy essay-sample 1.0.0 into slot a\n"
                + "[deploy@127.0.2.11:22] pip-install ok (1.2s)\n"
                + "[deploy@127.0.2.11:22] FAILED: boom\n"
                + "[deploy@127.0.2.11:22]     detail\n");
        assertThat(err.toString()).isEqualTo("warning: careful\n");
    }

    @Test
    void dryRunScriptsShowTheMaskedText() {
        console.script(host, new RemoteScript("deploy", "pip install --index-url http://u:SECRET@x/", "pip install --index-url http://u:********@x/"));
        assertThat(out.toString()).isEqualTo("== deploy@127.0.2.11:22: deploy ==\npip install --index-url http://u:********@x/\n");
    }

    @Test
    void parallelHostsNeverInterleaveMidLine() throws Exception {
        int threads = 8;
        int lines = 500;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            HostAddress h = HostAddress.parse("deploy@127.0.2." + (10 + t));
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < lines; i++) {
                    console.host(h, "line " + i + " of a reasonably long progress message for this host");
                }
            });
            all.add(thread);
            thread.start();
        }
        start.countDown();
        for (Thread t : all) {
            t.join();
        }
        List<String> printed = out.toString().lines().toList();
        assertThat(printed).hasSize(threads * lines);
        assertThat(printed).allMatch(l -> l.matches("\\[deploy@127\\.0\\.2\\.\\d+:22] line \\d+ of a reasonably long progress message for this host"));
    }

    @Test
    void essayExceptionBecomesOneErrorLineDetailAndHint() {
        int code = Errors.report(console, new EssayException(ExitCode.LOCK_HELD, "the release lock is held by bob",
                "line one\nline two", "wait, or run essay unlock", null), false);
        assertThat(code).isEqualTo(4);
        assertThat(err.toString()).isEqualTo("error: the release lock is held by bob\n  line one\n  line two\n"
                + "hint: wait, or run essay unlock\n");
    }

    @Test
    void configExceptionPrintsEveryProblem() {
        int code = Errors.report(console, new ConfigException(List.of(
                new ConfigException.Problem("essay.yaml", 3, "roles.web[0]", "bad host"),
                new ConfigException.Problem("essay.yaml", 9, "slots", "needs two slots"))), false);
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("error: 2 problems in essay.yaml\n", "  essay.yaml:3: roles.web[0]: bad host\n",
                "  essay.yaml:9: slots: needs two slots\n", "hint: ");
    }

    @Test
    void unexpectedExceptionsAreInternalErrorsWithTheStackTraceOnlyWhenVerbose() {
        int code = Errors.report(console, new IllegalStateException("oops"), false);
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).startsWith("error: internal error: java.lang.IllegalStateException: oops\n")
                .contains("--verbose").doesNotContain("\tat ");
        StringWriter verbose = new StringWriter();
        Errors.report(new Console(new PrintWriter(out), new PrintWriter(verbose)), new IllegalStateException("oops"), true);
        assertThat(verbose.toString()).contains("\tat dev.essay.cli.ConsoleTest");
    }
}
