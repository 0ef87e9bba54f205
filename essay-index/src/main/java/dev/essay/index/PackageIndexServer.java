package dev.essay.index;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.essay.core.model.Pep440;
import dev.essay.core.model.Pep508;
import dev.essay.core.model.Secret;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A package index serving the distribution files (wheels, sdists) of one directory, and accepting uploads
 * into it.
 *
 * <ul>
 *   <li>{@code GET /simple/} lists the projects, by PEP 503 normalized name;</li>
 *   <li>{@code GET /simple/<name>/} lists a project's files as
 *       {@code <a href="/packages/<file>#sha256=<hex>">file</a>}; a name that is not normalized, or lacks
 *       the trailing slash, is redirected (301) to the normalized URL;</li>
 *   <li>both pages answer in PEP 691 JSON ({@code application/vnd.pypi.simple.v1+json}) when the
 *       {@code Accept} header prefers it (q-values honoured); HTML stays the default;</li>
 *   <li>{@code GET /packages/<file>} serves a distribution file's bytes;</li>
 *   <li>{@code POST /} (and {@code /legacy/}) is the legacy upload API that {@code twine upload} uses:
 *       a {@code multipart/form-data} form with {@code :action=file_upload}, {@code name}, {@code version},
 *       the file as {@code content}, and optional {@code sha256_digest} / {@code md5_digest} (verified when
 *       present). An existing file name is refused with 409; uploads need HTTP basic auth when
 *       {@link Credentials} are configured (reads stay open);</li>
 *   <li>everything else is 404 (other methods: 405).</li>
 * </ul>
 *
 * The directory is read on every request, so files added after {@link #start} are served. Only regular
 * files directly in the directory whose names parse as a wheel or sdist are served; a requested file name is
 * looked up among them, never resolved as a path, so no request reaches outside the directory. An upload is
 * written to a hidden temporary file in the directory and then linked to its final name, which fails if
 * that name exists: of two concurrent uploads of one file name exactly one wins.
 * Uses the JDK's {@code com.sun.net.httpserver} only.
 */
public final class PackageIndexServer implements AutoCloseable {
    /** Default limit of an upload request's body: 200 MiB. */
    public static final long DEFAULT_MAX_UPLOAD_BYTES = 200L * 1024 * 1024;
    /** PEP 691 JSON media type (what the JSON pages are served as). */
    public static final String JSON_V1 = "application/vnd.pypi.simple.v1+json";
    private static final long DRAIN_SLACK_BYTES = 64L * 1024 * 1024;
    static final String JSON_LATEST = "application/vnd.pypi.simple.latest+json";
    static final String HTML_V1 = "application/vnd.pypi.simple.v1+html";
    static final String HTML_LATEST = "application/vnd.pypi.simple.latest+html";

    private static final Pattern WHEEL = Pattern.compile(
            "([^-]+)-([^-]+)(?:-[0-9][^-]*)?-([^-]+)-([^-]+)-([^-]+)\\.whl");
    private static final List<String> SDIST_SUFFIXES = List.of(".tar.gz", ".zip", ".tar.bz2", ".tar.xz", ".tgz");
    private static final Pattern NORMALIZE = Pattern.compile("[-_.]+");
    private static final Pattern SAFE_FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+!-]*");
    private static final String HTML = "text/html; charset=utf-8";
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final ObjectMapper JSON_MAPPER = new ObjectMapper();

    /** Upload credentials: the user name and password HTTP basic auth must present. */
    public record Credentials(String username, Secret password) {
        public Credentials {
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
            if (username.isEmpty() || username.indexOf(':') >= 0) {
                throw new IllegalArgumentException("the upload user name must be non-empty and contain no ':'");
            }
            if (password.isEmpty()) {
                throw new IllegalArgumentException("the upload password must not be empty");
            }
        }

        @Override
        public String toString() {
            return "Credentials[username=" + username + ", password=********]";
        }
    }

    /**
     * One answered request, for an access log or a test: never carries a password or the Authorization header.
     *
     * @param user the authenticated uploader, or null
     */
    public record Request(String method, String path, String accept, int status, String contentType, String user) {
    }

    private final Path dir;
    private final HttpServer server;
    private final ExecutorService executor;
    private final URI simpleUrl;
    private final URI uploadUrl;
    private final Credentials uploadAuth;
    private final long maxUploadBytes;
    private final Consumer<Request> requestLog;
    private final Map<String, String> digests = new ConcurrentHashMap<>();
    private final Object commitLock = new Object();
    private volatile boolean closed;

    private PackageIndexServer(Builder b, HttpServer server, ExecutorService executor) {
        this.dir = b.dir.toAbsolutePath().normalize();
        this.server = server;
        this.executor = executor;
        InetSocketAddress bound = server.getAddress();
        this.simpleUrl = url(bound, "/simple/");
        this.uploadUrl = url(bound, "/");
        this.uploadAuth = b.uploadAuth;
        this.maxUploadBytes = b.maxUploadBytes;
        this.requestLog = b.requestLog;
    }

    /** Settings of a server to start; {@link #start()} binds it. */
    public static final class Builder {
        private final Path dir;
        private InetSocketAddress bind = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        private Credentials uploadAuth;
        private long maxUploadBytes = DEFAULT_MAX_UPLOAD_BYTES;
        private Consumer<Request> requestLog = r -> { };

        private Builder(Path dir) {
            this.dir = Objects.requireNonNull(dir, "dir");
        }

        /** Address to listen on (port 0 picks a free port); default: loopback, a free port. */
        public Builder bind(InetSocketAddress bind) {
            this.bind = Objects.requireNonNull(bind, "bind");
            return this;
        }

        /** Require these credentials (HTTP basic auth) for uploads; null (the default) accepts anyone's. */
        public Builder uploadAuth(Credentials uploadAuth) {
            this.uploadAuth = uploadAuth;
            return this;
        }

        /** Largest upload request body accepted (larger: 413); default {@link #DEFAULT_MAX_UPLOAD_BYTES}. */
        public Builder maxUploadBytes(long maxUploadBytes) {
            if (maxUploadBytes <= 0 || maxUploadBytes > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("maxUploadBytes must be in 1.." + (Integer.MAX_VALUE - 16));
            }
            this.maxUploadBytes = maxUploadBytes;
            return this;
        }

        /** Called once per answered request (from the server's threads). */
        public Builder requestLog(Consumer<Request> requestLog) {
            this.requestLog = Objects.requireNonNull(requestLog, "requestLog");
            return this;
        }

        /**
         * Starts serving.
         *
         * @throws java.net.BindException when the address is in use
         * @throws IOException when the address cannot be bound or the directory is not a directory
         */
        public PackageIndexServer start() throws IOException {
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
            PackageIndexServer index = new PackageIndexServer(this, server, executor);
            server.createContext("/", index::handle);
            server.start();
            return index;
        }
    }

    public static Builder builder(Path dir) {
        return new Builder(dir);
    }

    /**
     * Starts serving {@code dir} on {@code bind} (port 0 picks a free port); uploads need {@code uploadAuth}
     * (HTTP basic auth), or are open to anyone who can reach the address when it is null.
     *
     * @throws IOException when the address cannot be bound or {@code dir} is not a directory
     */
    public static PackageIndexServer start(Path dir, InetSocketAddress bind, Credentials uploadAuth) throws IOException {
        return builder(dir).bind(bind).uploadAuth(uploadAuth).start();
    }

    /**
     * Starts serving {@code dir} on {@code bind} (port 0 picks a free port), with uploads open to anyone
     * who can reach the address (bind loopback).
     *
     * @throws IOException when the address cannot be bound or {@code dir} is not a directory
     */
    public static PackageIndexServer start(Path dir, InetSocketAddress bind) throws IOException {
        return builder(dir).bind(bind).start();
    }

    /** The index URL to give pip ({@code --index-url}), e.g. {@code http://127.0.0.1:40123/simple/}. */
    public URI simpleUrl() {
        return simpleUrl;
    }

    /** The legacy upload URL to give twine ({@code --repository-url}), e.g. {@code http://127.0.0.1:40123/}. */
    public URI uploadUrl() {
        return uploadUrl;
    }

    /** Whether uploads need HTTP basic auth. */
    public boolean uploadNeedsAuth() {
        return uploadAuth != null;
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
        // the authenticated uploader, for the request log (HttpExchange attributes are shared by the context)
        String[] user = new String[1];
        try {
            route(exchange, user);
        } catch (IOException | RuntimeException e) {
            if (exchange.getResponseCode() == -1) {
                send(exchange, 500, TEXT, "internal error\n");
            }
        } finally {
            exchange.close();
            logRequest(exchange, user[0]);
        }
    }

    private void logRequest(HttpExchange exchange, String user) {
        try {
            requestLog.accept(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestHeaders().getFirst("Accept"), exchange.getResponseCode(),
                    exchange.getResponseHeaders().getFirst("Content-Type"), user));
        } catch (RuntimeException e) {
            // a failing log consumer must not break serving
        }
    }

    private void route(HttpExchange exchange, String[] user) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        if (path == null || path.indexOf('\0') >= 0 || path.indexOf('\\') >= 0 || hasDotSegment(path)) {
            notFound(exchange);
            return;
        }
        boolean uploadPath = path.equals("/") || path.equals("/legacy/") || path.equals("/legacy");
        if (method.equals("POST") && uploadPath) {
            upload(exchange, user);
            return;
        }
        boolean head = method.equals("HEAD");
        if (!head && !method.equals("GET")) {
            exchange.getResponseHeaders().set("Allow", uploadPath ? "POST" : "GET, HEAD");
            send(exchange, 405, TEXT, "method not allowed\n");
            return;
        }
        if (path.equals("/simple")) {
            redirect(exchange, "/simple/");
        } else if (path.equals("/simple/")) {
            Format format = negotiate(exchange.getRequestHeaders().get("Accept"));
            exchange.getResponseHeaders().set("Vary", "Accept");
            send(exchange, 200, format.contentType, format.json ? rootJson() : rootPage(), head);
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
                Format format = negotiate(exchange.getRequestHeaders().get("Accept"));
                exchange.getResponseHeaders().set("Vary", "Accept");
                send(exchange, 200, format.contentType,
                        format.json ? projectJson(normalized, files) : projectPage(normalized, files), head);
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

    // --------------------------------------------------------------------------------- negotiation

    /** A representation of the simple pages: its Content-Type and whether it is PEP 691 JSON. */
    enum Format {
        HTML(PackageIndexServer.HTML, false),
        HTML_V1(PackageIndexServer.HTML_V1, false),
        JSON(JSON_V1, true);

        final String contentType;
        final boolean json;

        Format(String contentType, boolean json) {
            this.contentType = contentType;
            this.json = json;
        }
    }

    /**
     * PEP 691 content negotiation over the {@code Accept} header(s): the supported media type with the
     * highest q-value wins (on a tie, the one listed first); no header, or nothing acceptable, gives HTML.
     */
    static Format negotiate(List<String> acceptHeaders) {
        if (acceptHeaders == null || acceptHeaders.isEmpty()) {
            return Format.HTML;
        }
        Format best = null;
        double bestQ = 0;
        for (String header : acceptHeaders) {
            for (String range : header.split(",")) {
                String[] parts = range.split(";");
                String type = parts[0].strip().toLowerCase(Locale.ROOT);
                double q = 1;
                for (int i = 1; i < parts.length; i++) {
                    String param = parts[i].strip();
                    if (param.regionMatches(true, 0, "q=", 0, 2)) {
                        try {
                            q = Double.parseDouble(param.substring(2).strip());
                        } catch (NumberFormatException e) {
                            q = 0;
                        }
                    }
                }
                Format format = switch (type) {
                    case JSON_V1, JSON_LATEST -> Format.JSON;
                    case HTML_V1, HTML_LATEST -> Format.HTML_V1;
                    case "text/html", "text/*", "*/*" -> Format.HTML;
                    default -> null;
                };
                if (format != null && q > 0 && q <= 1 && q > bestQ) {
                    best = format;
                    bestQ = q;
                }
            }
        }
        return best == null ? Format.HTML : best;
    }

    // -------------------------------------------------------------------------------------- upload

    /** Thrown while handling an upload: the HTTP status and the one-line reason sent as the body. */
    static final class Refusal extends Exception {
        final int status;

        Refusal(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private void upload(HttpExchange exchange, String[] user) throws IOException {
        try {
            user[0] = authenticate(exchange);
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            byte[] boundary = Multipart.boundary(contentType);
            byte[] body = readBody(exchange);
            Multipart form = Multipart.parse(body, boundary);
            String stored = store(form);
            send(exchange, 200, TEXT, "uploaded " + stored + "\n");
        } catch (Refusal r) {
            if (r.status == 401) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"essay\"");
            }
            // read the rest of the body (bounded) first: closing a socket with unread data resets the
            // connection, and the client would see that instead of the answer
            drain(exchange);
            send(exchange, r.status, TEXT, r.getMessage() + "\n");
        }
    }

    /** The authenticated user, or null when uploads are open; Refusal(401) when the credentials do not match. */
    private String authenticate(HttpExchange exchange) throws Refusal {
        if (uploadAuth == null) {
            return null;
        }
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            throw new Refusal(401, "authentication required: upload with HTTP basic auth");
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new Refusal(401, "invalid basic auth header");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw new Refusal(401, "invalid basic auth header");
        }
        String user = decoded.substring(0, colon);
        boolean userOk = constantTimeEquals(user.getBytes(StandardCharsets.UTF_8),
                uploadAuth.username().getBytes(StandardCharsets.UTF_8));
        byte[] given = decoded.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
        byte[] expected = uploadAuth.password().revealBytes();
        boolean passwordOk = constantTimeEquals(given, expected);
        Arrays.fill(given, (byte) 0);
        Arrays.fill(expected, (byte) 0);
        if (!(userOk & passwordOk)) {
            throw new Refusal(401, "invalid user name or password");
        }
        return user;
    }

    /** Compares in time independent of where (or whether) the inputs differ, and of their lengths. */
    static boolean constantTimeEquals(byte[] a, byte[] b) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] ha = sha.digest(a);
            byte[] hb = sha.digest(b);
            return MessageDigest.isEqual(ha, hb);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] readBody(HttpExchange exchange) throws IOException, Refusal {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            long declared;
            try {
                declared = Long.parseLong(length.strip());
            } catch (NumberFormatException e) {
                throw new Refusal(400, "invalid Content-Length");
            }
            if (declared > maxUploadBytes) {
                throw new Refusal(413, "upload too large: the limit is " + maxUploadBytes + " bytes");
            }
            if (declared >= 0) {  // one buffer of the declared size, no copies
                try (InputStream in = exchange.getRequestBody()) {
                    byte[] body = in.readNBytes((int) declared);
                    if (body.length != declared) {
                        throw new Refusal(400, "the request body is shorter than its Content-Length");
                    }
                    return body;
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = exchange.getRequestBody()) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                if (out.size() + (long) n > maxUploadBytes) {
                    throw new Refusal(413, "upload too large: the limit is " + maxUploadBytes + " bytes");
                }
                out.write(buffer, 0, n);
            }
        }
        return out.toByteArray();
    }

    /**
     * Reads and discards what is left of the request body, up to the upload limit plus 64 MiB, so the client
     * sees the answer; a client sending more than that sees the connection reset instead.
     */
    private void drain(HttpExchange exchange) {
        byte[] buffer = new byte[64 * 1024];
        long left = maxUploadBytes + DRAIN_SLACK_BYTES;
        try (InputStream in = exchange.getRequestBody()) {
            for (int n; left > 0 && (n = in.read(buffer)) > 0; ) {
                left -= n;
            }
        } catch (IOException e) {
            // the answer is sent anyway
        }
    }

    /** Validates the upload form and writes its file; returns the file name. */
    private String store(Multipart form) throws IOException, Refusal {
        String action = form.field(":action");
        if (action == null) {
            throw new Refusal(400, "missing form field ':action' (expected file_upload)");
        }
        if (!action.equals("file_upload")) {
            throw new Refusal(400, "unsupported :action '" + action + "' (only file_upload is)");
        }
        String name = form.field("name");
        String version = form.field("version");
        if (name == null || !Pep508.isValid(name)) {
            throw new Refusal(400, "invalid or missing 'name': " + (name == null ? "absent" : "'" + name + "'")
                    + " is not a PEP 508 project name");
        }
        if (version == null || !Pep440.isValid(version)) {
            throw new Refusal(400, "invalid or missing 'version': " + (version == null ? "absent" : "'" + version + "'")
                    + " is not a PEP 440 version in canonical form");
        }
        Multipart.Part content = form.part("content");
        if (content == null || content.fileName() == null) {
            throw new Refusal(400, "missing the file: form field 'content' with a filename");
        }
        String fileName = content.fileName();
        checkFileName(fileName, name, version);
        byte[] data = content.data();
        checkDigest(form.field("sha256_digest"), "SHA-256", "sha256_digest", data);
        checkDigest(form.field("md5_digest"), "MD5", "md5_digest", data);
        write(fileName, data);
        return fileName;
    }

    /** The file name must be a wheel or sdist of the form's project and version, and a plain name. */
    static void checkFileName(String fileName, String name, String version) throws Refusal {
        if (fileName.isEmpty() || fileName.contains("/") || fileName.contains("\\") || fileName.startsWith(".")
                || !SAFE_FILE_NAME.matcher(fileName).matches()) {
            throw new Refusal(400, "invalid file name '" + fileName
                    + "': a plain file name (letters, digits, '.', '_', '-', '+', '!'), no directories");
        }
        Optional<String> project = projectOf(fileName);
        Optional<String> fileVersion = versionOf(fileName);
        if (project.isEmpty() || fileVersion.isEmpty()) {
            throw new Refusal(400, "invalid file name '" + fileName + "': not a wheel (name-version-py-abi-platform.whl)"
                    + " or sdist (name-version.tar.gz, .zip)");
        }
        if (!normalize(project.get()).equals(normalize(name))) {
            throw new Refusal(400, "file name '" + fileName + "' is of project '" + normalize(project.get())
                    + "', not of '" + normalize(name) + "' (the form's name)");
        }
        if (!fileVersion.get().replace('_', '-').equalsIgnoreCase(version)
                && !fileVersion.get().equalsIgnoreCase(version)) {
            throw new Refusal(400, "file name '" + fileName + "' is of version '" + fileVersion.get()
                    + "', not of '" + version + "' (the form's version)");
        }
    }

    /** The version part of a wheel or sdist file name (as written); empty for other names. */
    static Optional<String> versionOf(String fileName) {
        Optional<String> project = projectOf(fileName);
        if (project.isEmpty()) {
            return Optional.empty();
        }
        if (fileName.endsWith(".whl")) {
            Matcher m = WHEEL.matcher(fileName);
            return m.matches() ? Optional.of(m.group(2)) : Optional.empty();
        }
        for (String suffix : SDIST_SUFFIXES) {
            if (fileName.endsWith(suffix)) {
                String version = fileName.substring(project.get().length() + 1, fileName.length() - suffix.length());
                return version.isEmpty() ? Optional.empty() : Optional.of(version);
            }
        }
        return Optional.empty();
    }

    private static void checkDigest(String expectedHex, String algorithm, String field, byte[] data) throws Refusal {
        if (expectedHex == null || expectedHex.isBlank()) {
            return;
        }
        String actual;
        try {
            actual = HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        if (!actual.equalsIgnoreCase(expectedHex.strip())) {
            throw new Refusal(400, field + " does not match the uploaded file (received " + actual
                    + "); the upload was corrupted or the digest is wrong");
        }
    }

    /**
     * Writes the file to a hidden temporary file in the directory, forces it to disk, then publishes it
     * under its name with a hard link, which fails atomically when the name exists: two uploads of one file
     * name, even from two processes, cannot both win. Where hard links are unsupported, an atomic rename
     * after an existence check under this server's lock is used instead.
     */
    private void write(String fileName, byte[] data) throws IOException, Refusal {
        Path target = dir.resolve(fileName);
        if (!target.getParent().equals(dir)) {
            throw new Refusal(400, "invalid file name '" + fileName + "'");
        }
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw conflict(fileName);
        }
        Path temp = Files.createTempFile(dir, ".upload-", ".tmp");
        try {
            if (Files.getFileStore(temp).supportsFileAttributeView(PosixFileAttributeView.class)) {
                // createTempFile makes it owner-only; a published distribution is world-readable like any other
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(data);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            synchronized (commitLock) {
                try {
                    Files.createLink(target, temp);
                } catch (FileAlreadyExistsException e) {
                    throw conflict(fileName);
                } catch (UnsupportedOperationException | FileSystemException e) {
                    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                        throw conflict(fileName);
                    }
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                }
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static Refusal conflict(String fileName) {
        return new Refusal(409, "file already exists: " + fileName
                + " was uploaded before; an index never replaces a file (upload a new version)");
    }

    // ----------------------------------------------------------------------------------- multipart

    /** A parsed {@code multipart/form-data} body (RFC 7578), binary-safe. */
    static final class Multipart {
        record Part(String name, String fileName, String contentType, byte[] data) {
            String text() {
                return new String(data, StandardCharsets.UTF_8);
            }
        }

        private final List<Part> parts;

        private Multipart(List<Part> parts) {
            this.parts = parts;
        }

        List<Part> parts() {
            return parts;
        }

        /** The first part named {@code name}, or null. */
        Part part(String name) {
            for (Part p : parts) {
                if (p.name().equals(name)) {
                    return p;
                }
            }
            return null;
        }

        /** The text of the first non-file part named {@code name}, or null. */
        String field(String name) {
            for (Part p : parts) {
                if (p.name().equals(name) && p.fileName() == null) {
                    return p.text();
                }
            }
            return null;
        }

        /** The boundary of a {@code multipart/form-data} Content-Type, as bytes; Refusal(400) otherwise. */
        static byte[] boundary(String contentType) throws Refusal {
            if (contentType == null) {
                throw new Refusal(400, "expected a multipart/form-data upload; no Content-Type");
            }
            List<String[]> params = new ArrayList<>();
            String type = parseHeaderValue(contentType, params);
            if (!type.equalsIgnoreCase("multipart/form-data")) {
                throw new Refusal(400, "expected a multipart/form-data upload, not " + type);
            }
            for (String[] param : params) {
                if (param[0].equalsIgnoreCase("boundary")) {
                    String b = param[1];
                    if (b.isEmpty() || b.length() > 200) {
                        throw new Refusal(400, "invalid multipart boundary");
                    }
                    return b.getBytes(StandardCharsets.ISO_8859_1);
                }
            }
            throw new Refusal(400, "multipart/form-data without a boundary");
        }

        /** Parses {@code body}; Refusal(400) when it is not a well-formed multipart body. */
        static Multipart parse(byte[] body, byte[] boundary) throws Refusal {
            byte[] delimiter = concat("--".getBytes(StandardCharsets.ISO_8859_1), boundary);
            byte[] crlfDelimiter = concat("\r\n".getBytes(StandardCharsets.ISO_8859_1), delimiter);
            int first = indexOf(body, delimiter, 0);
            if (first < 0 || (first > 0 && indexOf(body, crlfDelimiter, 0) != first - 2)) {
                throw new Refusal(400, "malformed multipart body: no opening boundary");
            }
            List<Part> parts = new ArrayList<>();
            int pos = first + delimiter.length;
            while (true) {
                if (startsWith(body, pos, "--")) {
                    return new Multipart(parts);  // close delimiter; the epilogue is ignored
                }
                pos = skipLinearWhitespace(body, pos);
                if (!startsWith(body, pos, "\r\n")) {
                    throw new Refusal(400, "malformed multipart body: garbage after a boundary");
                }
                pos += 2;
                int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), pos - 2);
                if (headersEnd < 0) {
                    throw new Refusal(400, "malformed multipart body: unterminated part headers");
                }
                String headerBlock = headersEnd < pos ? ""
                        : new String(body, pos, headersEnd - pos, StandardCharsets.UTF_8);
                int dataStart = headersEnd + 4;
                int next = indexOf(body, crlfDelimiter, dataStart);
                if (next < 0) {
                    throw new Refusal(400, "malformed multipart body: no closing boundary");
                }
                parts.add(part(headerBlock, Arrays.copyOfRange(body, dataStart, next)));
                pos = next + crlfDelimiter.length;
            }
        }

        private static Part part(String headerBlock, byte[] data) throws Refusal {
            String name = null;
            String fileName = null;
            String contentType = null;
            for (String line : headerBlock.split("\r\n")) {
                if (line.isEmpty()) {
                    continue;
                }
                int colon = line.indexOf(':');
                if (colon < 0) {
                    throw new Refusal(400, "malformed multipart part header");
                }
                String header = line.substring(0, colon).strip();
                String value = line.substring(colon + 1).strip();
                if (header.equalsIgnoreCase("Content-Disposition")) {
                    List<String[]> params = new ArrayList<>();
                    String disposition = parseHeaderValue(value, params);
                    if (!disposition.equalsIgnoreCase("form-data")) {
                        throw new Refusal(400, "multipart part is not form-data");
                    }
                    for (String[] p : params) {
                        if (p[0].equalsIgnoreCase("name")) {
                            name = p[1];
                        } else if (p[0].equalsIgnoreCase("filename")) {
                            fileName = p[1];
                        }
                    }
                } else if (header.equalsIgnoreCase("Content-Type")) {
                    contentType = value;
                }
            }
            if (name == null) {
                throw new Refusal(400, "multipart part without a name");
            }
            return new Part(name, fileName, contentType, data);
        }

        /** Splits {@code type; a=b; c="d"} into the type (returned) and its parameters (quoted strings unescaped). */
        static String parseHeaderValue(String value, List<String[]> params) throws Refusal {
            int semi = value.indexOf(';');
            String type = (semi < 0 ? value : value.substring(0, semi)).strip();
            int i = semi < 0 ? value.length() : semi + 1;
            while (i < value.length()) {
                while (i < value.length() && (value.charAt(i) == ' ' || value.charAt(i) == '\t' || value.charAt(i) == ';')) {
                    i++;
                }
                if (i >= value.length()) {
                    break;
                }
                int eq = value.indexOf('=', i);
                if (eq < 0) {
                    throw new Refusal(400, "malformed header parameter in: " + value);
                }
                String key = value.substring(i, eq).strip();
                i = eq + 1;
                StringBuilder v = new StringBuilder();
                if (i < value.length() && value.charAt(i) == '"') {
                    i++;
                    boolean closedQuote = false;
                    while (i < value.length()) {
                        char c = value.charAt(i++);
                        if (c == '\\' && i < value.length()) {
                            v.append(value.charAt(i++));
                        } else if (c == '"') {
                            closedQuote = true;
                            break;
                        } else {
                            v.append(c);
                        }
                    }
                    if (!closedQuote) {
                        throw new Refusal(400, "unterminated quoted string in: " + value);
                    }
                } else {
                    while (i < value.length() && value.charAt(i) != ';') {
                        v.append(value.charAt(i++));
                    }
                }
                params.add(new String[] {key, v.toString().strip()});
            }
            return type;
        }

        private static int skipLinearWhitespace(byte[] body, int pos) {
            while (pos < body.length && (body[pos] == ' ' || body[pos] == '\t')) {
                pos++;
            }
            return pos;
        }

        private static boolean startsWith(byte[] body, int pos, String ascii) {
            if (pos + ascii.length() > body.length) {
                return false;
            }
            for (int i = 0; i < ascii.length(); i++) {
                if (body[pos + i] != ascii.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        private static byte[] concat(byte[] a, byte[] b) {
            byte[] out = Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, out, a.length, b.length);
            return out;
        }

        /** First index of {@code needle} in {@code hay} at or after {@code from} (Boyer-Moore-Horspool). */
        static int indexOf(byte[] hay, byte[] needle, int from) {
            int n = needle.length;
            if (n == 0) {
                return Math.max(0, from);
            }
            int[] shift = new int[256];
            Arrays.fill(shift, n);
            for (int i = 0; i < n - 1; i++) {
                shift[needle[i] & 0xff] = n - 1 - i;
            }
            int i = Math.max(0, from);
            while (i <= hay.length - n) {
                int j = n - 1;
                while (j >= 0 && hay[i + j] == needle[j]) {
                    j--;
                }
                if (j < 0) {
                    return i;
                }
                i += shift[hay[i + n - 1] & 0xff];
            }
            return -1;
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

    private String rootJson() throws IOException {
        ObjectNode root = JSON_MAPPER.createObjectNode();
        root.putObject("meta").put("api-version", "1.0");
        ArrayNode projects = root.putArray("projects");
        for (String project : distributions().keySet()) {
            projects.addObject().put("name", project);
        }
        return JSON_MAPPER.writeValueAsString(root);
    }

    private String projectJson(String project, List<Path> files) throws IOException {
        ObjectNode root = JSON_MAPPER.createObjectNode();
        root.putObject("meta").put("api-version", "1.0");
        root.put("name", project);
        ArrayNode list = root.putArray("files");
        for (Path file : files) {
            String name = file.getFileName().toString();
            ObjectNode entry = list.addObject();
            entry.put("filename", name);
            entry.put("url", "/packages/" + encodeSegment(name));
            entry.putObject("hashes").put("sha256", sha256(file));
        }
        return JSON_MAPPER.writeValueAsString(root);
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
        send(exchange, 301, TEXT, "moved to " + location + "\n");
    }

    private static void notFound(HttpExchange exchange) throws IOException {
        send(exchange, 404, TEXT, "not found\n");
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

    private static URI url(InetSocketAddress bound, String path) {
        String host = bound.getAddress().isAnyLocalAddress() ? "127.0.0.1" : bound.getAddress().getHostAddress();
        try {
            return new URI("http", null, host, bound.getPort(), path, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
