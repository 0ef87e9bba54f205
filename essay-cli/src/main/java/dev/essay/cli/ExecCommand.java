package dev.essay.cli;

import dev.essay.core.api.ExecRequest;
import dev.essay.core.api.Shard;
import dev.essay.core.model.Project;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "exec", mixinStandardHelpOptions = true,
        header = "Run a command in a slot's virtualenv on every host.",
        description = "Under the release lock, runs CMD on every host of the role (or --hosts) in the slot directory, with the slot's virtualenv first on PATH and VIRTUAL_ENV set: `essay exec -- python manage.py migrate`. Each word of CMD reaches the host as one word (quoted; nothing is read as shell: write `-- sh -c '...'` for a pipeline). Every line it prints is prefixed by its host; a summary gives each host's exit code. Exits 3 when it failed on any host. The ledger records the program's name, not its arguments.")
final class ExecCommand extends SlotCommand {
    @Option(names = "--slot", paramLabel = "SLOT", description = "slot whose virtualenv to use (default: the live slot)")
    String slot;

    @Option(names = "--dry-run", description = "print the script each host would run; run nothing")
    boolean dryRun;

    @Parameters(paramLabel = "CMD", arity = "1..*", description = "the command and its arguments (after --)")
    List<String> command;

    @Override
    int execute() {
        Project project = loadProject();
        Shard part = checkInput(project, slot);
        return change(project, dryRun, engine -> engine.exec(new ExecRequest(slot, role, part, command)));
    }
}
