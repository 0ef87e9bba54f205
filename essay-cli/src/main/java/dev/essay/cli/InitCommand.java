package dev.essay.cli;

import dev.essay.core.error.ExitCode;
import dev.essay.core.pkg.Scaffold;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "init", mixinStandardHelpOptions = true,
        header = "Add essay.yaml and a supervisord template to an existing project.",
        description = "Writes essay.yaml (defaults to edit) and a supervisord template into DIR, keeping every file that"
                + " is already there. The template is conf/supervisord.conf when the project has one (a fabfile-era"
                + " project), else a new .essay/supervisord.conf (where setuptools' package discovery does not look)."
                + " The project name is --name, else [project] name in pyproject.toml, else the directory's name.")
final class InitCommand extends Verb {
    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "the project's directory (default: .)")
    Path dir;

    @Option(names = "--name", paramLabel = "NAME", description = "the project's name on the index (PEP 508)")
    String name;

    @Option(names = "--package", paramLabel = "PACKAGE", description = "the Python package (default: NAME with - and . as _)")
    String packageName;

    @Override
    int execute() {
        rejectDryRun();
        Path target = (dir != null ? dir : Path.of("")).toAbsolutePath().normalize();
        Scaffold.Result r = new Scaffold(console).init(target, name, packageName);
        StringBuilder out = new StringBuilder(r.written().isEmpty() ? "nothing to add: the essay files exist\n"
                : "added to " + r.project() + ":\n");
        for (Path file : r.written()) {
            out.append("  ").append(target.relativize(file)).append('\n');
        }
        out.append("next: edit the lines marked EDIT in essay.yaml and the command in " + target.relativize(r.template())
                + "; the service"
                + " must answer /health and name its slot and version in the X-Essay-Slot and X-Essay-Version headers"
                + " (docs/essay-yaml.md)");
        console.out(out.toString());
        return ExitCode.OK.code();
    }
}
