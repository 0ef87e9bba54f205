package dev.essay.cli;

import dev.essay.core.error.ConfigException;
import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.event.TextRenderer;
import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * The edge where errors become what a user reads: one {@code error:} line, its detail indented, a
 * {@code hint:}, and the documented exit code. Never a bare stack trace unless {@code --verbose}.
 */
final class Errors {
    private Errors() {
    }

    static int report(Console console, Throwable t, boolean verbose) {
        if (t instanceof ConfigException c) {
            StringBuilder text = new StringBuilder("error: ").append(c.getMessage()).append('\n');
            if (c.problems().size() > 1) {
                for (ConfigException.Problem p : c.problems()) {
                    text.append("  ").append(p).append('\n');
                }
            }
            boolean fileLevel = c.problems().size() == 1 && c.problems().get(0).line() == 0
                    && (c.problems().get(0).field() == null || c.problems().get(0).field().isEmpty());
            if (!fileLevel) {
                // a missing or unreadable file says what to do itself; "fix the fields above" would not fit
                hint(text, c.suggestion());
            }
            console.err(text.toString());
            return c.exitCode().code();
        }
        if (t instanceof EssayException e) {
            StringBuilder text = new StringBuilder(TextRenderer.error(e));
            if (verbose && e.getCause() != null) {
                text.append(stackTrace(e));
            }
            console.err(text.toString());
            return (e.exitCode() == null ? ExitCode.ERROR : e.exitCode()).code();
        }
        StringBuilder text = new StringBuilder("error: internal error: ").append(t).append('\n');
        text.append(verbose ? stackTrace(t) : "  (run with --verbose for the stack trace)\n");
        console.err(text.toString());
        return ExitCode.ERROR.code();
    }

    private static void hint(StringBuilder text, String suggestion) {
        if (suggestion != null && !suggestion.isBlank()) {
            text.append("hint: ").append(suggestion).append('\n');
        }
    }

    private static String stackTrace(Throwable t) {
        StringWriter s = new StringWriter();
        t.printStackTrace(new PrintWriter(s));
        return s.toString();
    }
}
