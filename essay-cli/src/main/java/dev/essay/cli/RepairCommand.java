package dev.essay.cli;

import dev.essay.core.Engine;
import dev.essay.core.api.RepairRequest;
import dev.essay.core.api.RepairResult;
import dev.essay.core.error.CancelledException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.error.PartialFailureException;
import dev.essay.core.event.TextRenderer;
import dev.essay.core.model.Project;
import dev.essay.core.transport.Transport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "repair", mixinStandardHelpOptions = true,
        header = "Reinstall the live version where the live slot drifted.",
        description = "Under the release lock, reads the live slot from the routers and its version from the ledger's last switch, then checks that slot on every host of the role. Hosts where it is missing, stopped, unhealthy, on another version or left by an unfinished deploy get the live version reinstalled (the deploy's steps, health-gated), --batch hosts at a time; the first batch that does not come back healthy stops the repair. Hosts in sync and the routers are not touched; when nothing drifted nothing changes. Made for cron.")
final class RepairCommand extends Verb {
    @Option(names = "--role", paramLabel = "ROLE", description = "hosts to repair (default: the router's role)")
    String role;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "1",
            description = "drifted hosts repaired at once (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--dry-run", description = "print the scripts a repair would run; read and run nothing")
    boolean dryRun;

    @Option(names = "--json", description = "print the result as JSON")
    boolean json;

    @Override
    int execute() throws Exception {
        if (batch < 1) {
            throw usage("--batch must be at least 1, not " + batch, "leave it out to repair one host at a time");
        }
        Project project = loadProject();
        requireRole(project, role);
        boolean dry = dryRun(dryRun);
        Console listener = listener(json);
        try (Transport transport = transport(project, dry)) {
            Engine engine = engine(project, transport, listener);
            cancelOnInterrupt(engine);
            RepairResult result;
            try {
                result = engine.repair(new RepairRequest(role, batch));
            } catch (CancelledException e) {
                // cancelled (Ctrl-C): the JSON document still says every host's result as far as it got
                if (json && e.result(RepairResult.class).isPresent()) {
                    console.out(RepairView.json(e.result(RepairResult.class).get(), false, true));
                }
                throw e;
            }
            PartialFailureException failure = dry ? null : result.failure();
            if (json) {
                console.out(RepairView.json(result, dry));
            } else if (dry) {
                console.out("dry run: nothing ran; the scripts above are what each drifted host would run");
            } else if (failure == null) {
                console.out(TextRenderer.repaired(result.slot(), result.version(), result.fleet()));
            }
            if (failure != null) {
                throw failure;
            }
            return ExitCode.OK.code();
        }
    }
}
