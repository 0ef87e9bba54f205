package dev.essay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code essay} launcher at the repository root, run on a copy of the built layout (launcher, jar, lib/)
 * so that the checkout's own class data archives are left alone: each command's first run writes its
 * archive, later runs use it, a rebuilt jar gets a new one, and none of it ever shows in the output.
 */
class LauncherIT {
    @TempDir
    static Path checkout;
    private static Path target;
    private static Path jar;

    @BeforeAll
    static void copyTheBuiltLayout() throws IOException {
        Path repo = Path.of("").toAbsolutePath().getParent();
        Path built = repo.resolve("essay-cli/target");
        Path builtJar;
        try (Stream<Path> files = Files.list(built)) {
            builtJar = files.filter(p -> p.getFileName().toString().matches("essay-cli-[^-]+(-SNAPSHOT)?\\.jar"))
                    .findFirst().orElseThrow(() -> new IllegalStateException("no essay-cli jar in " + built + "; run mvn package"));
        }
        target = Files.createDirectories(checkout.resolve("essay-cli/target"));
        jar = Files.copy(builtJar, target.resolve(builtJar.getFileName()));
        Path lib = Files.createDirectories(target.resolve("lib"));
        try (Stream<Path> libs = Files.list(built.resolve("lib"))) {
            for (Path l : libs.toList()) {
                Files.copy(l, lib.resolve(l.getFileName()));
            }
        }
        Files.copy(repo.resolve("essay"), checkout.resolve("essay"));
    }

    @Test
    void eachCommandsFirstRunWritesItsArchiveLaterRunsUseItAndNothingShowsInTheOutput() throws Exception {
        String plain = run(List.of(javaBin(), "-jar", jar.toString(), "--version"));
        Path archive = archive("cli");
        Files.deleteIfExists(archive);

        assertThat(launch("--version")).isEqualTo(plain);
        assertThat(archive).isNotEmptyFile();
        assertThat(leftovers()).isEmpty();
        FileTime written = Files.getLastModifiedTime(archive);

        assertThat(launch("--version")).isEqualTo(plain);
        assertThat(Files.getLastModifiedTime(archive)).isEqualTo(written);

        // the command is the first word that is not an option or the value of --config
        assertThat(launch("--config", "essay.yaml", "status", "--help")).contains("Usage: essay status");
        assertThat(archive("status")).isNotEmptyFile();
        assertThat(archive("essay")).doesNotExist();
    }

    @Test
    void aRebuiltJarGetsANewArchiveAndTheStaleOneIsNeverReported() throws Exception {
        String plain = run(List.of(javaBin(), "-jar", jar.toString(), "--help"));
        launch("--help");
        Path archive = archive("cli");
        assertThat(archive).isNotEmptyFile();

        // an archive the JVM refuses (it checks the jar's time and size) is not reported, only not used
        FileTime archived = Files.getLastModifiedTime(archive);
        Files.setLastModifiedTime(jar, FileTime.fromMillis(archived.toMillis() - 10_000));
        assertThat(launch("--help")).isEqualTo(plain);
        assertThat(Files.getLastModifiedTime(archive)).isEqualTo(archived);

        // as after a build: the jar is newer than the archive, which the next run writes again
        Files.setLastModifiedTime(jar, FileTime.fromMillis(archived.toMillis() + 1));
        assertThat(launch("--help")).isEqualTo(plain);
        FileTime rewritten = Files.getLastModifiedTime(archive);
        assertThat(rewritten).isGreaterThan(Files.getLastModifiedTime(jar));
        assertThat(launch("--help")).isEqualTo(plain);
        assertThat(Files.getLastModifiedTime(archive)).isEqualTo(rewritten);
        assertThat(leftovers()).isEmpty();
    }

    private static Path archive(String command) {
        String name = jar.getFileName().toString();
        return target.resolve(name.substring(0, name.length() - ".jar".length()) + "-" + command + ".jsa");
    }

    private static List<Path> leftovers() throws IOException {
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String launch(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(checkout.resolve("essay").toString()));
        argv.addAll(List.of(args));
        return run(argv);
    }

    /** Runs a command (java of this JVM first on PATH) and returns its output; fails unless it exits 0. */
    private static String run(List<String> argv) throws Exception {
        Path out = Files.createTempFile(checkout, "out-", ".txt");
        ProcessBuilder builder = new ProcessBuilder(argv).directory(checkout.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("PATH", Path.of(javaBin()).getParent() + File.pathSeparator + System.getenv("PATH"));
        builder.environment().remove("JDK_JAVA_OPTIONS");
        Process process = builder.start();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(argv + " did not end within 2 minutes");
        }
        String output = Files.readString(out, StandardCharsets.UTF_8);
        Files.delete(out);
        assertThat(process.exitValue()).as("exit status of %s; output:%n%s", argv, output).isZero();
        return output;
    }
}
