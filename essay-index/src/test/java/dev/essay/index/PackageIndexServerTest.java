package dev.essay.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PackageIndexServerTest {
    private static final String WHEEL = "essay_sample-1.0.0-py3-none-any.whl";
    private static final String SDIST = "essay-sample-1.0.0.tar.gz";

    @TempDir
    Path root;
    Path dir;
    PackageIndexServer index;
    final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws IOException {
        dir = Files.createDirectory(root.resolve("dists"));
        Files.write(dir.resolve(WHEEL), bytes("wheel bytes"));
        Files.write(dir.resolve(SDIST), bytes("sdist bytes"));
        Files.write(dir.resolve("essay_sample-2.0.0.tar.gz"), bytes("newer sdist"));
        Files.write(dir.resolve("Zope.Interface-5.5-cp311-cp311-linux_x86_64.whl"), bytes("zope"));
        Files.write(dir.resolve("notes.txt"), bytes("not a distribution"));
        Files.write(dir.resolve(".partial-9.9.tar.gz"), bytes("hidden"));
        Files.write(root.resolve("secret.txt"), bytes("outside the index"));
        index = PackageIndexServer.start(dir, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void stop() {
        index.close();
    }

    @Test
    void simpleUrlNamesTheBoundPort() {
        assertThat(index.port()).isPositive();
        assertThat(index.simpleUrl()).isEqualTo(URI.create("http://127.0.0.1:" + index.port() + "/simple/"));
    }

    @Test
    void rootPageListsNormalizedProjects() throws Exception {
        HttpResponse<String> response = get("/simple/");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(response.body())
                .startsWith("<!DOCTYPE html>")
                .contains("<a href=\"/simple/essay-sample/\">essay-sample</a>")
                .contains("<a href=\"/simple/zope-interface/\">zope-interface</a>")
                .doesNotContain("notes", "partial", "essay_sample");
    }

    @Test
    void projectPageLinksEveryFileWithItsSha256() throws Exception {
        HttpResponse<String> response = get("/simple/essay-sample/");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body())
                .contains("<a href=\"/packages/" + WHEEL + "#sha256=" + sha256("wheel bytes") + "\">" + WHEEL + "</a>")
                .contains("<a href=\"/packages/" + SDIST + "#sha256=" + sha256("sdist bytes") + "\">" + SDIST + "</a>")
                .contains("<a href=\"/packages/essay_sample-2.0.0.tar.gz#sha256=" + sha256("newer sdist") + "\">")
                .doesNotContain("Zope");
    }

    @Test
    void filesAddedAfterStartAreListedAndServed() throws Exception {
        Files.write(dir.resolve("essay_sample-3.0.0-py3-none-any.whl"), bytes("third"));

        assertThat(get("/simple/essay-sample/").body()).contains("essay_sample-3.0.0-py3-none-any.whl#sha256=" + sha256("third"));
        assertThat(get("/packages/essay_sample-3.0.0-py3-none-any.whl").body()).isEqualTo("third");
    }

    @Test
    void redirectsToTheTrailingSlashAndTheNormalizedName() throws Exception {
        assertRedirect("/simple", "/simple/");
        assertRedirect("/simple/essay-sample", "/simple/essay-sample/");
        assertRedirect("/simple/Essay_Sample/", "/simple/essay-sample/");
        assertRedirect("/simple/essay.sample", "/simple/essay-sample/");
    }

    @Test
    void servesTheBytesOfADistribution() throws Exception {
        HttpResponse<byte[]> response = http.send(request("/packages/" + WHEEL), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(bytes("wheel bytes"));
        assertThat(response.headers().firstValueAsLong("Content-Length")).hasValue(11);
    }

    @Test
    void headAnswersWithoutABody() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(index.simpleUrl().resolve("/packages/" + SDIST))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/simple/unknown/", "/simple/unknown", "/packages/notes.txt", "/packages/",
            "/packages/.partial-9.9.tar.gz", "/packages/nope-1.0.tar.gz", "/simple/essay-sample/extra/", "/elsewhere"})
    void answers404ForAnythingElse(String path) throws Exception {
        assertThat(get(path).statusCode()).isEqualTo(404);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/packages/../secret.txt", "/packages/%2e%2e/secret.txt", "/packages/..%2fsecret.txt",
            "/packages/%2E%2E%2Fsecret.txt", "/simple/../../secret.txt", "/packages/..%5csecret.txt",
            "/packages/%2fetc%2fpasswd", "/packages//etc/passwd", "/packages/./" + WHEEL})
    void rejectsPathTraversal(String rawPath) throws Exception {
        String response = rawGet(rawPath);

        assertThat(response).startsWith("HTTP/1.1 404").doesNotContain("outside the index", "root:");
    }

    @Test
    void refusesOtherMethods() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(index.simpleUrl())
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).hasValue("GET, HEAD");
    }

    @Test
    void closeReleasesThePort() throws Exception {
        int port = index.port();
        index.close();
        index.close();

        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void refusesAMissingDirectory() {
        assertThatThrownBy(() -> PackageIndexServer.start(root.resolve("missing"), new InetSocketAddress(0)))
                .isInstanceOf(IOException.class).hasMessageContaining("missing");
    }

    @ParameterizedTest
    @CsvSource({"essay-sample,essay-sample", "Essay_Sample,essay-sample", "friendly.bar,friendly-bar",
            "FRIENDLY__BAR,friendly-bar", "friendly-._bar,friendly-bar", "a,a"})
    void normalizesNamesPerPep503(String name, String normalized) {
        assertThat(PackageIndexServer.normalize(name)).isEqualTo(normalized);
    }

    @ParameterizedTest
    @CsvSource({
            "essay_sample-1.0.0-py3-none-any.whl,essay_sample",
            "essay_sample-1.0.0-1-py3-none-any.whl,essay_sample",
            "Zope.Interface-5.5-cp311-cp311-linux_x86_64.whl,Zope.Interface",
            "essay-sample-1.0.0.tar.gz,essay-sample",
            "essay_sample-1.0.0rc1.tar.gz,essay_sample",
            "foo-bar-2-1.0.zip,foo-bar-2",
            "pkg-0.1.tar.bz2,pkg"})
    void parsesTheProjectOfADistributionFile(String file, String project) {
        assertThat(PackageIndexServer.projectOf(file)).hasValue(project);
    }

    @ParameterizedTest
    @ValueSource(strings = {"notes.txt", "essay_sample.whl", "noversion.tar.gz", ".hidden-1.0.tar.gz",
            "a/b-1.0.tar.gz", "essay_sample-1.0.0-py3-none.whl"})
    void ignoresOtherFiles(String file) {
        assertThat(PackageIndexServer.projectOf(file)).isEqualTo(Optional.empty());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(request(path), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(String path) {
        return HttpRequest.newBuilder(index.simpleUrl().resolve(path)).timeout(Duration.ofSeconds(10)).build();
    }

    private void assertRedirect(String path, String location) throws Exception {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).as(path).isEqualTo(301);
        assertThat(response.headers().firstValue("Location")).as(path).hasValue(location);
    }

    /** Sends the request line exactly as given (no client-side normalization). */
    private String rawGet(String rawPath) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), index.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + rawPath + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            in.transferTo(response);
            return response.toString(StandardCharsets.UTF_8);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String sha256(String content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes(content)));
    }
}
