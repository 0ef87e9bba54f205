package dev.essay.core.testfleet;

import dev.essay.core.pkg.Trees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Builds the wheel and sdist of the sample service ({@code sample/} at the repository root) for a given
 * version, once per JVM: the results are cached in a static map keyed by version, in a temporary directory
 * removed when the JVM exits.
 *
 * <p>Each build copies {@code sample/} (without build leftovers), stamps the version into the copy's
 * {@code pyproject.toml} (which holds the placeholder {@code version = "0.0.0"}), and runs
 * {@code /usr/bin/python3 -m build --no-isolation --outdir <dir> <copy>}. Debian's {@code python3-build},
 * {@code python3-setuptools} and {@code python3-wheel} must be installed ({@code scripts/install-deps}).
 */
public final class SampleDistributions {
    /** Debian's interpreter; the {@code python3} on a developer's PATH may be another one (pyenv). */
    public static final String PYTHON = "/usr/bin/python3";
    private static final Pattern PLACEHOLDER = Pattern.compile("(?m)^version = \"0\\.0\\.0\"$");
    private static final Pattern VERSION = Pattern.compile("[0-9]+(\\.[0-9]+)*((a|b|rc)[0-9]+)?(\\.post[0-9]+)?(\\.dev[0-9]+)?");
    private static final Set<String> SKIP = Set.of("build", "dist", "__pycache__", ".venv", "venv", ".git");
    private static final Map<String, List<Path>> BUILT = new HashMap<>();
    private static Path cacheDir;

    private SampleDistributions() {
    }

    /**
     * The sample project: the system property {@code essay.sample.dir} when set, else the first
     * {@code sample/} directory holding a {@code pyproject.toml} found from the working directory upwards
     * (so it works from {@code essay-core/}, {@code essay-cli/} and the repository root).
     */
    public static Path sampleDir() {
        String configured = System.getProperty("essay.sample.dir");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("sample/pyproject.toml"))) {
                return dir.resolve("sample");
            }
        }
        throw new IllegalStateException("cannot find the sample project (sample/pyproject.toml) above "
                + Path.of("").toAbsolutePath() + "; set -Dessay.sample.dir=/path/to/sample");
    }

    /** The supervisord template of the sample ({@code sample/conf/supervisord.conf}). */
    public static Path supervisorTemplate() {
        return sampleDir().resolve("conf/supervisord.conf");
    }

    /** The wheel and sdist of {@code version} (built on first use in this JVM), sorted by file name. */
    public static synchronized List<Path> build(String version) {
        if (!VERSION.matcher(version).matches()) {
            throw new IllegalArgumentException("'" + version + "' is not a plain PEP 440 version such as 1.0.0");
        }
        List<Path> cached = BUILT.get(version);
        if (cached != null && cached.stream().allMatch(Files::isRegularFile)) {
            return cached;
        }
        try {
            Path work = Files.createDirectories(cacheDir().resolve(version));
            Path source = work.resolve("src");
            Path out = work.resolve("dist");
            Trees.delete(source);
            Trees.delete(out);
            Trees.copy(sampleDir(), source, Trees::isLeftover);
            Path pyproject = source.resolve("pyproject.toml");
            String text = Files.readString(pyproject, StandardCharsets.UTF_8);
            Matcher m = PLACEHOLDER.matcher(text);
            if (!m.find()) {
                throw new IllegalStateException(sampleDir().resolve("pyproject.toml")
                        + " must contain the line: version = \"0.0.0\" (the placeholder the fixture replaces)");
            }
            Files.writeString(pyproject, m.replaceFirst("version = \"" + version + "\""), StandardCharsets.UTF_8);
            LocalCommand.run(List.of(PYTHON, "-m", "build", "--no-isolation", "--outdir", out.toString(), source.toString()),
                    Duration.ofMinutes(5), work, Map.of("PYTHONDONTWRITEBYTECODE", "1", "SOURCE_DATE_EPOCH", "1700000000"))
                    .orThrow();
            List<Path> files;
            try (Stream<Path> list = Files.list(out)) {
                files = list.sorted().toList();
            }
            boolean wheel = files.stream().anyMatch(f -> f.getFileName().toString().endsWith(".whl"));
            boolean sdist = files.stream().anyMatch(f -> f.getFileName().toString().endsWith(".tar.gz"));
            if (!wheel || !sdist) {
                throw new IllegalStateException("building essay-sample " + version + " produced " + files
                        + "; expected a wheel and an sdist");
            }
            BUILT.put(version, files);
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build essay-sample " + version, e);
        }
    }

    private static Path cacheDir() throws IOException {
        if (cacheDir == null) {
            Path dir = Files.createTempDirectory("essay-sample-dists-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> Trees.delete(dir), "essay-sample-dists-cleanup"));
            cacheDir = dir;
        }
        return cacheDir;
    }
}
