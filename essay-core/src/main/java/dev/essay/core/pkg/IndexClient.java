package dev.essay.core.pkg;

import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.model.Pep508;
import dev.essay.core.model.Project;
import dev.essay.core.model.Secret;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Talks to the package index: reads a project's PEP 503 simple page, and uploads distributions with the
 * legacy upload API twine uses ({@code POST} multipart/form-data, {@code :action=file_upload}).
 * The password is sent only in the Authorization header; it is never logged nor put in an exception.
 */
public final class IndexClient {
    private static final Pattern ANCHOR = Pattern.compile("<a\\s[^>]*?href\\s*=\\s*[\"']([^\"']*)[\"'][^>]*>([^<]*)</a>",
            Pattern.CASE_INSENSITIVE);
    private static final List<String> SDIST_SUFFIXES = List.of(".tar.gz", ".zip", ".tar.bz2", ".tar.xz", ".tgz");
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int BODY_TAIL = 600;
    private static final int REDIRECTS = 5;

    private final URI simpleUrl;
    private final URI uploadUrl;
    private final String username;
    private final Secret password;
    private final Duration readTimeout;
    private final HttpClient http;
    /** Uploads never follow redirects: the Authorization header must not travel to another address. */
    private final HttpClient uploads;

    /**
     * @param simpleUrl the PEP 503 index URL ({@code index.url})
     * @param uploadUrl the legacy upload URL ({@code index.upload_url})
     * @param username  null for no authentication
     * @param password  null for none
     */
    public IndexClient(String simpleUrl, String uploadUrl, String username, Secret password) {
        this(simpleUrl, uploadUrl, username, password, TIMEOUT);
    }

    /**
     * As above, with a bound on reading the simple page (connecting is bounded at 10 seconds): the Jenkins plugin
     * reads the versions while a form waits.
     */
    public IndexClient(String simpleUrl, String uploadUrl, String username, Secret password, Duration readTimeout) {
        this.readTimeout = readTimeout;
        this.simpleUrl = URI.create(simpleUrl.endsWith("/") ? simpleUrl : simpleUrl + "/");
        this.uploadUrl = URI.create(uploadUrl);
        this.username = username;
        this.password = password;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        this.uploads = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The client for a project's index, with its password read from where essay.yaml points. */
    public static IndexClient of(Project project) {
        Project.Index index = project.index();
        return new IndexClient(index.url(), index.uploadUrl(), index.username(),
                index.username() == null ? null : IndexCredentials.password(project));
    }

    public URI simpleUrl() {
        return simpleUrl;
    }

    public URI uploadUrl() {
        return uploadUrl;
    }

    /** The simple page of a project: {@code <index>/<normalized name>/}. */
    public URI projectPage(String project) {
        return simpleUrl.resolve(Pep508.normalize(project) + "/");
    }

    /** A file listed on a project's simple page: its name and absolute URL (fragment removed). */
    public record IndexFile(String name, URI url) {
    }

    /** The files on the project's simple page; empty when the index does not know the project (404). */
    public List<IndexFile> files(String project) {
        URI page = projectPage(project);
        HttpResponse<String> response = read(page);
        if (response.statusCode() == 404) {
            return List.of();
        }
        if (response.statusCode() != 200) {
            throw new EssayException(ExitCode.ERROR, "the index answered HTTP " + response.statusCode() + " for " + page,
                    tail(response.body()), "check index.url in essay.yaml and that the index is up", null);
        }
        return parsePage(response.uri(), response.body());
    }

    /**
     * GETs a simple page. Without a login, redirects are followed; with one, the Authorization header is sent only
     * to the index's own scheme, host and port: a redirect there is followed (at most {@value #REDIRECTS}), one
     * elsewhere is refused.
     */
    private HttpResponse<String> read(URI page) {
        URI target = page;
        for (int hop = 0; ; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(target).GET().timeout(readTimeout)
                    .header("Accept", "text/html");
            boolean login = authorize(request);
            HttpResponse<String> response = send(login ? uploads : http, request, HttpResponse.BodyHandlers.ofString(),
                    "read " + target);
            int status = response.statusCode();
            Optional<String> location = response.headers().firstValue("Location");
            if (!login || status < 300 || status >= 400 || location.isEmpty() || hop == REDIRECTS) {
                return response;
            }
            URI next = target.resolve(location.get());
            if (!Objects.equals(next.getScheme(), page.getScheme()) || !Objects.equals(next.getHost(), page.getHost())
                    || next.getPort() != page.getPort()) {
                throw new EssayException(ExitCode.ERROR, "the index redirected " + page + " to " + next
                        + ", another address; essay sends the index login only to the index's own address", null,
                        "set index.url to the address the index redirects to", null);
            }
            target = next;
        }
    }

    /** The versions on the project's simple page (from the file names). */
    public Set<String> versions(String project) {
        Set<String> versions = new LinkedHashSet<>();
        for (IndexFile f : files(project)) {
            versionOf(project, f.name()).ifPresent(versions::add);
        }
        return versions;
    }

    /** Anchors of a PEP 503 page: file name (the anchor text) and the resolved link. */
    static List<IndexFile> parsePage(URI page, String html) {
        List<IndexFile> files = new ArrayList<>();
        Matcher m = ANCHOR.matcher(html);
        while (m.find()) {
            String href = unescape(m.group(1));
            String name = unescape(m.group(2)).strip();
            int hash = href.indexOf('#');
            URI url = page.resolve(hash >= 0 ? href.substring(0, hash) : href);
            files.add(new IndexFile(name, url));
        }
        return files;
    }

    /**
     * The version in a distribution file name of {@code project}: wheels {@code name-version-...-.whl},
     * sdists {@code name-version.tar.gz} (name spelled with {@code -}, {@code _} or {@code .}).
     */
    public static Optional<String> versionOf(String project, String fileName) {
        String normalized = Pep508.normalize(project);
        if (fileName.endsWith(".whl")) {
            String[] parts = fileName.substring(0, fileName.length() - 4).split("-");
            if (parts.length >= 5 && Pep508.normalize(parts[0]).equals(normalized) && !parts[1].isEmpty()
                    && Character.isDigit(parts[1].charAt(0))) {
                return Optional.of(parts[1]);
            }
            return Optional.empty();
        }
        for (String suffix : SDIST_SUFFIXES) {
            if (fileName.toLowerCase(Locale.ROOT).endsWith(suffix)) {
                String stem = fileName.substring(0, fileName.length() - suffix.length());
                for (int i = stem.indexOf('-'); i > 0; i = stem.indexOf('-', i + 1)) {
                    if (Pep508.normalize(stem.substring(0, i)).equals(normalized) && i + 1 < stem.length()
                            && Character.isDigit(stem.charAt(i + 1))) {
                        return Optional.of(stem.substring(i + 1));
                    }
                }
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /**
     * Uploads one distribution file.
     *
     * @throws VersionTakenException when the index already has the file (see {@link #isTaken})
     * @throws EssayException        on any other failure, with the status and the tail of the answer
     */
    public void upload(String project, String version, Path file, String sha256) {
        String fileName = file.getFileName().toString();
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new EssayException(ExitCode.ERROR, "cannot read " + file + ": " + e.getMessage(), null, null, e);
        }
        boolean wheel = fileName.endsWith(".whl");
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put(":action", "file_upload");
        fields.put("protocol_version", "1");
        fields.put("metadata_version", "2.1");
        fields.put("name", project);
        fields.put("version", version);
        fields.put("filetype", wheel ? "bdist_wheel" : "sdist");
        fields.put("pyversion", wheel ? "py3" : "source");
        fields.put("sha256_digest", sha256);
        fields.put("md5_digest", hex(digest("MD5", content)));
        String boundary = "essay-" + UUID.randomUUID();
        byte[] body = multipart(boundary, fields, fileName, content);
        HttpRequest.Builder request = HttpRequest.newBuilder(uploadUrl).timeout(Duration.ofMinutes(5))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        authorize(request);
        HttpResponse<String> response = send(uploads, request, HttpResponse.BodyHandlers.ofString(),
                "upload " + fileName + " to " + uploadUrl);
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return;
        }
        String answer = response.body() == null ? "" : response.body();
        if (isTaken(status, answer)) {
            throw new VersionTakenException(version, fileName, status, tail(answer));
        }
        String suggestion = status == 401 || status == 403
                ? "check index.username and the password essay.yaml points to (index.password_env or index.password_file)"
                : status == 404 || status == 405 || (status >= 300 && status < 400)
                ? "check index.upload_url in essay.yaml (default: index.url without its trailing simple/)"
                : "see the index's answer above";
        throw new EssayException(ExitCode.ERROR, "uploading " + fileName + " to " + uploadUrl + " failed: HTTP " + status,
                tail(answer), suggestion, null);
    }

    /** Adds the login's Basic Authorization header when there is a login; whether it did. */
    private boolean authorize(HttpRequest.Builder request) {
        if (username == null) {
            return false;
        }
        String pw = password == null ? "" : password.reveal();
        request.header("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString((username + ":" + pw).getBytes(StandardCharsets.UTF_8)));
        return true;
    }

    /**
     * Whether an upload's answer says the file is already there: 409 (essay's index, devpi, pypiserver), or 400/403
     * with the text of warehouse ("already exists"), Nexus ("... updating asset ...") or Artifactory
     * ("... overwrite artifact ...").
     */
    static boolean isTaken(int status, String answer) {
        if (status == 409) {
            return true;
        }
        String text = answer.toLowerCase(Locale.ROOT);
        return (status == 400 || status == 403) && (text.contains("already exist")
                || text.contains("updating asset") || text.contains("overwrite"));
    }

    private static <T> HttpResponse<T> send(HttpClient client, HttpRequest.Builder request,
                                            HttpResponse.BodyHandler<T> handler, String what) {
        try {
            return client.send(request.build(), handler);
        } catch (HttpTimeoutException e) {
            throw new EssayException(ExitCode.ERROR, "timed out trying to " + what, null,
                    "check that the index is up and reachable", e);
        } catch (ConnectException e) {
            throw new EssayException(ExitCode.ERROR, "cannot connect to the index to " + what, null,
                    "check index.url / index.upload_url in essay.yaml and that the index is up", e);
        } catch (IOException e) {
            throw new EssayException(ExitCode.ERROR, "cannot " + what + ": " + e.getMessage(), null,
                    "check that the index is up and reachable", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EssayException(ExitCode.CANCELLED, "interrupted while trying to " + what, null, null, e);
        }
    }

    private static byte[] multipart(String boundary, Map<String, String> fields, String fileName, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 2048);
        for (Map.Entry<String, String> e : fields.entrySet()) {
            write(out, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + e.getKey() + "\"\r\n\r\n"
                    + e.getValue() + "\r\n");
        }
        write(out, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"content\"; filename=\""
                + fileName.replace("\"", "") + "\"\r\nContent-Type: application/octet-stream\r\n\r\n");
        out.writeBytes(content);
        write(out, "\r\n--" + boundary + "--\r\n");
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Hex sha256 of a file. */
    public static String sha256(Path file) {
        try {
            return hex(digest("SHA-256", Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new EssayException(ExitCode.ERROR, "cannot read " + file + ": " + e.getMessage(), null, null, e);
        }
    }

    static byte[] digest(String algorithm, byte[] data) {
        try {
            return MessageDigest.getInstance(algorithm).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is not available", e);
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    private static String tail(String text) {
        if (text == null) {
            return null;
        }
        String t = text.strip();
        return t.length() <= BODY_TAIL ? t : "..." + t.substring(t.length() - BODY_TAIL);
    }

    private static String unescape(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
                .replace("&#x27;", "'").replace("&amp;", "&");
    }
}
