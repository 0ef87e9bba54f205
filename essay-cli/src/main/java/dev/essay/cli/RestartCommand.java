package dev.essay.cli;

import dev.essay.core.api.RestartRequest;
import dev.essay.core.api.Shard;
import dev.essay.core.model.Project;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "restart", mixinStandardHelpOptions = true,
        header = "Rolling restart of a slot's processes.",
        description = "Under the release lock, restarts every process of the slot (default: the live slot) on --batch hosts at a time, and waits until each batch is healthy (the health check a deploy waits for) before the next. The first batch that does not come back healthy stops the restart; the hosts after it are not attempted. On the live slot no batch may take every host of the role (it would lose all its processes at once): that is refused unless --force.")
final class RestartCommand extends SlotCommand {
    @Option(names = "--slot", paramLabel = "SLOT", description = "slot to restart (default: the live slot)")
    String slot;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "1",
            description = "hosts restarted at once (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--force", description = "restart even when a batch takes every host of the live slot's role, or when"
            + " the routers disagree about which slot is live")
    boolean force;

    @Option(names = "--pause", paramLabel = "SECONDS", defaultValue = "12", description = "on the live slot, wait this"
            + " long after each batch is healthy before the next (default: ${DEFAULT-VALUE}): nginx sends no request for"
            + " its fail_timeout (10s by default) to a server it saw fail while it restarted")
    int pause;

    @Option(names = "--dry-run", description = "print the scripts each host would run; run nothing")
    boolean dryRun;

    @Override
    int execute() {
        if (batch < 1) {
            throw usage("--batch must be at least 1, not " + batch, "leave it out to restart one host at a time");
        }
        if (pause < 0) {
            throw usage("--pause must be 0 or more seconds, not " + pause, null);
        }
        Project project = loadProject();
        Shard part = checkInput(project, slot);
        return change(project, dryRun, engine -> engine.restart(new RestartRequest(slot, role, part, batch, force,
                java.time.Duration.ofSeconds(pause))));
    }
}
