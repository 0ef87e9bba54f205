package dev.essay.index;

import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.essay.index.PackageIndexServer.Credentials;
import dev.essay.index.PackageIndexServer.Format;
import dev.essay.index.PackageIndexServer.Multipart;
import dev.essay.index.PackageIndexServer.Refusal;
import dev.essay.core.model.Secret;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** PEP 691 JSON, content negotiation, the legacy upload API, basic auth and the multipart parser. */
class PackageIndexServerUploadTest {
    static final String PASSWORD = "pa55:word-with-colon";
    static final String BOUNDARY = "----essayTestBoundary7MA4YWxkTrZu0gW";

    @TempDir
    Path dir;
    PackageIndexServer index;
    final List<PackageIndexServer.Request> requests = new CopyOnWriteArrayList<>();
    final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void stop() {
        if (index != null) {
            index.close();
        }
    }

    private PackageIndexServer start(Credentials auth) throws IOException {
        index = PackageIndexServer.builder(dir)
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .uploadAuth(auth)
                .maxUploadBytes(1024 * 1024)
                .requestLog(requests::add)
                .start();
        return index;
    }

    // ------------------------------------------------------------------------------ negotiation

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01|JSON",
        "application/vnd.pypi.simple.latest+json|JSON",
        "text/html|HTML",
        "*/*|HTML",
        "application/vnd.pypi.simple.v1+json;q=0.5, text/html;q=0.9|HTML",
        "text/html;q=0.2, application/vnd.pypi.simple.v1+json;q=0.3|JSON",
        "application/vnd.pypi.simple.v1+json;q=0|HTML",
        "application/vnd.pypi.simple.v1+html|HTML_V1",
        "application/vnd.pypi.simple.latest+html;q=0.8, application/json|HTML_V1",
        "image/png|HTML",
        "application/vnd.pypi.simple.v1+json;q=bogus, text/html;q=0.1|HTML",
    })
    void negotiatesPerPep691(String accept, Format expected) {
        assertThat(PackageIndexServer.negotiate(List.of(accept))).isEqualTo(expected);
    }

    @Test
    void noAcceptHeaderMeansHtml() {
        assertThat(PackageIndexServer.negotiate(null)).isEqualTo(Format.HTML);
        assertThat(PackageIndexServer.negotiate(List.of())).isEqualTo(Format.HTML);
    }

    @Test
    void servesPep691Json() throws Exception {
        Files.write(dir.resolve("essay_sample-1.0.0-py3-none-any.whl"), bytes("wheel"));
        Files.write(dir.resolve("Zope.Interface-5.5.tar.gz"), bytes("zope"));
        start(null);
        ObjectMapper json = new ObjectMapper();

        HttpResponse<String> root = get("/simple/", PackageIndexServer.JSON_V1);
        assertThat(root.statusCode()).isEqualTo(200);
        assertThat(root.headers().firstValue("Content-Type")).hasValue("application/vnd.pypi.simple.v1+json");
        assertThat(root.headers().firstValue("Vary")).hasValue("Accept");
        JsonNode list = json.readTree(root.body());
        assertThat(list.at("/meta/api-version").asText()).isEqualTo("1.0");
        assertThat(list.at("/projects/0/name").asText()).isEqualTo("essay-sample");
        assertThat(list.at("/projects/1/name").asText()).isEqualTo("zope-interface");

        HttpResponse<String> project = get("/simple/essay-sample/", "application/vnd.pypi.simple.latest+json");
        assertThat(project.headers().firstValue("Content-Type")).hasValue(PackageIndexServer.JSON_V1);
        JsonNode page = json.readTree(project.body());
        assertThat(page.at("/name").asText()).isEqualTo("essay-sample");
        assertThat(page.at("/files/0/filename").asText()).isEqualTo("essay_sample-1.0.0-py3-none-any.whl");
        assertThat(page.at("/files/0/url").asText()).isEqualTo("/packages/essay_sample-1.0.0-py3-none-any.whl");
        assertThat(page.at("/files/0/hashes/sha256").asText()).isEqualTo(sha256(bytes("wheel")));

        HttpResponse<String> html = get("/simple/essay-sample/", "text/html");
        assertThat(html.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(html.body()).contains("#sha256=" + sha256(bytes("wheel")));
        HttpResponse<String> htmlV1 = get("/simple/", "application/vnd.pypi.simple.v1+html");
        assertThat(htmlV1.headers().firstValue("Content-Type")).hasValue("application/vnd.pypi.simple.v1+html");
        assertThat(htmlV1.body()).contains("<a href=\"/simple/essay-sample/\">");
    }

    // ----------------------------------------------------------------------------------- upload

    @Test
    void uploadsAFileAndServesIt() throws Exception {
        start(null);
        byte[] wheel = binary(5000);
        HttpResponse<String> r = upload(null, form("essay-sample", "1.2.0", "essay_sample-1.2.0-py3-none-any.whl",
                wheel, sha256(wheel)));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("essay_sample-1.2.0-py3-none-any.whl");
        assertThat(Files.readAllBytes(dir.resolve("essay_sample-1.2.0-py3-none-any.whl"))).isEqualTo(wheel);
        if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
                    dir.resolve("essay_sample-1.2.0-py3-none-any.whl")))).isEqualTo("rw-r--r--");
        }
        assertThat(get("/simple/essay-sample/", null).body()).contains("#sha256=" + sha256(wheel));
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("essay_sample-1.2.0-py3-none-any.whl");
        }
    }

    @Test
    void legacyPathAcceptsUploadsToo() throws Exception {
        start(null);
        HttpResponse<String> r = send(HttpRequest.newBuilder(index.uploadUrl().resolve("/legacy/")),
                form("essay.sample", "2.0", "essay-sample-2.0.tar.gz", bytes("sdist"), null));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(dir.resolve("essay-sample-2.0.tar.gz")).hasContent("sdist");
        assertThat(index.uploadUrl()).isEqualTo(URI.create("http://127.0.0.1:" + index.port() + "/"));
    }

    @Test
    void refusesAnExistingFileWith409() throws Exception {
        start(null);
        assertThat(upload(null, form("essay-sample", "1.0", "essay_sample-1.0.tar.gz", bytes("one"), null)).statusCode())
                .isEqualTo(200);
        HttpResponse<String> again = upload(null, form("essay-sample", "1.0", "essay_sample-1.0.tar.gz", bytes("two"), null));

        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("file already exists", "essay_sample-1.0.tar.gz");
        assertThat(dir.resolve("essay_sample-1.0.tar.gz")).hasContent("one");
    }

    @Test
    void ofTwoConcurrentUploadsOfOneFileExactlyOneWins() throws Exception {
        start(null);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 15; round++) {
                String file = "racer-1.0." + round + ".tar.gz";
                CountDownLatch go = new CountDownLatch(1);
                List<Future<HttpResponse<String>>> results = new ArrayList<>();
                for (String content : List.of("first", "second")) {
                    byte[] body = form("racer", "1.0." + round, file, bytes(content + " ".repeat(20000)), null);
                    results.add(pool.submit(() -> {
                        go.await();
                        return upload(null, body);
                    }));
                }
                go.countDown();
                List<Integer> statuses = new ArrayList<>();
                for (Future<HttpResponse<String>> f : results) {
                    statuses.add(f.get().statusCode());
                }
                assertThat(statuses).as("round %d", round).containsExactlyInAnyOrder(200, 409);
                String winner = statuses.get(0) == 200 ? "first" : "second";
                assertThat(Files.readString(dir.resolve(file)).strip()).isEqualTo(winner);
            }
        } finally {
            pool.shutdownNow();
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.startsWith("."));
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "essay-sample|1.0|../essay_sample-1.0.tar.gz|invalid file name",
        "essay-sample|1.0|sub/essay_sample-1.0.tar.gz|invalid file name",
        "essay-sample|1.0|..\\essay_sample-1.0.tar.gz|invalid file name",
        "essay-sample|1.0|.essay_sample-1.0.tar.gz|invalid file name",
        "essay-sample|1.0|essay_sample-1.0.exe|not a wheel",
        "essay-sample|1.0|other-1.0.tar.gz|of project 'other'",
        "essay-sample|1.0|essay_sample-1.1-py3-none-any.whl|of version '1.1'",
        "essay sample|1.0|essay_sample-1.0.tar.gz|not a PEP 508 project name",
        "-essay|1.0|essay-1.0.tar.gz|not a PEP 508 project name",
        "essay-sample|1.0-beta|essay_sample-1.0-beta.tar.gz|not a PEP 440 version",
        "essay-sample|v1|essay_sample-v1.tar.gz|not a PEP 440 version",
    })
    void refusesInvalidUploadsWith400(String name, String version, String file, String message) throws Exception {
        start(null);
        HttpResponse<String> r = upload(null, form(name, version, file, bytes("x"), null));

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains(message);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
        assertThat(Files.exists(dir.getParent().resolve("essay_sample-1.0.tar.gz"))).isFalse();
    }

    @Test
    void verifiesTheDigests() throws Exception {
        start(null);
        HttpResponse<String> bad = upload(null, form("essay-sample", "1.0", "essay_sample-1.0.tar.gz", bytes("x"),
                sha256(bytes("y"))));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("sha256_digest does not match");

        Map<String, Object> fields = fields("essay-sample", "1.0");
        fields.put("md5_digest", "0123456789abcdef0123456789abcdef");
        fields.put("content", new FilePart("essay_sample-1.0.tar.gz", bytes("x")));
        HttpResponse<String> badMd5 = upload(null, multipart(fields));
        assertThat(badMd5.statusCode()).isEqualTo(400);
        assertThat(badMd5.body()).contains("md5_digest does not match");

        fields.put("md5_digest", HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes("x"))));
        fields.put("sha256_digest", sha256(bytes("x")).toUpperCase());
        assertThat(upload(null, multipart(fields)).statusCode()).isEqualTo(200);
    }

    @Test
    void refusesOtherActionsAndMissingParts() throws Exception {
        start(null);
        Map<String, Object> fields = fields("essay-sample", "1.0");
        fields.put(":action", "doc_upload");
        assertThat(upload(null, multipart(fields)).body()).contains("unsupported :action 'doc_upload'");
        fields.put(":action", "file_upload");
        HttpResponse<String> noFile = upload(null, multipart(fields));
        assertThat(noFile.statusCode()).isEqualTo(400);
        assertThat(noFile.body()).contains("missing the file");

        HttpResponse<String> notMultipart = http.send(HttpRequest.newBuilder(index.uploadUrl())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(":action=file_upload")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(notMultipart.statusCode()).isEqualTo(400);
        assertThat(notMultipart.body()).contains("multipart/form-data");
    }

    @Test
    void refusesTooLargeUploadsWith413() throws Exception {
        start(null);
        HttpResponse<String> r = upload(null, form("essay-sample", "1.0", "essay_sample-1.0.tar.gz",
                binary(1024 * 1024 + 1), null));
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.body()).contains("too large");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void getAndHeadOnTheUploadUrlAreNotUploads() throws Exception {
        start(null);
        assertThat(get("/", null).statusCode()).isEqualTo(404);
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(index.uploadUrl())
                .PUT(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).isEqualTo(405);
        assertThat(put.headers().firstValue("Allow")).hasValue("POST");
    }

    // ------------------------------------------------------------------------------------- auth

    @Test
    void uploadsNeedBasicAuthWhenConfigured() throws Exception {
        start(new Credentials("deploy", Secret.of(PASSWORD)));
        Files.write(dir.resolve("essay_sample-0.9.tar.gz"), bytes("old"));
        byte[] body = form("essay-sample", "1.0", "essay_sample-1.0.tar.gz", bytes("x"), null);

        HttpResponse<String> none = upload(null, body);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"essay\"");
        assertThat(upload(basic("deploy", "wrong"), body).statusCode()).isEqualTo(401);
        assertThat(upload(basic("other", PASSWORD), body).statusCode()).isEqualTo(401);
        assertThat(upload("Basic !!!notbase64", body).statusCode()).isEqualTo(401);
        assertThat(upload("Bearer " + PASSWORD, body).statusCode()).isEqualTo(401);
        assertThat(Files.exists(dir.resolve("essay_sample-1.0.tar.gz"))).isFalse();

        assertThat(get("/simple/essay-sample/", null).statusCode()).as("reads stay open").isEqualTo(200);
        assertThat(get("/packages/essay_sample-0.9.tar.gz", null).statusCode()).isEqualTo(200);

        assertThat(upload(basic("deploy", PASSWORD), body).statusCode()).isEqualTo(200);
        assertThat(index.uploadNeedsAuth()).isTrue();
        assertThat(requests).isNotEmpty();
        assertThat(requests.toString()).doesNotContain(PASSWORD)
                .doesNotContain(Base64.getEncoder().encodeToString(("deploy:" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
        // a request is logged just after its answer is sent: wait for the records
        awaitRecord(r -> r.method().equals("POST") && r.status() == 200);
        assertThat(requests).filteredOn(r -> r.method().equals("POST") && r.status() == 200)
                .singleElement().satisfies(r -> assertThat(r.user()).isEqualTo("deploy"));
        assertThat(requests).filteredOn(r -> r.status() == 401).hasSize(5).allSatisfy(r -> assertThat(r.user()).isNull());
        get("/simple/", null);
        awaitRecord(r -> r.path().equals("/simple/"));
        assertThat(requests).filteredOn(r -> r.path().equals("/simple/"))
                .singleElement().satisfies(r -> assertThat(r.user()).as("a read after an upload has no user").isNull());
    }

    @Test
    void credentialsNeverPrintThePassword() {
        Credentials c = new Credentials("deploy", Secret.of(PASSWORD));
        assertThat(c.toString()).contains("deploy").doesNotContain(PASSWORD);
        assertThatThrownBy(() -> new Credentials("a:b", Secret.of("x"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Credentials("a", Secret.of(""))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void comparesSecretsOfAnyLength() {
        assertThat(PackageIndexServer.constantTimeEquals(bytes("abc"), bytes("abc"))).isTrue();
        assertThat(PackageIndexServer.constantTimeEquals(bytes("abc"), bytes("abd"))).isFalse();
        assertThat(PackageIndexServer.constantTimeEquals(bytes("abc"), bytes("abcd"))).isFalse();
        assertThat(PackageIndexServer.constantTimeEquals(bytes(""), bytes(""))).isTrue();
    }

    // -------------------------------------------------------------------------------- multipart

    @Test
    void parsesMultipartBinarySafely() throws Exception {
        // data that looks like delimiters but is not one: CRLF, "--", a boundary prefix, NUL and high bytes
        byte[] tricky = concat(bytes("\r\n--" + BOUNDARY.substring(0, 10) + "\r\n\r\n--\0"), new byte[] {(byte) 0xff, (byte) 0x80, 0});
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put(":action", "file_upload");
        fields.put("empty", "");
        fields.put("summary", "héllo\r\nworld");
        fields.put("content", new FilePart("we\"ird.tar.gz", tricky));
        Multipart form = Multipart.parse(multipart(fields), bytes(BOUNDARY));

        assertThat(form.parts()).hasSize(4);
        assertThat(form.field(":action")).isEqualTo("file_upload");
        assertThat(form.field("empty")).isEmpty();
        assertThat(form.field("summary")).isEqualTo("héllo\r\nworld");
        assertThat(form.field("content")).as("a file part is not a field").isNull();
        assertThat(form.part("content").fileName()).isEqualTo("we\"ird.tar.gz");
        assertThat(form.part("content").contentType()).isEqualTo("application/octet-stream");
        assertThat(form.part("content").data()).isEqualTo(tricky);
        assertThat(form.field("absent")).isNull();
    }

    @Test
    void parsesAPreambleAndAnEpilogue() throws Exception {
        byte[] body = bytes("preamble\r\n--b\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--b--\r\nepilogue");
        assertThat(Multipart.parse(body, bytes("b")).field("a")).isEqualTo("1");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "no boundary at all",
        "--b\r\nContent-Disposition: form-data; name=a\r\n\r\nunterminated",
        "--b\r\nContent-Disposition: form-data; name=a\r\n",
        "--b\r\nContent-Disposition: attachment; name=a\r\n\r\n1\r\n--b--",
        "--b\r\nContent-Disposition: form-data\r\n\r\n1\r\n--b--",
        "--b\r\nContent-Disposition: form-data; name=\"a\r\n\r\n1\r\n--b--",
        "--bgarbage\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--b--",
    })
    void refusesMalformedMultipart(String body) {
        assertThatThrownBy(() -> Multipart.parse(bytes(body), bytes("b")))
                .isInstanceOf(Refusal.class)
                .satisfies(e -> assertThat(((Refusal) e).status).isEqualTo(400));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "multipart/form-data; boundary=abc|abc",
        "multipart/form-data; boundary=\"a b:c\"|a b:c",
        "Multipart/Form-Data;charset=utf-8;boundary=xyz|xyz",
    })
    void readsTheBoundary(String contentType, String boundary) throws Exception {
        assertThat(new String(Multipart.boundary(contentType), StandardCharsets.ISO_8859_1)).isEqualTo(boundary);
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "multipart/form-data", "multipart/form-data; boundary=", "multipart/mixed; boundary=a"})
    void refusesOtherContentTypes(String contentType) {
        assertThatThrownBy(() -> Multipart.boundary(contentType)).isInstanceOf(Refusal.class);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "essay_sample-1.0.0-py3-none-any.whl|1.0.0",
        "essay_sample-1.0.0-1-py3-none-any.whl|1.0.0",
        "essay-sample-1.0.0rc1.tar.gz|1.0.0rc1",
        "Zope.Interface-5.5+local.1.zip|5.5+local.1",
    })
    void readsTheVersionOfAFileName(String file, String version) {
        assertThat(PackageIndexServer.versionOf(file)).hasValue(version);
    }

    // ---------------------------------------------------------------------------------- helpers

    record FilePart(String fileName, byte[] data) {
    }

    private static Map<String, Object> fields(String name, String version) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put(":action", "file_upload");
        fields.put("protocol_version", "1");
        fields.put("name", name);
        fields.put("version", version);
        fields.put("filetype", "sdist");
        return fields;
    }

    static byte[] form(String name, String version, String fileName, byte[] data, String sha256) {
        Map<String, Object> fields = fields(name, version);
        if (sha256 != null) {
            fields.put("sha256_digest", sha256);
        }
        fields.put("content", new FilePart(fileName, data));
        return multipart(fields);
    }

    static byte[] multipart(Map<String, Object> fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            out.writeBytes(bytes("--" + BOUNDARY + "\r\n"));
            if (e.getValue() instanceof FilePart f) {
                out.writeBytes(("Content-Disposition: form-data; name=\"" + e.getKey() + "\"; filename=\""
                        + f.fileName().replace("\\", "\\\\").replace("\"", "\\\"") + "\"\r\n"
                        + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
                out.writeBytes(f.data());
            } else {
                out.writeBytes(("Content-Disposition: form-data; name=\"" + e.getKey() + "\"\r\n\r\n" + e.getValue())
                        .getBytes(StandardCharsets.UTF_8));
            }
            out.writeBytes(bytes("\r\n"));
        }
        out.writeBytes(bytes("--" + BOUNDARY + "--\r\n"));
        return out.toByteArray();
    }

    private HttpResponse<String> upload(String authorization, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(index.uploadUrl());
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return send(request, body);
    }

    private HttpResponse<String> send(HttpRequest.Builder request, byte[] body) throws Exception {
        return http.send(request.header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String accept) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(index.simpleUrl().resolve(path));
        if (accept != null) {
            request.header("Accept", accept);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void awaitRecord(java.util.function.Predicate<PackageIndexServer.Request> which) {
        await("the request to be logged").atMost(Duration.ofSeconds(10)).until(() -> requests.stream().anyMatch(which));
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] binary(int size) {
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = (byte) (i * 31 + (i >> 8));
        }
        return data;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
