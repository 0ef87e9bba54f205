package dev.essay.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.essay.core.error.ExitCode;
import dev.essay.core.model.Project;
import dev.essay.core.pkg.IndexClient;
import dev.essay.core.pkg.PackageRequest;
import dev.essay.core.pkg.PackageResult;
import dev.essay.core.pkg.Packager;
import java.time.Clock;
import java.time.ZoneId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "package",
        header = "Build the project's wheel and sdist with a new version and upload them to the index.",
        description = {
            "Checks out the branch (default: build.branch of essay.yaml) or commit into a clean build directory"
                    + " (submodules included), or copies the working tree with --here; writes the version into the"
                    + " build copy only (pyproject.toml and build.stamp_files); builds with `python -m build`;"
                    + " uploads both files to the index.",
            "The version is the next date version y.m.d.n of today in this machine's time zone (see `essay versions"
                    + " --next`) unless --version is given. If another packager uploads the same date version first,"
                    + " the next number is taken and the package rebuilt. See docs/packaging.md."})
final class PackageCommand extends Verb {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Mixin
    SourceOptions source;

    @Option(names = "--json", description = "print the result as JSON (progress goes to stderr)")
    boolean json;

    @Override
    int execute() throws Exception {
        rejectDryRun();
        PackageRequest request = source.request(json);
        Project project = loadProject();
        Console listener = listener(json);
        PackageResult result = packager(project, listener).pack(request);
        console.out(json ? json(result) : text(result));
        return ExitCode.OK.code();
    }

    static Packager packager(Project project, Console listener) {
        return new Packager(project, IndexClient.of(project), Clock.systemUTC(), ZoneId.systemDefault(), listener, null);
    }

    static String text(PackageResult r) {
        StringBuilder text = new StringBuilder("packaged ").append(r.project()).append(' ').append(r.version())
                .append(" from ").append(r.source());
        if (r.commit() != null) {
            text.append(" (").append(r.commit()).append(')');
        }
        text.append('\n');
        TextTable table = new TextTable("FILE", "SHA256", "URL");
        for (PackageResult.File f : r.files()) {
            table.row(f.name(), f.sha256(), f.url());
        }
        text.append(table).append("index: ").append(r.indexUrl());
        return text.toString();
    }

    static String json(PackageResult r) throws Exception {
        ObjectNode root = JSON.createObjectNode();
        root.put("project", r.project());
        root.put("version", r.version());
        root.put("commit", r.commit());
        root.put("source", r.source());
        root.put("index_url", r.indexUrl());
        root.put("attempts", r.attempts());
        ArrayNode files = root.putArray("files");
        for (PackageResult.File f : r.files()) {
            ObjectNode file = files.addObject();
            file.put("name", f.name());
            file.put("path", f.path().toString());
            file.put("sha256", f.sha256());
            file.put("url", f.url());
        }
        return JSON.writeValueAsString(root);
    }
}
