package dev.essay.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.essay.fleet.LocalCommand;
import dev.essay.fleet.SampleBuild;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real pip, in a real virtualenv, installs the sample from the index. */
class PackageIndexServerPipIT {
    @TempDir
    Path work;

    @Test
    void pipInstallsTheSampleFromTheIndex() throws Exception {
        Path dists = Files.createDirectory(work.resolve("dists"));
        for (String version : List.of("1.0.0", "2.0.0")) {
            for (Path file : SampleBuild.build(version)) {
                Files.copy(file, dists.resolve(file.getFileName()));
            }
        }
        Path venv = work.resolve("venv");
        run(SampleBuild.PYTHON, "-m", "venv", venv.toString());

        try (PackageIndexServer index = PackageIndexServer.start(dists, new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0))) {
            LocalCommand.Result install = run(venv.resolve("bin/pip").toString(), "install", "--no-cache-dir",
                    "--disable-pip-version-check", "--no-input", "--index-url", index.simpleUrl().toString(),
                    "essay-sample==1.0.0");
            assertThat(install.output()).contains("Successfully installed essay-sample-1.0.0");
            assertThat(version(venv)).isEqualTo("1.0.0");

            LocalCommand.Result upgrade = run(venv.resolve("bin/pip").toString(), "install", "--no-cache-dir",
                    "--disable-pip-version-check", "--no-input", "--index-url", index.simpleUrl().toString(),
                    "--upgrade", "essay-sample");
            assertThat(upgrade.output()).contains("Successfully installed essay-sample-2.0.0");
            assertThat(version(venv)).isEqualTo("2.0.0");
        }
        assertThat(run(venv.resolve("bin/essay-sample").toString(), "--help").output()).contains("--port", "--profile");
    }

    private static String version(Path venv) {
        return run(venv.resolve("bin/python").toString(), "-c",
                "import importlib.metadata as m; print(m.version('essay-sample'))").output().trim();
    }

    private static LocalCommand.Result run(String... command) {
        return LocalCommand.run(List.of(command), Duration.ofMinutes(5), null,
                Map.of("PIP_CONFIG_FILE", "/dev/null", "PYTHONNOUSERSITE", "1")).orThrow();
    }
}
