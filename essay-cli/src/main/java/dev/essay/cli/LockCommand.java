package dev.essay.cli;

import dev.essay.core.error.ExitCode;
import dev.essay.core.lock.LockHolder;
import dev.essay.core.model.Project;
import dev.essay.core.transport.Transport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "lock", mixinStandardHelpOptions = true,
        header = "Hold the release lock for a sharded release, and print its id.",
        description = "Takes the release lock on the router host and keeps it after the command ends, for a fleet deployed"
                + " from several machines: each runs `essay deploy VERSION --slot SLOT --lock ID --shard INDEX/COUNT` (or"
                + " --hosts), then one runs `essay switch --lock ID`, and `essay unlock --id ID` ends it. The shards'"
                + " deploys go in the ledger as one entry with every host. Everyone else is locked out meanwhile; the"
                + " lock never expires and is never taken for stale, so end it.")
final class LockCommand extends Verb {
    @Option(names = "--note", paramLabel = "TEXT", description = "what holds it, shown by essay status (default: none)")
    String note;

    @Override
    int execute() {
        rejectDryRun();
        Project project = loadProject();
        try (Transport transport = transport(project, false)) {
            LockHolder holder = engine(project, transport, console).hold(note);
            console.out("holding the release lock: " + holder.id());
            console.out("deploy each shard with --lock " + holder.id() + " --shard INDEX/COUNT, switch with --lock "
                    + holder.id() + ", then end it: essay unlock --id " + holder.id());
            return ExitCode.OK.code();
        }
    }
}
