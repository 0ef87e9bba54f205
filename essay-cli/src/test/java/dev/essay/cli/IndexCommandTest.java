package dev.essay.cli;

import org.awaitility.core.TerminalFailureException;
import org.awaitility.core.ConditionTimeoutException;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class IndexCommandTest {
    private static final String SECRET = "Index-Serve-s3cret";
    private static final String BOUNDARY = "essayCliBoundary";

    @TempDir
    Path tmp;

    /** `essay index serve` in a background thread, with output captured as it is written. */
    static final class Served implements AutoCloseable {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final AtomicInteger exit = new AtomicInteger(-1);
        final Thread thread;

        Served(String... args) {
            CommandLine cmd = new CommandLine(new EssayCommand());
            cmd.setOut(new PrintWriter(out, true));
            cmd.setErr(new PrintWriter(err, true));
            thread = new Thread(() -> exit.set(cmd.execute(args)), "index-serve-test");
            thread.setDaemon(true);
            thread.start();
        }

        /** The URL printed after {@code label}, once the server is up. */
        URI url(String label) {
            Pattern p = Pattern.compile(Pattern.quote(label) + "\\s+(http://\\S+)");
            try {
                Matcher m = await(label + " in the output").atMost(Duration.ofSeconds(10))
                        .failFast("the server ended", () -> !thread.isAlive())
                        .until(() -> p.matcher(out.toString()), Matcher::find);
                return URI.create(m.group(1));
            } catch (ConditionTimeoutException | TerminalFailureException e) {
                throw new AssertionError("no " + label + " in output: " + out + err, e);
            }
        }

        /** Stops the server (as Ctrl-C would end the wait) and returns the exit code. */
        int stop() throws InterruptedException {
            thread.interrupt();
            thread.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(thread.isAlive()).isFalse();
            return exit.get();
        }

        @Override
        public void close() throws InterruptedException {
            if (thread.isAlive()) {
                stop();
            }
        }
    }

    @Test
    void servesAcceptsAnAuthenticatedUploadAndStops() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("dists"));
        Path passwordFile = tmp.resolve("password");
        Files.writeString(passwordFile, SECRET + "\n");
        int port = freePort();

        try (Served served = new Served("index", "serve", "--dir", dir.toString(), "--port", Integer.toString(port),
                "--user", "deploy", "--password-file", passwordFile.toString())) {
            URI simple = served.url("(pip --index-url):");
            URI upload = served.url("(twine --repository-url):");
            assertThat(simple).isEqualTo(URI.create("http://127.0.0.1:" + port + "/simple/"));
            assertThat(upload).isEqualTo(URI.create("http://127.0.0.1:" + port + "/"));

            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            byte[] form = form("essay-sample", "1.0.0", "essay_sample-1.0.0.tar.gz", "sdist bytes");
            assertThat(http.send(post(upload, form, "deploy", "wrong"), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(401);
            HttpResponse<String> ok = http.send(post(upload, form, "deploy", SECRET), HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(dir.resolve("essay_sample-1.0.0.tar.gz")).hasContent("sdist bytes");
            assertThat(http.send(post(upload, form, "deploy", SECRET), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(409);
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(simple.resolve("essay-sample/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.body()).contains("essay_sample-1.0.0.tar.gz#sha256=");

            assertThat(served.stop()).isZero();
            assertThat(served.out.toString()).contains("serving " + dir.toAbsolutePath(), "uploads: HTTP basic auth as deploy",
                    "POST / 401", "POST / 200 (deploy)", "POST / 409 (deploy)", "stopped");
            assertThat(served.out.toString() + served.err).doesNotContain(SECRET).doesNotContain("wrong");
        }
        try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThat(again.getLocalPort()).as("the port is released").isEqualTo(port);
        }
    }

    @Test
    void passwordFromTheEnvironmentIsNeverPrinted() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("dists"));
        String variable = System.getenv("HOME") != null ? "HOME" : "PATH";
        String value = System.getenv(variable);
        try (Served served = new Served("index", "serve", "--dir", dir.toString(), "--port", "0",
                "--user", "deploy", "--password-env", variable)) {
            URI upload = served.url("(twine --repository-url):");
            HttpClient http = HttpClient.newHttpClient();
            byte[] form = form("essay-sample", "2.0", "essay_sample-2.0.tar.gz", "x");
            assertThat(http.send(post(upload, form, "deploy", value), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(200);
            assertThat(served.stop()).isZero();
            assertThat(served.out.toString()).contains("POST / 200 (deploy)").doesNotContain(value);
        }
    }

    @Test
    void aTakenPortIsAUsageError() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("dists"));
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Cli.Run r = Cli.run("index", "serve", "--dir", dir.toString(), "--port", Integer.toString(taken.getLocalPort()));
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("error: cannot listen on 127.0.0.1:" + taken.getLocalPort(), "hint:");
        }
    }

    @Test
    void aMissingDirOrAFileIsAUsageError() throws Exception {
        Cli.Run missing = Cli.run("index", "serve", "--dir", tmp.resolve("nope").toString(), "--port", "0");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("is not a directory");

        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertThat(Cli.run("index", "serve", "--dir", file.toString(), "--port", "0").exit()).isEqualTo(2);

    }

    @Test
    void credentialOptionsAreChecked() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("dists"));
        Path passwordFile = Files.writeString(tmp.resolve("password"), SECRET);
        Path empty = Files.writeString(tmp.resolve("empty"), "");
        String d = dir.toString();

        Cli.Run noPassword = Cli.run("index", "serve", "--dir", d, "--port", "0", "--user", "deploy");
        assertThat(noPassword.exit()).isEqualTo(2);
        assertThat(noPassword.err()).contains("--user needs --password-file FILE or --password-env VAR");
        assertThat(Cli.run("index", "serve", "--dir", d, "--port", "0", "--password-file", passwordFile.toString())
                .err()).contains("need --user");
        assertThat(Cli.run("index", "serve", "--dir", d, "--port", "0", "--user", "deploy",
                "--password-file", passwordFile.toString(), "--password-env", "X").err()).contains("not both");
        assertThat(Cli.run("index", "serve", "--dir", d, "--port", "0", "--user", "deploy",
                "--password-file", empty.toString()).err()).contains("is empty");
        Cli.Run unset = Cli.run("index", "serve", "--dir", d, "--port", "0", "--user", "deploy",
                "--password-env", "ESSAY_TEST_SURELY_UNSET_VARIABLE");
        assertThat(unset.exit()).isEqualTo(2);
        assertThat(unset.err()).contains("ESSAY_TEST_SURELY_UNSET_VARIABLE", "not set");
        assertThat(Cli.run("index", "serve", "--dir", d, "--password", SECRET).exit())
                .as("there is no --password option").isEqualTo(2);
    }

    @Test
    void helpListsTheIndexVerb() {
        assertThat(Cli.run("--help").out()).contains("index");
        Cli.Run r = Cli.run("index", "serve", "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Usage: essay index serve", "--dir=DIR", "--port=PORT", "--user=USER",
                "--password-file=FILE", "--password-env=VAR", "8700", "127.0.0.1");
        assertThat(Cli.run("index").exit()).isEqualTo(2);
    }

    private static HttpRequest post(URI upload, byte[] form, String user, String password) {
        String auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return HttpRequest.newBuilder(upload)
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .header("Authorization", "Basic " + auth)
                .POST(HttpRequest.BodyPublishers.ofByteArray(form)).build();
    }

    private static byte[] form(String name, String version, String fileName, String content) {
        String body = part(":action", "file_upload") + part("protocol_version", "1") + part("name", name)
                + part("version", version)
                + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"content\"; filename=\"" + fileName
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + content + "\r\n--" + BOUNDARY + "--\r\n";
        return body.getBytes(StandardCharsets.UTF_8);
    }

    private static String part(String name, String value) {
        return "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
