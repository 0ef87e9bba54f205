package dev.essay.cli;

import dev.essay.core.error.ExitCode;
import dev.essay.core.lock.LockHolder;
import dev.essay.core.model.Project;
import dev.essay.core.transport.Transport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "unlock", mixinStandardHelpOptions = true,
        header = "Break the release lock and say who held it.",
        description = "Breaks the release lock on the router host and prints who held it; the holder's attempt is recorded"
                + " in the ledger as interrupted. Use it only when the release holding it has died (a killed terminal, a"
                + " lost connection): essay status and the refused command mark such a lock STALE and print the exact"
                + " command, with --id so that only that holder's lock is broken. With the id `essay lock` printed, it ends"
                + " that held lock: the deploys of its shards are recorded (one ledger entry each), nothing as interrupted.")
final class UnlockCommand extends Verb {
    @Option(names = "--id", paramLabel = "ID",
            description = "break the lock only if this holder (the id status shows) still holds it")
    String id;

    @Override
    int execute() {
        rejectDryRun();
        Project project = loadProject();
        try (Transport transport = transport(project, false)) {
            LockHolder holder = engine(project, transport, console).unlock(id);
            boolean hold = holder != null && id != null && holder.isHold();
            console.out(hold ? "released the release lock " + id + " (its shards' deploys are in `essay history`)"
                    : holder != null ? "broke the release lock held by " + holder
                    : id == null ? "the release lock was free; nothing to do"
                    : "the release lock is not held by " + id + " (free, or taken by another release); nothing to do");
            return ExitCode.OK.code();
        }
    }
}
