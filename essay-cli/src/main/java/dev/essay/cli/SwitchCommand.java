package dev.essay.cli;

import dev.essay.core.Engine;
import dev.essay.core.api.SwitchRequest;
import dev.essay.core.error.ExitCode;
import dev.essay.core.model.Project;
import dev.essay.core.transport.Transport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "switch", mixinStandardHelpOptions = true,
        header = "Put a slot live behind nginx (health-checked, proven, undone on failure).",
        description = "Puts a slot live: checks its health on every host, rewrites the nginx upstream include, runs nginx -t, reloads and proves that requests through nginx reach the new slot. Any failure restores the previous include. The slot that was live keeps running, for rollback.")
final class SwitchCommand extends Verb {
    @Option(names = "--to", paramLabel = "SLOT", description = "slot to put live (default: the slot that is not live, with two slots)")
    String to;

    @Option(names = "--dry-run", description = "print the scripts each host would run; run nothing")
    boolean dryRun;

    @Option(names = "--force", description = "switch even when routers, nginx and the include disagree about the live slot, or to a slot whose last deploy did not finish")
    boolean force;

    @Option(names = "--lock", paramLabel = "ID", description = "switch under the release lock `essay lock` holds (a sharded"
            + " release), after recording its shards' deploys")
    String lock;

    @Override
    int execute() {
        Project project = loadProject();
        requireSlot(project, to);
        return runSwitch(this, project, new SwitchRequest(to, false, force).under(lock), dryRun(dryRun));
    }

    /** Shared by switch and rollback. */
    static int runSwitch(Verb verb, Project project, SwitchRequest request, boolean dry) {
        try (Transport transport = verb.transport(project, dry)) {
            Engine engine = verb.engine(project, transport, verb.console);
            verb.cancelOnInterrupt(engine);
            engine.switchSlot(request);
            if (dry) {
                verb.console.out("dry run: nothing ran; the scripts above are what each host would run");
            }
            return ExitCode.OK.code();
        }
    }
}
