package dev.essay.cli;

import dev.essay.core.Engine;
import dev.essay.core.api.Shard;
import dev.essay.core.api.SlotResult;
import dev.essay.core.error.ExitCode;
import dev.essay.core.error.PartialFailureException;
import dev.essay.core.event.TextRenderer;
import dev.essay.core.model.Project;
import dev.essay.core.transport.Transport;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * What the day-2 verbs that act on a slot's processes share: {@code --role}, {@code --hosts} (as deploy's), the
 * check of the input before anything is contacted, and for those that change state ({@code restart}, {@code stop},
 * {@code start}, {@code exec}) the run under the engine with Ctrl-C handling, the dry run and the result's exit code.
 */
abstract class SlotCommand extends Verb {
    @Option(names = "--role", paramLabel = "ROLE", description = "hosts to act on (default: default_role)")
    String role;

    @Option(names = "--hosts", paramLabel = "HOST", split = ",", description = "these hosts of the role only"
            + " (user@address:port, or an address)")
    List<String> hosts;

    /** The slot named, checked against essay.yaml; the role and hosts checked too. Returns the hosts chosen (or null). */
    Shard checkInput(Project project, String slot) {
        requireSlot(project, slot);
        requireRole(project, role);
        return DeployCommand.shard(project, role, null, hosts);
    }

    /**
     * Runs a state-changing verb: {@code run} under an engine (Ctrl-C cancels it and releases the lock), then its
     * last line, or its failure (exit 3, or 6 when every failed host could not be reached).
     */
    int change(Project project, boolean dryRun, Function<Engine, SlotResult> run) {
        boolean dry = dryRun(dryRun);
        try (Transport transport = transport(project, dry)) {
            Engine engine = engine(project, transport, console);
            cancelOnInterrupt(engine);
            SlotResult result = run.apply(engine);
            if (dry) {
                console.out("dry run: nothing ran; the scripts above are what each host would run");
                return ExitCode.OK.code();
            }
            PartialFailureException failure = result.failure();
            if (failure != null) {
                throw failure;
            }
            console.out(TextRenderer.slotDone(result.action(), result.slot(), result.fleet()));
            return ExitCode.OK.code();
        }
    }
}
