package dev.essay.cli;

import dev.essay.core.error.ExitCode;
import dev.essay.core.ledger.LedgerEntry;
import dev.essay.core.model.Project;
import dev.essay.core.transport.Transport;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "history", mixinStandardHelpOptions = true,
        header = "Show the release ledger.",
        description = "Shows the newest entries of the release ledger on the router host (deploys, switches, rollbacks), oldest first.")
final class HistoryCommand extends Verb {
    @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "entries to show (default: ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--json", description = "print the entries as JSON")
    boolean json;

    @Override
    int execute() throws Exception {
        rejectDryRun();
        if (limit < 1) {
            throw usage("--limit must be at least 1, not " + limit, null);
        }
        Project project = loadProject();
        Console listener = listener(json);
        try (Transport transport = transport(project, false)) {
            List<LedgerEntry> entries = engine(project, transport, listener).history(limit);
            console.out(json ? HistoryView.json(entries) : HistoryView.text(entries));
            return ExitCode.OK.code();
        }
    }
}
