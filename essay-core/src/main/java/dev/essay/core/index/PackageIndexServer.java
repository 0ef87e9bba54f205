package dev.essay.core.index;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A PEP 503 "simple" package index serving the distribution files (wheels, sdists) of one directory.
 *
 * <ul>
 *   <li>{@code GET /simple/} lists the projects, by PEP 503 normalized name;</li>
 *   <li>{@code GET /simple/<name>/} lists a project's files as
 *       {@code <a href="/packages/<file>#sha256=<hex>">file</a>}; a name that is not normalized, or lacks
 *       the trailing slash, is redirected (301) to the normalized URL;</li>
 *   <li>{@code GET /packages/<file>} serves a distribution file's bytes;</li>
 *   <li>everything else is 404 (other methods than GET and HEAD: 405).</li>
 * </ul>
 *
 * The directory is read on every request, so files added after {@link #start} are served. Only regular
 * files directly in the directory whose names parse as a wheel or sdist are served; a requested file name is
 * looked up among them, never resolved as a path, so no request reaches outside the directory.
 * Uses the JDK's {@code com.sun.net.httpserver} only.
 */
public final class PackageIndexServer implements AutoCloseable {
    private static final Pattern WHEEL = Pattern.compile(
            "([^-]+)-([^-]+)(?:-[0-9][^-]*)?-([^-]+)-([^-]+)-([^-]+)\\.whl");
    private static final List<String> SDIST_SUFFIXES = List.of(".tar.gz", ".zip", ".tar.bz2", ".tar.xz", ".tgz");
    private static final Pattern NORMALIZE = Pattern.compile("[-_.]+");
    private static final String HTML = "text/html; charset=utf-8";

    private final Path dir;
    private final HttpServer server;
    private final ExecutorService executor;
    private final URI simpleUrl;
    private final Map<String, String> digests = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private PackageIndexServer(Path dir, HttpServer server, ExecutorService executor, URI simpleUrl) {
        this.dir = dir;
        this.server = server;
        this.executor = executor;
        this.simpleUrl = simpleUrl;
    }

    /**
     * Starts serving {@code dir} on {@code bind} (port 0 picks a free port).
     *
     * @throws IOException when the address cannot be bound or {@code dir} is not a directory
     */
    public static PackageIndexServer start(Path dir, InetSocketAddress bind) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("package index directory " + dir + " does not exist or is not a directory");
        }
        if (bind.isUnresolved()) {
            throw new IOException("cannot bind the package index to unresolved address " + bind);
        }
        HttpServer server = HttpServer.create(bind, 50);
        AtomicInteger threads = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "essay-index-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        InetSocketAddress bound = server.getAddress();
        PackageIndexServer index = new PackageIndexServer(dir.toAbsolutePath().normalize(), server, executor,
                simpleUrl(bound));
        server.createContext("/", index::handle);
        server.start();
        return index;
    }

    /** The index URL to give pip ({@code --index-url}), e.g. {@code http://127.0.0.1:40123/simple/}. */
    public URI simpleUrl() {
        return simpleUrl;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The directory whose distributions are served. */
    public Path directory() {
        return dir;
    }

    /** Stops serving at once; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.stop(0);
        executor.shutdownNow();
    }

    /** PEP 503 normalized form of a project name: lower case, each run of {@code -}, {@code _}, {@code .} → {@code -}. */
    public static String normalize(String name) {
        return NORMALIZE.matcher(name).replaceAll("-").toLowerCase(Locale.ROOT);
    }

    /**
     * The project (as written in the file name, not normalized) a distribution file belongs to: the part
     * before the version of a wheel ({@code name-ver(-build)?-py-abi-plat.whl}) or an sdist
     * ({@code name-ver.tar.gz}, {@code .zip}, ...); empty for any other file name.
     */
    public static Optional<String> projectOf(String fileName) {
        if (fileName.startsWith(".") || fileName.contains("/") || fileName.contains("\\")) {
            return Optional.empty();
        }
        if (fileName.endsWith(".whl")) {
            Matcher m = WHEEL.matcher(fileName);
            return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
        }
        for (String suffix : SDIST_SUFFIXES) {
            if (fileName.endsWith(suffix)) {
                String base = fileName.substring(0, fileName.length() - suffix.length());
                // name-version: the version starts after the last '-' followed by a digit
                for (int i = base.length() - 2; i > 0; i--) {
                    if (base.charAt(i) == '-' && Character.isDigit(base.charAt(i + 1))) {
                        return Optional.of(base.substring(0, i));
                    }
                }
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    // ---------------------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        try {
            route(exchange);
        } catch (IOException | RuntimeException e) {
            if (exchange.getResponseCode() == -1) {
                send(exchange, 500, "text/plain; charset=utf-8", "internal error\n");
            }
        } finally {
            exchange.close();
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        boolean head = method.equals("HEAD");
        if (!head && !method.equals("GET")) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            send(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n");
            return;
        }
        String path = exchange.getRequestURI().getPath();
        if (path == null || path.indexOf('\0') >= 0 || path.indexOf('\\') >= 0 || hasDotSegment(path)) {
            notFound(exchange);
            return;
        }
        if (path.equals("/simple")) {
            redirect(exchange, "/simple/");
        } else if (path.equals("/simple/")) {
            send(exchange, 200, HTML, rootPage(), head);
        } else if (path.startsWith("/simple/")) {
            String rest = path.substring("/simple/".length());
            boolean slash = rest.endsWith("/");
            String name = slash ? rest.substring(0, rest.length() - 1) : rest;
            if (name.isEmpty() || name.contains("/")) {
                notFound(exchange);
                return;
            }
            String normalized = normalize(name);
            List<Path> files = distributions().getOrDefault(normalized, List.of());
            if (files.isEmpty()) {
                notFound(exchange);
            } else if (!slash || !name.equals(normalized)) {
                redirect(exchange, "/simple/" + normalized + "/");
            } else {
                send(exchange, 200, HTML, projectPage(normalized, files), head);
            }
        } else if (path.startsWith("/packages/")) {
            String file = path.substring("/packages/".length());
            Optional<Path> found = file.isEmpty() || file.contains("/") ? Optional.empty() : findDistribution(file);
            if (found.isEmpty()) {
                notFound(exchange);
            } else {
                sendFile(exchange, found.get(), head);
            }
        } else {
            notFound(exchange);
        }
    }

    private static boolean hasDotSegment(String path) {
        for (String segment : path.split("/", -1)) {
            if (segment.equals("..") || segment.equals(".")) {
                return true;
            }
        }
        return false;
    }

    /** Normalized project name to its distribution files (sorted), read from the directory now. */
    private Map<String, List<Path>> distributions() throws IOException {
        Map<String, List<Path>> byProject = new TreeMap<>();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path file : (Iterable<Path>) entries.sorted()::iterator) {
                String name = file.getFileName().toString();
                Optional<String> project = projectOf(name);
                if (project.isPresent() && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    byProject.computeIfAbsent(normalize(project.get()), k -> new ArrayList<>()).add(file);
                }
            }
        }
        return byProject;
    }

    private Optional<Path> findDistribution(String fileName) throws IOException {
        for (List<Path> files : distributions().values()) {
            for (Path file : files) {
                if (file.getFileName().toString().equals(fileName)) {
                    return Optional.of(file);
                }
            }
        }
        return Optional.empty();
    }

    private String rootPage() throws IOException {
        StringBuilder html = page("Simple index");
        for (String project : distributions().keySet()) {
            html.append("    <a href=\"/simple/").append(escape(project)).append("/\">")
                    .append(escape(project)).append("</a><br>\n");
        }
        return html.append("  </body>\n</html>\n").toString();
    }

    private String projectPage(String project, List<Path> files) throws IOException {
        StringBuilder html = page("Links for " + project);
        html.append("    <h1>Links for ").append(escape(project)).append("</h1>\n");
        for (Path file : files) {
            String name = file.getFileName().toString();
            html.append("    <a href=\"/packages/").append(escape(encodeSegment(name)))
                    .append("#sha256=").append(sha256(file)).append("\">")
                    .append(escape(name)).append("</a><br>\n");
        }
        return html.append("  </body>\n</html>\n").toString();
    }

    private static StringBuilder page(String title) {
        return new StringBuilder("<!DOCTYPE html>\n<html>\n  <head>\n")
                .append("    <meta name=\"pypi:repository-version\" content=\"1.0\">\n")
                .append("    <title>").append(escape(title)).append("</title>\n  </head>\n  <body>\n");
    }

    private String sha256(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String key = file.getFileName() + "\0" + attributes.size() + "\0" + attributes.lastModifiedTime().toMillis();
        try {
            return digests.computeIfAbsent(key, k -> {
                try (InputStream in = Files.newInputStream(file)) {
                    MessageDigest digest = MessageDigest.getInstance("SHA-256");
                    byte[] buffer = new byte[64 * 1024];
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        digest.update(buffer, 0, n);
                    }
                    return HexFormat.of().formatHex(digest.digest());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static void sendFile(HttpExchange exchange, Path file, boolean head) throws IOException {
        long size = Files.size(file);
        exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
        if (head) {
            exchange.getResponseHeaders().set("Content-Length", Long.toString(size));
            exchange.sendResponseHeaders(200, -1);
            return;
        }
        exchange.sendResponseHeaders(200, size == 0 ? -1 : size);
        try (OutputStream out = exchange.getResponseBody()) {
            Files.copy(file, out);
        }
    }

    private static void redirect(HttpExchange exchange, String location) throws IOException {
        exchange.getResponseHeaders().set("Location", location);
        send(exchange, 301, "text/plain; charset=utf-8", "moved to " + location + "\n");
    }

    private static void notFound(HttpExchange exchange) throws IOException {
        send(exchange, 404, "text/plain; charset=utf-8", "not found\n");
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        send(exchange, status, contentType, body, false);
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body, boolean head)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        if (head) {
            exchange.getResponseHeaders().set("Content-Length", Integer.toString(bytes.length));
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** Percent-encodes everything but RFC 3986 unreserved characters and {@code +!} in a path segment. */
    private static String encodeSegment(String segment) {
        StringBuilder out = new StringBuilder();
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '!') {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    private static URI simpleUrl(InetSocketAddress bound) {
        String host = bound.getAddress().isAnyLocalAddress() ? "127.0.0.1" : bound.getAddress().getHostAddress();
        try {
            return new URI("http", null, host, bound.getPort(), "/simple/", null, null);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
