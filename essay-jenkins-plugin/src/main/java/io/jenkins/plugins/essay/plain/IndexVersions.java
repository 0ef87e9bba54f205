package io.jenkins.plugins.essay.plain;

import dev.essay.core.error.EssayException;
import dev.essay.core.model.Pep440;
import dev.essay.core.model.Secret;
import dev.essay.core.pkg.IndexClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * A project's versions on the package index, as the "essay version" build parameter offers them: newest first by
 * PEP 440 ({@link Pep440#compare}), after {@value #LATEST}; and the rule for a chosen or typed value (PEP 440, on
 * the index; {@value #LATEST} is the newest). Read with essay-core's {@link IndexClient} (the PEP 503 simple page,
 * as {@code essay versions} reads it), bounded by {@link #READ_TIMEOUT}.
 */
public final class IndexVersions {
    /** The choice that stands for the newest version on the index when the build starts. */
    public static final String LATEST = "latest";
    /** How long reading the simple page may take (connecting: 10 seconds): the build form waits for it. */
    public static final Duration READ_TIMEOUT = Duration.ofSeconds(20);
    /** How many versions an error message names. */
    private static final int NAMED = 5;

    private final String indexUrl;
    private final String project;
    private final List<String> newestFirst;

    /** {@code found}: the versions the index lists; what is no PEP 440 version is left out. */
    public IndexVersions(String indexUrl, String project, Collection<String> found) {
        this.indexUrl = indexUrl;
        this.project = project;
        List<String> versions = new ArrayList<>();
        found.stream().filter(Pep440::isVersion).distinct().forEach(versions::add);
        versions.sort(Comparator.comparing((String v) -> v, Pep440::compare).reversed());
        this.newestFirst = List.copyOf(versions);
    }

    /**
     * Reads the versions of {@code project} from the index at {@code indexUrl} (its PEP 503 simple URL).
     *
     * @param username null for no login; the password is sent only in the Authorization header
     * @throws IllegalArgumentException when the URL or project name is missing or no URL
     * @throws IllegalStateException    when the index cannot be read, naming it and what to check
     */
    public static IndexVersions read(String indexUrl, String project, String username, Secret password) {
        String url = indexUrl == null ? "" : indexUrl.strip();
        String name = project == null ? "" : project.strip();
        if (url.isEmpty() || name.isEmpty()) {
            throw new IllegalArgumentException("the essay version parameter needs the index URL and the project name"
                    + " (index URL: '" + url + "', project: '" + name + "'); set both in the job's configuration");
        }
        try {
            IndexClient client = new IndexClient(url, url, username, password, READ_TIMEOUT);
            return new IndexVersions(url, name, client.versions(name));
        } catch (EssayException e) {
            throw new IllegalStateException("cannot read the versions of " + name + " from the index " + url + ": "
                    + e.getMessage() + (e.detail() == null ? "" : " (" + e.detail() + ")")
                    + "; check the parameter's index URL, project name and index login, and that the index is up", e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the essay version parameter's index URL '" + url + "' is no HTTP(S)"
                    + " URL (" + e.getMessage() + "); give the index's simple URL, e.g. https://pypi.example.com/simple/",
                    e);
        }
    }

    /** The versions on the index, newest first. */
    public List<String> newestFirst() {
        return newestFirst;
    }

    /** The drop-down's entries: {@value #LATEST}, then the versions newest first. */
    public List<String> choices() {
        List<String> choices = new ArrayList<>(newestFirst.size() + 1);
        choices.add(LATEST);
        choices.addAll(newestFirst);
        return choices;
    }

    /**
     * The version a build takes for {@code value}: for {@value #LATEST} (or nothing) the newest on the index, else
     * {@code value} itself once it is a PEP 440 version spelled canonically and on the index.
     *
     * @throws IllegalArgumentException naming the value, the project and the index, and what there is to choose
     */
    public String resolve(String value) {
        String v = value == null ? "" : value.strip();
        if (v.isEmpty() || v.equals(LATEST)) {
            if (newestFirst.isEmpty()) {
                throw new IllegalArgumentException("essay version 'latest': there is no version of " + project
                        + " on the index " + indexUrl + " yet; package and upload one first (essayPackage)");
            }
            return newestFirst.get(0);
        }
        try {
            Pep440.require(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("essay version: " + e.getMessage() + "; choose one of " + offer()
                    + " (" + project + " on the index " + indexUrl + ")", e);
        }
        if (newestFirst.stream().noneMatch(known -> Pep440.equal(known, v))) {
            throw new IllegalArgumentException("essay version '" + v + "' of " + project + " is not on the index "
                    + indexUrl + "; choose one of " + offer());
        }
        return v;
    }

    /** What a message offers: 'latest' and the newest few, or that there is nothing yet. */
    private String offer() {
        if (newestFirst.isEmpty()) {
            return "the versions there (none yet: package and upload one first)";
        }
        List<String> some = newestFirst.subList(0, Math.min(NAMED, newestFirst.size()));
        return "'latest', " + String.join(", ", some) + (newestFirst.size() > NAMED ? ", ..." : "");
    }
}
