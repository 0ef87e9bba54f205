package dev.essay.index;

import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.essay.index.PackageIndexServer.Credentials;
import dev.essay.core.model.Secret;
import dev.essay.fleet.LocalCommand;
import dev.essay.fleet.SampleBuild;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real twine uploads the sample's wheel and sdist to the index (basic auth, the password in
 * {@code TWINE_PASSWORD}, never in argv); a second upload is refused with 409 and a wrong password with 401;
 * then real pip, in a fresh virtualenv, installs the uploaded version, reading the PEP 691 JSON pages.
 */
class PackageIndexServerTwineIT {
    private static final String TWINE = "/usr/bin/twine";
    private static final String PASSWORD = "tw1ne-Upl0ad-secret";
    private static final String VERSION = "3.1.0";

    @TempDir
    Path work;

    @Test
    void twineUploadsAndPipInstalls() throws Exception {
        List<Path> built = SampleBuild.build(VERSION);
        Path dists = Files.createDirectory(work.resolve("index"));
        List<PackageIndexServer.Request> requests = new CopyOnWriteArrayList<>();

        try (PackageIndexServer index = PackageIndexServer.builder(dists)
                .bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0))
                .uploadAuth(new Credentials("deploy", Secret.of(PASSWORD)))
                .requestLog(requests::add)
                .start()) {
            LocalCommand.Result upload = twine(index, PASSWORD, built);
            assertThat(upload.exitCode()).as(upload.output()).isZero();
            assertThat(upload.command()).noneMatch(arg -> arg.contains(PASSWORD));
            for (Path file : built) {
                assertThat(dists.resolve(file.getFileName())).hasSameBinaryContentAs(file);
            }
            // a request is logged just after its answer is sent
            await("every upload to be logged").atMost(Duration.ofSeconds(10))
                    .until(() -> requests.stream().filter(r -> r.method().equals("POST")).count() >= built.size());
            assertThat(requests).filteredOn(r -> r.method().equals("POST"))
                    .hasSize(built.size())
                    .allSatisfy(r -> {
                        assertThat(r.status()).isEqualTo(200);
                        assertThat(r.user()).isEqualTo("deploy");
                    });

            LocalCommand.Result again = twine(index, PASSWORD, built.subList(0, 1));
            assertThat(again.exitCode()).as(again.output()).isNotZero();
            assertThat(again.output()).containsIgnoringCase("409").containsIgnoringCase("conflict");

            LocalCommand.Result wrong = twine(index, "not-the-password", built.subList(0, 1));
            assertThat(wrong.exitCode()).as(wrong.output()).isNotZero();
            assertThat(wrong.output()).contains("401");
            assertThat(requests.toString()).doesNotContain(PASSWORD).doesNotContain("not-the-password");

            Path venv = work.resolve("venv");
            run(SampleBuild.PYTHON, "-m", "venv", venv.toString());
            requests.clear();
            LocalCommand.Result install = run(venv.resolve("bin/pip").toString(), "install", "--no-cache-dir",
                    "--disable-pip-version-check", "--no-input", "--index-url", index.simpleUrl().toString(),
                    "essay-sample==" + VERSION);
            assertThat(install.output()).contains("Successfully installed essay-sample-" + VERSION);
            assertThat(run(venv.resolve("bin/python").toString(), "-c",
                    "import importlib.metadata as m; print(m.version('essay-sample'))").output().trim()).isEqualTo(VERSION);

            // pip >= 22.2 asks for PEP 691 JSON first; the server must have answered in JSON
            assertThat(requests).filteredOn(r -> r.path().equals("/simple/essay-sample/"))
                    .isNotEmpty()
                    .allSatisfy(r -> {
                        assertThat(r.accept()).contains(PackageIndexServer.JSON_V1);
                        assertThat(r.contentType()).isEqualTo(PackageIndexServer.JSON_V1);
                        assertThat(r.status()).isEqualTo(200);
                    });
        }
    }

    private static LocalCommand.Result twine(PackageIndexServer index, String password, List<Path> files) {
        List<String> command = new ArrayList<>(List.of(TWINE, "upload", "--non-interactive", "--disable-progress-bar",
                "--repository-url", index.uploadUrl().toString(), "-u", "deploy"));
        files.forEach(f -> command.add(f.toString()));
        Map<String, String> env = new HashMap<>();
        env.put("TWINE_PASSWORD", password);
        env.put("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring");
        env.put("PYTHONNOUSERSITE", "1");
        return LocalCommand.run(command, Duration.ofMinutes(3), null, env);
    }

    private static LocalCommand.Result run(String... command) {
        return LocalCommand.run(List.of(command), Duration.ofMinutes(5), null,
                Map.of("PIP_CONFIG_FILE", "/dev/null", "PYTHONNOUSERSITE", "1")).orThrow();
    }
}
