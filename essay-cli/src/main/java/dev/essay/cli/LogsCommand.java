package dev.essay.cli;

import dev.essay.core.Engine;
import dev.essay.core.api.LogsRequest;
import dev.essay.core.api.Shard;
import dev.essay.core.error.ExitCode;
import dev.essay.core.model.Project;
import dev.essay.core.run.FleetResult;
import dev.essay.core.transport.Transport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "logs", mixinStandardHelpOptions = true,
        header = "Show the program logs of a slot's processes.",
        description = "Prints the last --lines lines of each program log of the slot (default: the live slot) on every host of the role (or --host): the *.log files of the slot's logs directory, supervisord's own left out. Every line is prefixed by its host and the log's name. With --follow, then every new line until Ctrl-C, which closes the connections and ends the remote tails. Takes no lock.")
final class LogsCommand extends SlotCommand {
    @Option(names = "--slot", paramLabel = "SLOT", description = "slot whose logs to show (default: the live slot)")
    String slot;

    @Option(names = "--host", paramLabel = "HOST", split = ",", description = "these hosts of the role only"
            + " (user@address:port, or an address)")
    java.util.List<String> host;

    @Option(names = "--lines", paramLabel = "N", defaultValue = "20",
            description = "lines from the end of each log (default: ${DEFAULT-VALUE})")
    int lines;

    @Option(names = {"-f", "--follow"}, description = "then print new lines as they are written, until Ctrl-C")
    boolean follow;

    @Override
    int execute() {
        rejectDryRun();
        if (lines < 0) {
            throw usage("--lines must be 0 or more, not " + lines, null);
        }
        if (host != null && hosts != null) {
            throw usage("--host and --hosts both choose the hosts; give one of them", null);
        }
        if (host != null) {
            hosts = host;
        }
        Project project = loadProject();
        Shard part = checkInput(project, slot);
        try (Transport transport = transport(project, false)) {
            Engine engine = engine(project, transport, console);
            if (follow) {
                cancelOnInterrupt(engine, "interrupted: closing the connections (the remote tails end with them)");
            }
            FleetResult result = engine.logs(new LogsRequest(slot, role, part, lines, follow));
            if (!result.ok()) {
                console.out(result.table());
                throw new dev.essay.core.error.PartialFailureException(result.exitCode(), "could not read the logs on "
                        + result.failed().size() + " of " + result.hosts().size() + " host(s)",
                        "see the errors above", result.failed().stream().map(h -> h.host().toString()).toList());
            }
            return ExitCode.OK.code();
        }
    }
}
