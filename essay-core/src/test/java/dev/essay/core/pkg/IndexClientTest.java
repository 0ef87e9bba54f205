package dev.essay.core.pkg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.essay.core.error.EssayException;
import dev.essay.core.model.Secret;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexClientTest {
    @TempDir
    Path dir;

    HttpServer server;
    final Map<String, String> pages = new ConcurrentHashMap<>();
    final Map<String, String> redirects = new ConcurrentHashMap<>();
    final List<String> requests = new ArrayList<>();
    /** The Authorization header of each read ("null" without one). */
    final List<String> readLogins = new ArrayList<>();
    volatile int uploadStatus = 200;
    volatile String uploadAnswer = "OK";

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            byte[] body;
            int status;
            if (exchange.getRequestMethod().equals("POST")) {
                byte[] in = exchange.getRequestBody().readAllBytes();
                synchronized (requests) {
                    requests.add(path + "\n" + exchange.getRequestHeaders().getFirst("Authorization") + "\n"
                            + exchange.getRequestHeaders().getFirst("Content-Type") + "\n"
                            + new String(in, StandardCharsets.ISO_8859_1));
                }
                status = uploadStatus;
                body = uploadAnswer.getBytes(StandardCharsets.UTF_8);
            } else if (redirects.containsKey(path)) {
                exchange.getResponseHeaders().add("Location", redirects.get(path));
                status = 301;
                body = new byte[0];
            } else if (pages.containsKey(path)) {
                synchronized (readLogins) {
                    readLogins.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
                }
                status = 200;
                body = pages.get(path).getBytes(StandardCharsets.UTF_8);
            } else {
                status = 404;
                body = "not found".getBytes(StandardCharsets.UTF_8);
            }
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    private IndexClient client(String user, String password) {
        return new IndexClient(base() + "simple/", base(), user, password == null ? null : Secret.of(password));
    }

    @Test
    void unknownProjectHasNoVersions() {
        assertThat(client(null, null).versions("Essay_Sample")).isEmpty();
    }

    @Test
    void versionsFromTheSimplePage() {
        pages.put("/simple/essay-sample/", """
                <!DOCTYPE html><html><body>
                <a href="../../packages/essay_sample-6.11.28.1-py3-none-any.whl#sha256=aa">essay_sample-6.11.28.1-py3-none-any.whl</a><br>
                <a href="../../packages/essay-sample-6.11.28.1.tar.gz#sha256=bb">essay-sample-6.11.28.1.tar.gz</a>
                <a href="/packages/essay_sample-6.11.28.2.tar.gz">essay_sample-6.11.28.2.tar.gz</a>
                <a href="/packages/essay.sample-6.11.28.4+fixbug.zip">essay.sample-6.11.28.4+fixbug.zip</a>
                <a href="/packages/other-1.0.tar.gz">other-1.0.tar.gz</a>
                </body></html>
                """);
        IndexClient c = client(null, null);
        assertThat(c.versions("Essay_Sample")).containsExactly("6.11.28.1", "6.11.28.2", "6.11.28.4+fixbug");
        assertThat(c.files("essay-sample").get(0).url())
                .isEqualTo(URI.create(base() + "packages/essay_sample-6.11.28.1-py3-none-any.whl"));
    }

    @Test
    void versionOfFileNames() {
        assertThat(IndexClient.versionOf("essay-sample", "essay_sample-1.0-py3-none-any.whl")).contains("1.0");
        assertThat(IndexClient.versionOf("essay-sample", "essay-sample-1.0.tar.gz")).contains("1.0");
        assertThat(IndexClient.versionOf("essay-sample", "essay-sample-extra-1.0.tar.gz")).isEmpty();
        assertThat(IndexClient.versionOf("essay-sample", "essay_sample.whl")).isEmpty();
    }

    @Test
    void uploadsWithTheLegacyApi() throws IOException {
        Path file = Files.writeString(dir.resolve("essay_sample-1.0-py3-none-any.whl"), "wheel bytes");
        String sha = IndexClient.sha256(file);
        client("deploy", "pa55").upload("essay-sample", "1.0", file, sha);
        assertThat(requests).hasSize(1);
        String r = requests.get(0);
        assertThat(r).startsWith("/\nBasic ZGVwbG95OnBhNTU=\nmultipart/form-data; boundary=");
        for (String field : List.of(":action\"\r\n\r\nfile_upload", "protocol_version\"\r\n\r\n1",
                "name\"\r\n\r\nessay-sample", "version\"\r\n\r\n1.0", "filetype\"\r\n\r\nbdist_wheel",
                "pyversion\"\r\n\r\npy3", "sha256_digest\"\r\n\r\n" + sha, "md5_digest\"\r\n\r\n",
                "metadata_version\"\r\n\r\n2.1",
                "name=\"content\"; filename=\"essay_sample-1.0-py3-none-any.whl\"\r\nContent-Type: application/octet-stream\r\n\r\nwheel bytes\r\n")) {
            assertThat(r).contains(field);
        }
    }

    @Test
    void existingFileIsATypedConflict() throws IOException {
        Path file = Files.writeString(dir.resolve("essay-sample-1.0.tar.gz"), "sdist");
        uploadStatus = 400;
        uploadAnswer = "400 Bad Request: File already exists.";
        assertThatThrownBy(() -> client("deploy", "pa55").upload("essay-sample", "1.0", file, "00"))
                .isInstanceOf(VersionTakenException.class)
                .hasMessageContaining("essay-sample-1.0.tar.gz").hasMessageContaining("1.0 is taken");
        uploadStatus = 409;
        uploadAnswer = "Conflict";
        assertThatThrownBy(() -> client(null, null).upload("essay-sample", "1.0", file, "00"))
                .isInstanceOf(VersionTakenException.class);
        assertThat(requests.get(0)).contains("filetype\"\r\n\r\nsdist").contains("pyversion\"\r\n\r\nsource");
    }

    @Test
    void otherErrorsCarryStatusAndBodyButNeverThePassword() throws IOException {
        Path file = Files.writeString(dir.resolve("essay-sample-1.0.tar.gz"), "sdist");
        uploadStatus = 403;
        uploadAnswer = "forbidden for deploy";
        assertThatThrownBy(() -> client("deploy", "Very-Secret-1").upload("essay-sample", "1.0", file, "00"))
                .isInstanceOf(EssayException.class).isNotInstanceOf(VersionTakenException.class)
                .hasMessageContaining("HTTP 403")
                .satisfies(e -> {
                    EssayException ee = (EssayException) e;
                    assertThat(ee.detail()).contains("forbidden for deploy");
                    assertThat(ee.suggestion()).contains("password");
                    assertThat(ee.getMessage() + ee.detail() + ee.suggestion()).doesNotContain("Very-Secret-1");
                });
    }

    @org.junit.jupiter.api.Test
    void recognisesEachServersAnswerToAnExistingFile() {
        assertThat(IndexClient.isTaken(409, "")).isTrue();
        assertThat(IndexClient.isTaken(400, "400 Bad Request: File already exists.")).isTrue();
        assertThat(IndexClient.isTaken(400, "Repository does not allow updating assets: pypi-hosted")).isTrue();
        assertThat(IndexClient.isTaken(403, "Not enough permissions to delete/overwrite artifact 'pypi-local:x/1.0/x-1.0.tar.gz'"))
                .isTrue();
        assertThat(IndexClient.isTaken(403, "Forbidden")).isFalse();
        assertThat(IndexClient.isTaken(400, "Invalid value for version")).isFalse();
        assertThat(IndexClient.isTaken(500, "already exists")).isFalse();
    }

    @Test
    void readsWithTheLoginWhenThereIsOne() {
        pages.put("/simple/essay-sample/", "<a href=\"essay_sample-1.0-py3-none-any.whl\">essay_sample-1.0-py3-none-any.whl</a>");
        assertThat(client(null, null).versions("essay-sample")).containsExactly("1.0");
        assertThat(client("ci", "s3cret").versions("essay-sample")).containsExactly("1.0");
        assertThat(readLogins).containsExactly("null", "Basic Y2k6czNjcmV0"); // base64("ci:s3cret")
    }

    @Test
    void withALoginFollowsRedirectsOnlyOnTheIndexsOwnAddress() {
        redirects.put("/simple/essay-sample/", "/moved/essay-sample/");
        pages.put("/moved/essay-sample/", "<a href=\"essay_sample-1.1.tar.gz\">essay_sample-1.1.tar.gz</a>");
        assertThat(client("ci", "s3cret").files("essay-sample")).containsExactly(new IndexClient.IndexFile(
                "essay_sample-1.1.tar.gz", URI.create(base() + "moved/essay-sample/essay_sample-1.1.tar.gz"))); // relative to the page it moved to
        assertThat(readLogins).containsExactly("Basic Y2k6czNjcmV0");

        redirects.put("/simple/essay-sample/", "http://localhost:" + server.getAddress().getPort() + "/moved/essay-sample/");
        assertThatThrownBy(() -> client("ci", "s3cret").versions("essay-sample")).isInstanceOf(EssayException.class)
                .hasMessage("the index redirected " + base() + "simple/essay-sample/ to http://localhost:"
                        + server.getAddress().getPort() + "/moved/essay-sample/, another address; essay sends the index"
                        + " login only to the index's own address");
        assertThat(client(null, null).versions("essay-sample")).containsExactly("1.1");
        assertThat(readLogins).containsExactly("Basic Y2k6czNjcmV0", "null");
    }
}
