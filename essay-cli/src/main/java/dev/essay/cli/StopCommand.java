package dev.essay.cli;

import dev.essay.core.api.Shard;
import dev.essay.core.api.StopStartRequest;
import dev.essay.core.model.Project;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "stop", mixinStandardHelpOptions = true,
        header = "Stop a slot that is not live.",
        description = "Under the release lock, stops the slot's supervisord and its processes on every host of the role (or --hosts). The live slot is refused unless --force (requests fail until it starts again; essay restart restarts the live slot without that). Nothing else changes: essay start starts it again.")
class StopCommand extends SlotCommand {
    @Option(names = "--slot", required = true, paramLabel = "SLOT", description = "slot to act on")
    String slot;

    @Option(names = "--force", description = "act even on the live slot")
    boolean force;

    @Option(names = "--dry-run", description = "print the scripts each host would run; run nothing")
    boolean dryRun;

    @Override
    int execute() {
        Project project = loadProject();
        Shard part = checkInput(project, slot);
        StopStartRequest request = new StopStartRequest(slot, role, part, force);
        return change(project, dryRun, engine -> starting() ? engine.start(request) : engine.stop(request));
    }

    /** {@code essay start} (a subclass) says yes. */
    boolean starting() {
        return false;
    }
}
