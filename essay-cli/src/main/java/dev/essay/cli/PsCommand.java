package dev.essay.cli;

import dev.essay.core.api.PsReport;
import dev.essay.core.api.PsRequest;
import dev.essay.core.api.Shard;
import dev.essay.core.error.ExitCode;
import dev.essay.core.model.Project;
import dev.essay.core.transport.Transport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "ps", mixinStandardHelpOptions = true,
        header = "Show the processes of each slot: PID, memory, uptime.",
        description = "Per host and slot (or --slot): supervisord and each of its program's processes, as supervisorctl status shows them, with PID, resident memory and uptime (the Fabric tool's top and ps_by_venv). Takes no lock. Exits 3 when a host could not be read.")
final class PsCommand extends SlotCommand {
    @Option(names = "--slot", paramLabel = "SLOT", description = "slot to show (default: every slot)")
    String slot;

    @Option(names = "--json", description = "print the report as JSON")
    boolean json;

    @Override
    int execute() throws Exception {
        rejectDryRun();
        Project project = loadProject();
        Shard part = checkInput(project, slot);
        Console listener = listener(json);
        try (Transport transport = transport(project, false)) {
            PsReport report = engine(project, transport, listener).ps(new PsRequest(slot, role, part));
            console.out(json ? PsView.json(report) : PsView.text(report));
            if (!report.ok()) {
                console.err("error: " + report.hosts().stream().filter(h -> h.error() != null).count() + " of "
                        + report.hosts().size() + " host(s) could not be read (see above)");
                return ExitCode.PARTIAL_FAILURE.code();
            }
            return ExitCode.OK.code();
        }
    }
}
