package dev.essay.cli;

import dev.essay.core.error.ExitCode;
import dev.essay.core.pkg.Scaffold;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "new", mixinStandardHelpOptions = true,
        header = "Create a ready-to-release service in a new git repository.",
        description = "Writes a small web service on the Python standard library (its every response names its slot and"
                + " version, /health answers 200), pyproject.toml, conf/supervisord.conf, essay.yaml with defaults to"
                + " edit, README.md and .gitignore into a new directory NAME; runs git init, commits, and pushes when"
                + " --git-remote is given.")
final class NewCommand extends Verb {
    @Parameters(index = "0", paramLabel = "NAME", description = "the project's name on the index (PEP 508), e.g. billing-api")
    String name;

    @Option(names = "--template", paramLabel = "web|wsgi|django", defaultValue = "web",
            description = "web: an http.server service; wsgi: a WSGI application served by wsgiref; django: a Django"
                    + " project served by gunicorn, both from the hosts' packages (Debian: python3-django, gunicorn)"
                    + " (default: web)")
    String template;

    @Option(names = "--package", paramLabel = "PACKAGE", description = "the Python package (default: NAME with - and . as _)")
    String packageName;

    @Option(names = "--dir", paramLabel = "DIR", description = "where to create it (default: ./NAME)")
    Path dir;

    @Option(names = "--git-remote", paramLabel = "URL", description = "add this remote as origin and push main to it")
    String gitRemote;

    @Override
    int execute() {
        rejectDryRun();
        Scaffold.Template kind = switch (template) {
            case "web" -> Scaffold.Template.WEB;
            case "wsgi" -> Scaffold.Template.WSGI;
            case "django" -> Scaffold.Template.DJANGO;
            default -> throw usage("--template '" + template + "' is not a template",
                    "use --template web, --template wsgi or --template django");
        };
        Path target = (dir != null ? dir : Path.of(name)).toAbsolutePath().normalize();
        Scaffold.Result r = new Scaffold(console).create(target, name, packageName, kind, gitRemote);
        StringBuilder out = new StringBuilder();
        for (Path file : r.written()) {
            out.append("  ").append(target.relativize(file)).append('\n');
        }
        out.append("first commit ").append(r.commit(), 0, Math.min(12, r.commit().length()))
                .append(r.pushed() ? ", pushed to " + gitRemote : "").append('\n');
        out.append("next: edit the lines marked EDIT in ").append(target.resolve("essay.yaml"))
                .append(" (index, hosts, router), then: cd ").append(target).append(" && essay release");
        console.out(out.toString());
        return ExitCode.OK.code();
    }
}
