package io.jenkins.plugins.essay.plain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.essay.core.model.Secret;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The essay version parameter's list, "latest" and the check of a value. Plain: no Jenkins. */
class IndexVersionsTest {
    private static final String INDEX = "http://127.0.0.1:1/simple/";

    private static IndexVersions of(String... versions) {
        return new IndexVersions(INDEX, "essay-sample", List.of(versions));
    }

    @Test
    void newestFirstByPep440WithLatestOnTop() {
        IndexVersions v = of("1.9.0", "1.10.0", "1.10.0rc1", "1.10.0", "not-a-version", "1.10.0.post1", "0.9");
        assertEquals(List.of("1.10.0.post1", "1.10.0", "1.10.0rc1", "1.9.0", "0.9"), v.newestFirst());
        assertEquals(List.of("latest", "1.10.0.post1", "1.10.0", "1.10.0rc1", "1.9.0", "0.9"), v.choices());
    }

    @Test
    void latestIsTheNewest() {
        assertEquals("2026.12.7.2", of("2026.12.7.1", "2026.12.7.2", "2026.12.6.9").resolve("latest"));
        assertEquals("2026.12.7.2", of("2026.12.7.1", "2026.12.7.2").resolve(""));
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> of().resolve("latest"));
        assertEquals("essay version 'latest': there is no version of essay-sample on the index " + INDEX
                + " yet; package and upload one first (essayPackage)", none.getMessage());
    }

    @Test
    void aTypedVersionMustBePep440AndOnTheIndex() {
        IndexVersions v = of("1.0", "1.1");
        assertEquals("1.0", v.resolve(" 1.0 "));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> v.resolve("9.9"));
        assertEquals("essay version '9.9' of essay-sample is not on the index " + INDEX
                + "; choose one of 'latest', 1.1, 1.0", missing.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> v.resolve("newest"));
        assertTrue(bad.getMessage().startsWith("essay version: 'newest' is not a PEP 440 version"), bad.getMessage());
        assertTrue(bad.getMessage().endsWith("choose one of 'latest', 1.1, 1.0 (essay-sample on the index " + INDEX
                + ")"), bad.getMessage());
        IllegalArgumentException spelling = assertThrows(IllegalArgumentException.class, () -> v.resolve("1.0RC1"));
        assertTrue(spelling.getMessage().contains("write 1.0rc1"), spelling.getMessage());
    }

    @Test
    void readsTheSimplePageWithTheLogin() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        String[] login = new String[1];
        server.createContext("/simple/essay-sample/", exchange -> {
            login[0] = exchange.getRequestHeaders().getFirst("Authorization");
            byte[] page = ("<a href=\"../../files/essay_sample-1.0-py3-none-any.whl\">essay_sample-1.0-py3-none-any.whl</a>"
                    + "<a href=\"../../files/essay_sample-1.2.tar.gz\">essay_sample-1.2.tar.gz</a>")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/simple/";
            IndexVersions v = IndexVersions.read(url, "Essay_Sample", "ci", Secret.of("pw"));
            assertEquals(List.of("latest", "1.2", "1.0"), v.choices());
            assertEquals("Basic Y2k6cHc=", login[0]); // base64("ci:pw")
            assertEquals(List.of("latest"), IndexVersions.read(url, "unknown-project", null, null).choices());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void anUnreachableIndexOrMissingFieldsAreClearErrors() {
        IllegalStateException down = assertThrows(IllegalStateException.class,
                () -> IndexVersions.read("http://127.0.0.1:1/simple/", "essay-sample", null, null));
        assertTrue(down.getMessage().startsWith("cannot read the versions of essay-sample from the index"
                + " http://127.0.0.1:1/simple/: cannot connect to the index"), down.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> IndexVersions.read(" ", "essay-sample", null, null));
        assertTrue(empty.getMessage().contains("needs the index URL and the project name"), empty.getMessage());
        IllegalArgumentException ftp = assertThrows(IllegalArgumentException.class,
                () -> IndexVersions.read("ftp://127.0.0.1/simple/", "essay-sample", null, null));
        assertTrue(ftp.getMessage().contains("'ftp://127.0.0.1/simple/' is no HTTP(S) URL"), ftp.getMessage());
    }
}
