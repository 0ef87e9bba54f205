package dev.essay.cli;

import dev.essay.core.api.SwitchRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "rollback", mixinStandardHelpOptions = true,
        header = "Put the previous slot live again.",
        description = "Switches back to the slot that was live before the last switch (it kept running), with the same health checks and proof as switch.")
final class RollbackCommand extends Verb {
    @Option(names = "--dry-run", description = "print the scripts each host would run; run nothing")
    boolean dryRun;

    @Option(names = "--force", description = "roll back even when routers, nginx and the include disagree about the live slot, or to a slot whose last deploy did not finish")
    boolean force;

    @Option(names = "--lock", paramLabel = "ID", description = "roll back under the release lock `essay lock` holds")
    String lock;

    @Override
    int execute() {
        return SwitchCommand.runSwitch(this, loadProject(), new SwitchRequest(null, true, force).under(lock), dryRun(dryRun));
    }
}
