package dev.essay.cli;

import dev.essay.core.pkg.PackageRequest;
import picocli.CommandLine.Option;

/** What to package: shared by {@code essay package} and {@code essay release}. */
final class SourceOptions {
    @Option(names = "--branch", paramLabel = "BRANCH", description = "branch to package (default: build.branch)")
    String branch;

    @Option(names = "--commit", paramLabel = "COMMIT", description = "commit to package; wins over --branch")
    String commit;

    @Option(names = "--here", description = "package the working tree as it is (uncommitted changes included)")
    boolean here;

    @Option(names = "--version", paramLabel = "VERSION", description = "use this PEP 440 version instead of the next date version"
                    + " (essay's own version: essay --version)")
    String version;

    @Option(names = "--suffix", paramLabel = "NAME", description = "append NAME as a local version label: 6.11.28.3+name")
    String suffix;

    PackageRequest request(boolean json) {
        if (here && (branch != null || commit != null)) {
            throw Verb.usage("--here packages the working tree; it cannot be combined with --branch or --commit", null);
        }
        return new PackageRequest(branch, commit, here, version, suffix, json);
    }
}
