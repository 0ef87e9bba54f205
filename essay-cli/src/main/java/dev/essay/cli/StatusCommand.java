package dev.essay.cli;

import dev.essay.core.api.StatusReport;
import dev.essay.core.error.ExitCode;
import dev.essay.core.model.Project;
import dev.essay.core.transport.Transport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "status", mixinStandardHelpOptions = true,
        header = "Show the live slot, the lock, and every host's slots.",
        description = "Shows the live slot on each router and who holds the release lock, then per host and slot: the installed version, whether supervisord runs, its processes and their health. Exits 3 when the fleet is degraded: a router or host could not be read, or the live slot is not healthy on every host.")
final class StatusCommand extends Verb {
    @Option(names = "--role", paramLabel = "ROLE", description = "hosts to show (default: default_role)")
    String role;

    @Option(names = "--json", description = "print the report as JSON")
    boolean json;

    @Override
    int execute() throws Exception {
        rejectDryRun();
        Project project = loadProject();
        requireRole(project, role);
        Console listener = listener(json);
        try (Transport transport = transport(project, false)) {
            StatusReport report = engine(project, transport, listener).status(role);
            console.out(json ? StatusView.json(report) : StatusView.text(report));
            if (report.degraded()) {
                console.err("error: the fleet is degraded: " + String.join("; ", report.degradedReasons())
                        + "\nhint: " + (json ? "the report above" : "the problems above") + " say what failed;"
                        + " fix those hosts and routers (or redeploy the live slot there) and run essay status again");
                return ExitCode.PARTIAL_FAILURE.code();
            }
            return ExitCode.OK.code();
        }
    }
}
