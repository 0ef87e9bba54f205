package dev.essay.cli;

import dev.essay.core.error.ExitCode;
import dev.essay.core.model.Project;
import dev.essay.core.transport.Transport;
import picocli.CommandLine.Command;

@Command(name = "unlock", mixinStandardHelpOptions = true,
        header = "Break the release lock and say who held it.",
        description = "Breaks the release lock on the router host, whoever holds it, and prints who held it. Use it only when the release holding it has died (a killed terminal, a lost connection).")
final class UnlockCommand extends Verb {
    @Override
    int execute() {
        rejectDryRun();
        Project project = loadProject();
        try (Transport transport = transport(project, false)) {
            String holder = engine(project, transport, console).unlock();
            console.out(holder == null ? "the release lock was free; nothing to do"
                    : "broke the release lock held by " + holder);
            return ExitCode.OK.code();
        }
    }
}
