package dev.essay.demo;

import dev.essay.core.pkg.Trees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Builds the sample service ({@code sample/} of the repository) in a given version: copies it, stamps the
 * version into the copy's {@code pyproject.toml} (whose {@code version = "0.0.0"} is a placeholder) and
 * runs {@code /usr/bin/python3 -m build --no-isolation} (Debian's python3-build, python3-setuptools,
 * python3-wheel: no download), which writes a wheel and an sdist.
 */
final class SampleBuild {
    static final String PYTHON = "/usr/bin/python3";
    private static final Pattern PLACEHOLDER = Pattern.compile("(?m)^version = \"0\\.0\\.0\"$");

    private SampleBuild() {
    }

    /**
     * The sample project: {@code -Dessay.sample.dir} when set (scripts/demo sets it), else the first
     * {@code sample/pyproject.toml} above the working directory.
     */
    static Path findSample() {
        String configured = System.getProperty("essay.sample.dir");
        if (configured != null && !configured.isBlank()) {
            Path dir = Path.of(configured).toAbsolutePath().normalize();
            if (!Files.isRegularFile(dir.resolve("pyproject.toml"))) {
                throw new IllegalStateException("essay.sample.dir=" + dir + " holds no pyproject.toml");
            }
            return dir;
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("sample/pyproject.toml"))) {
                return dir.resolve("sample");
            }
        }
        throw new IllegalStateException("cannot find the sample service (sample/pyproject.toml) above "
                + Path.of("").toAbsolutePath() + "; run the demo from the essay repository (./essay demo)");
    }

    /**
     * Builds {@code version} of {@code sample} in {@code work} and moves the wheel and sdist into
     * {@code outDir}; returns them.
     */
    static List<Path> build(Path sample, String version, Path work, Path outDir) {
        try {
            Path source = work.resolve("src");
            Path dist = work.resolve("dist");
            Files.createDirectories(work);
            Trees.copy(sample, source, Trees::isLeftover);
            Path pyproject = source.resolve("pyproject.toml");
            Matcher m = PLACEHOLDER.matcher(Files.readString(pyproject, StandardCharsets.UTF_8));
            if (!m.find()) {
                throw new IllegalStateException(sample.resolve("pyproject.toml")
                        + " must contain the line: version = \"0.0.0\" (the placeholder the demo replaces)");
            }
            Files.writeString(pyproject, m.replaceFirst("version = \"" + version + "\""), StandardCharsets.UTF_8);
            LocalCommand.Result result = LocalCommand.run(
                    List.of(PYTHON, "-m", "build", "--no-isolation", "--outdir", dist.toString(), source.toString()),
                    work, Map.of("HOME", work.toString(), "PYTHONDONTWRITEBYTECODE", "1", "SOURCE_DATE_EPOCH", "1700000000"),
                    Duration.ofMinutes(5));
            if (!result.ok()) {
                throw new IllegalStateException("building essay-sample " + version + " with `" + PYTHON
                        + " -m build --no-isolation` failed (exit " + result.exitCode() + "); are python3-build, "
                        + "python3-setuptools and python3-wheel installed (scripts/install-deps)?\n"
                        + LocalCommand.tail(result.output(), 20));
            }
            List<Path> files = new ArrayList<>();
            try (Stream<Path> list = Files.list(dist)) {
                for (Path file : list.sorted().toList()) {
                    Path target = outDir.resolve(file.getFileName().toString());
                    Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
                    files.add(target);
                }
            }
            if (files.stream().noneMatch(f -> f.getFileName().toString().endsWith(".whl"))) {
                throw new IllegalStateException("building essay-sample " + version + " produced no wheel: " + files);
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build essay-sample " + version, e);
        }
    }
}
