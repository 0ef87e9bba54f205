package dev.essay.cli;

import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.model.Pep440;
import dev.essay.core.model.Project;
import dev.essay.core.pkg.DateVersion;
import dev.essay.core.pkg.IndexClient;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "versions", mixinStandardHelpOptions = true,
        header = "Show the project's versions on the index.",
        description = {
            "Without options: every version on the index, as its simple page lists them.",
            "--latest: the newest version on the index by PEP 440 order (what `essay deploy latest` takes, as the"
                    + " fabfile tool's get_latest_version); --today: today's newest date version y.m.d.n (today in"
                    + " this machine's time zone); --next: the version `essay package` would take now."
                    + " See docs/packaging.md."})
final class VersionsCommand extends Verb {
    static final class Which {
        @Option(names = "--latest", required = true, description = "the newest version on the index (PEP 440 order)")
        boolean latest;

        @Option(names = "--today", required = true, description = "today's newest date version on the index")
        boolean today;

        @Option(names = "--next", required = true, description = "the next date version (what essay package would take)")
        boolean next;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Which which;

    @Option(names = "--suffix", paramLabel = "NAME", description = "with --next: append NAME as a local label;"
            + " with --latest or --today: only versions with that label")
    String suffix;

    @Override
    int execute() throws Exception {
        rejectDryRun();
        String label = null;
        if (suffix != null) {
            if (which == null) {
                throw usage("--suffix applies to --latest, --today and --next", "add --latest, --today or --next");
            }
            label = DateVersion.label(suffix);
        }
        Project project = loadProject();
        Set<String> versions = IndexClient.of(project).versions(project.name());
        LocalDate today = DateVersion.today(Clock.systemUTC(), ZoneId.systemDefault());
        if (which == null) {
            if (versions.isEmpty()) {
                console.err("no versions of " + project.name() + " on the index yet");
            } else {
                console.out(String.join("\n", versions));
            }
            return ExitCode.OK.code();
        }
        if (which.next) {
            console.out(DateVersion.next(today, versions, suffix));
            return ExitCode.OK.code();
        }
        String labelled = label == null ? "" : " with the label +" + label;
        if (which.latest) {
            Optional<String> newest = Pep440.newest(versions, label);
            if (newest.isEmpty()) {
                throw new EssayException(ExitCode.ERROR, "no version of " + project.name() + labelled + " on the index "
                        + project.index().url(), "run essay package to make one");
            }
            console.out(newest.get());
            return ExitCode.OK.code();
        }
        Optional<String> latest = DateVersion.latest(today, versions, suffix);
        if (latest.isEmpty()) {
            throw new EssayException(ExitCode.ERROR, "no version of today (" + DateVersion.prefix(today) + ".n"
                    + (suffix == null ? "" : "+" + label) + ") of " + project.name()
                    + " on the index", "run essay versions to list them all, or essay package to make one");
        }
        console.out(latest.get());
        return ExitCode.OK.code();
    }
}
