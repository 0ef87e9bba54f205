package dev.essay.cli;

import dev.essay.core.Engine;
import dev.essay.core.api.ReleaseRequest;
import dev.essay.core.api.ReleaseResult;
import dev.essay.core.error.ExitCode;
import dev.essay.core.event.TextRenderer;
import dev.essay.core.model.Project;
import dev.essay.core.transport.Transport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "release", mixinStandardHelpOptions = true,
        header = "Package, deploy into the slot that is not live, and switch to it: one command, one lock.",
        description = {
            "Takes the release lock, packages the project (as `essay package` does) and uploads it, deploys the new"
                    + " version into the slot that is not live on every host of the router's role, and switches nginx"
                    + " to it. Stops at the first failed stage; the live slot is never touched before the switch, and"
                    + " a failed switch is undone.",
            "With --dry-run nothing is built or changed: it prints the version a package would get now and the"
                    + " scripts each host would run."})
final class ReleaseCommand extends Verb {
    @Mixin
    SourceOptions source;

    @Option(names = "--slot", paramLabel = "SLOT", description = "slot to release into (default: the slot that is not live, with two slots)")
    String slot;

    @Option(names = "--profile", paramLabel = "PROFILE", description = "profile passed to the template (default: profile in essay.yaml)")
    String profile;

    @Option(names = "--dry-run", description = "build nothing, change nothing; print what would run")
    boolean dryRun;

    @Override
    int execute() {
        ReleaseRequest request = new ReleaseRequest(source.request(false), slot, profile);
        Project project = loadProject();
        requireSlot(project, slot);
        boolean dry = dryRun(dryRun);
        try (Transport transport = transport(project, dry)) {
            Engine engine = engine(project, transport, console);
            cancelOnInterrupt(engine);
            ReleaseResult result = engine.release(request, PackageCommand.packager(project, console));
            if (dry) {
                console.out("dry run: nothing was built and nothing ran; the scripts above are what each host would run");
                return ExitCode.OK.code();
            }
            console.out(PackageCommand.text(result.pkg()));
            if (!result.ok()) {
                throw result.failure();
            }
            console.out(TextRenderer.released(project.name(), result.version(), result.switched().to(),
                    result.switched().from()));
            return ExitCode.OK.code();
        }
    }
}
