package dev.essay.core.pkg;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code essay package} built and uploaded.
 *
 * @param project  the project name
 * @param version  the version stamped and uploaded
 * @param commit   the commit built ({@code git rev-parse HEAD}; with --here, suffixed {@code -dirty} when the working
 *                 tree had changes; null when the project is not in a git repository)
 * @param source   what was built, e.g. {@code branch main}, {@code commit 1a2b3c}, {@code working tree}
 * @param indexUrl the project's simple page on the index
 * @param attempts how many versions were tried (more than 1 when a racing packager took a number first)
 * @param files    the distributions
 */
public record PackageResult(String project, String version, String commit, String source, String indexUrl,
                            int attempts, List<File> files) {
    public PackageResult {
        files = List.copyOf(files);
    }

    /** One uploaded distribution: the local copy, its sha256 and the URL the index serves it at. */
    public record File(Path path, String name, String sha256, String url) {
    }
}
