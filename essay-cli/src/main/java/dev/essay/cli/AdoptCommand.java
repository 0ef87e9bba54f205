package dev.essay.cli;

import dev.essay.core.api.SwitchRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "adopt", mixinStandardHelpOptions = true,
        header = "Take over the slot nginx serves now: write essay's include for it, reload, prove.",
        description = "The safe first step on a router whose include essay did not write (a setup moved from the Fabric"
                + " tool), and the way to settle a disagreement between nginx and the include: finds the slot nginx"
                + " serves (through nginx, else from the include's servers), checks its health on every host, writes"
                + " essay's include for that same slot, runs nginx -t, reloads and proves that traffic still reaches it."
                + " Traffic does not move. Afterwards deploy refuses that slot and switch moves away from it.")
final class AdoptCommand extends Verb {
    @Option(names = "--slot", paramLabel = "SLOT",
            description = "the slot that serves traffic now, when nginx cannot tell (it must match what nginx shows)")
    String slot;

    @Option(names = "--dry-run", description = "print the scripts each host would run; run nothing")
    boolean dryRun;

    @Option(names = "--force", description = "put --slot under essay's include even when nginx shows another slot")
    boolean force;

    @Override
    int execute() {
        var project = loadProject();
        requireSlot(project, slot);
        return SwitchCommand.runSwitch(this, project, SwitchRequest.adopt(slot, force), dryRun(dryRun));
    }
}
