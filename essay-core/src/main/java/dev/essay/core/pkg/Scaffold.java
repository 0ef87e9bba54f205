package dev.essay.core.pkg;

import dev.essay.core.event.EssayEvent;
import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.event.EngineListener;
import dev.essay.core.model.Pep508;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code essay new} and {@code essay init}: a ready-to-release service (a stdlib web service whose every
 * response names its slot and version, its supervisord template, essay.yaml, README, .gitignore, in a new git
 * repository), or the essay files added to an existing project without overwriting anything.
 */
public final class Scaffold {
    /** The service a new project starts with. */
    public enum Template {
        /** An HTTP server on {@code http.server}. */
        WEB,
        /** A WSGI {@code application}, served by {@code wsgiref} (swap in gunicorn in the template). */
        WSGI,
        /**
         * A Django project served by gunicorn, both from the hosts' system packages (Debian's {@code python3-django} and
         * {@code gunicorn}: {@code venv.system_site_packages}), settings per profile, static files collected into
         * each slot by a {@code pre_deploy} hook.
         */
        DJANGO
    }

    /**
     * What was written, what was already there and kept, the first commit (null when none was made), and the
     * slot template essay.yaml names.
     */
    public record Result(Path dir, String project, String packageName, List<Path> written, List<Path> kept,
                         String commit, boolean pushed, Path template) {
        public Result {
            written = List.copyOf(written);
            kept = List.copyOf(kept);
        }
    }

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Set<String> KEYWORDS = Set.of("False", "None", "True", "and", "as", "assert", "async", "await",
            "break", "class", "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
            "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
            "with", "yield", "match", "case", "type");
    private static final Pattern PYPROJECT_NAME = Pattern.compile("(?ms)^\\[project\\][^\\[]*?^name\\s*=\\s*[\"']([^\"']+)[\"']");
    private static final Duration GIT_TIMEOUT = Duration.ofMinutes(5);
    private static final String RESOURCES = "scaffold/";
    /** Where {@code essay new} puts the slot template, and where the fabfile tool's projects keep theirs. */
    static final String CONF_TEMPLATE = "conf/supervisord.conf";
    /**
     * Where {@code essay init} puts the slot template in a project without {@value #CONF_TEMPLATE}: a directory
     * whose name starts with a dot, which no setuptools package finder takes for a package (a {@code conf/} beside
     * a flat-layout package makes setuptools' automatic discovery fail: "Multiple top-level packages discovered").
     */
    static final String INIT_TEMPLATE = ".essay/supervisord.conf";
    private static final String NEW_COMMAND = "{{ venv_dir }}/bin/@project@ --host={{ host }} --port={{ port }}%(process_num)d"
            + " --profile={{ profile }}";
    private static final String DJANGO_COMMAND = "{{ venv_dir }}/bin/python -m gunicorn --bind={{ host }}:{{ port }}%(process_num)d"
            + " --workers=2 --access-logfile=- @package@.wsgi:application";
    private static final String INIT_COMMAND = "{{ venv_dir }}/bin/python -m @package@ --host={{ host }}"
            + " --port={{ port }}%(process_num)d --profile={{ profile }}";
    private static final String INIT_COMMAND_COMMENT = "; EDIT: the command that starts one process of your service, listening on"
            + " {{ host }}:{{ port }}N\n; and answering /health with the X-Essay-Slot and X-Essay-Version headers.\n";

    private final EngineListener listener;

    public Scaffold(EngineListener listener) {
        this.listener = listener == null ? EngineListener.SILENT : listener;
    }

    /** The Python package of a project: the name in lower case with {@code -} and {@code .} as {@code _}. */
    public static String packageName(String project) {
        return Pep508.require(project).toLowerCase(Locale.ROOT).replace('-', '_').replace('.', '_');
    }

    /**
     * Creates {@code dir} (which must not exist, or be empty) with a new service, runs {@code git init}, commits,
     * and pushes to {@code gitRemote} when one is given.
     *
     * @param packageName null for {@link #packageName(String)}
     */
    public Result create(Path dir, String project, String packageName, Template template, String gitRemote) {
        String name = validProject(project);
        String pkg = validPackage(packageName == null ? packageName(name) : packageName);
        if (gitRemote != null && (gitRemote.isBlank() || gitRemote.startsWith("-") || gitRemote.chars().anyMatch(Character::isWhitespace))) {
            throw usage("--git-remote '" + gitRemote + "' is not a git remote URL", "give a URL or path such as git@host:team/" + name + ".git");
        }
        if (Files.exists(dir) && !isEmptyDirectory(dir)) {
            throw usage(dir + " already exists and is not empty", "pick another directory, or run essay init inside it to add the essay files");
        }
        boolean django = template == Template.DJANGO;
        Map<String, String> tokens = django ? djangoTokens(name, pkg) : tokens(name, pkg, NEW_COMMAND, "");
        Map<String, String> files = new LinkedHashMap<>();
        files.put("pyproject.toml", "pyproject.toml");
        files.put("src/" + pkg + "/__init__.py", "__init__.py");
        if (django) {
            files.put("src/" + pkg + "/__main__.py", "django-main.py");
            files.put("src/" + pkg + "/settings.py", "django-settings.py");
            files.put("src/" + pkg + "/urls.py", "django-urls.py");
            files.put("src/" + pkg + "/views.py", "django-views.py");
            files.put("src/" + pkg + "/middleware.py", "django-middleware.py");
            files.put("src/" + pkg + "/wsgi.py", "django-wsgi.py");
            files.put("src/" + pkg + "/static/" + pkg + "/site.css", "django-site.css");
        } else {
            files.put("src/" + pkg + "/__main__.py", "__main__.py");
            files.put("src/" + pkg + "/app.py", template == Template.WSGI ? "app-wsgi.py" : "app-web.py");
        }
        files.put(CONF_TEMPLATE, "supervisord.conf");
        files.put("essay.yaml", "essay.yaml");
        files.put("README.md", "README.md");
        files.put(".gitignore", "gitignore");
        List<Path> written = new ArrayList<>();
        List<Path> kept = new ArrayList<>();
        write(dir, files, tokens, written, kept);
        listener.on(new EssayEvent.Info("created " + name + " (package " + pkg + ", template " + template.name().toLowerCase(Locale.ROOT)
                + ") in " + dir));
        String commit = firstCommit(dir, name);
        boolean pushed = false;
        if (gitRemote != null) {
            git(dir, "could not add the remote " + gitRemote, "git", "remote", "add", "origin", gitRemote);
            git(dir, "could not push to " + gitRemote + "; the project and its first commit are in " + dir
                    + " (push again with: git push -u origin main)", "git", "push", "-u", "origin", "main");
            listener.on(new EssayEvent.Info("pushed main to " + gitRemote));
            pushed = true;
        }
        return new Result(dir, name, pkg, written, kept, commit, pushed, dir.resolve(CONF_TEMPLATE));
    }

    /**
     * Adds essay.yaml and a slot template to an existing project in {@code dir}, keeping every file that is already
     * there. The template is the project's {@value #CONF_TEMPLATE} when it has one (a fabfile-era project), else a
     * new {@value #INIT_TEMPLATE}, where setuptools' package discovery does not look. The project name comes from
     * {@code project}, else pyproject.toml's {@code [project] name}, else the directory's name.
     */
    public Result init(Path dir, String project, String packageName) {
        if (!Files.isDirectory(dir)) {
            throw usage(dir + " is not a directory", "run essay init inside your project, or essay new NAME for a new one");
        }
        String name = validProject(project != null ? project : detectName(dir));
        String pkg = validPackage(packageName != null ? packageName : packageName(name));
        String template = Files.isRegularFile(dir.resolve(CONF_TEMPLATE)) ? CONF_TEMPLATE : INIT_TEMPLATE;
        Map<String, String> files = new LinkedHashMap<>();
        files.put("essay.yaml", "essay.yaml");
        files.put(template, "supervisord.conf");
        List<Path> written = new ArrayList<>();
        List<Path> kept = new ArrayList<>();
        write(dir, files, tokens(name, pkg, INIT_COMMAND, INIT_COMMAND_COMMENT, Map.of("@template@", template)), written, kept);
        for (Path k : kept) {
            listener.on(new EssayEvent.Warning(k + " exists; kept it as it is"
                    + (k.endsWith(CONF_TEMPLATE) ? " (essay renders it as the slot template)" : "")));
        }
        return new Result(dir, name, pkg, written, kept, null, false, dir.resolve(template));
    }

    private static Map<String, String> tokens(String project, String pkg, String command, String commandComment) {
        return tokens(project, pkg, command, commandComment, Map.of());
    }

    /**
     * The tokens of the shared resources: the supervisord command (and a comment before it), and what a template
     * adds to the shared files ({@code @environment@}, {@code @venv_extra@}, {@code @hooks@}, {@code @dependencies@},
     * {@code @package_data@}, {@code @run_here@}; by default what the web and wsgi templates need), and where the slot
     * template is ({@code @template@}, by default {@value #CONF_TEMPLATE}).
     */
    private static Map<String, String> tokens(String project, String pkg, String command, String commandComment,
                                              Map<String, String> extra) {
        Map<String, String> t = new LinkedHashMap<>();
        t.put("@template@", extra.getOrDefault("@template@", CONF_TEMPLATE));
        t.put("@command_comment@", commandComment);
        t.put("@command@", command);
        for (String token : List.of("@environment@", "@venv_extra@", "@hooks@", "@dependencies@", "@package_data@")) {
            t.put(token, extra.getOrDefault(token, ""));
        }
        t.put("@run_here@", extra.getOrDefault("@run_here@", "python3 -m venv .venv && .venv/bin/pip install -e .\n"
                + ".venv/bin/@project@ --port 8000\n"));
        t.put("@project@", project);
        t.put("@package@", pkg);
        t.put("@upstream@", project.replace('-', '_').replace('.', '_'));
        return t;
    }

    /** The django template's additions to the shared files. */
    private static Map<String, String> djangoTokens(String project, String pkg) {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("@environment@", ",ESSAY_PROFILE=\"{{ profile }}\",DJANGO_SETTINGS_MODULE=\"@package@.settings\"");
        extra.put("@venv_extra@", "  system_site_packages: true           # Django and gunicorn from the hosts' packages"
                + " (Debian: apt-get install python3-django gunicorn)\n");
        extra.put("@hooks@", "hooks:\n  pre_deploy:                          # the release's static files, into the slot"
                + " (settings.STATIC_ROOT)\n    - python -m @package@ collectstatic --noinput --verbosity 0\n");
        extra.put("@dependencies@", "\"Django>=3.2\", \"gunicorn>=20\"");
        extra.put("@package_data@", "\n[tool.setuptools.package-data]\n@package@ = [\"static/**/*\"]\n");
        extra.put("@run_here@", "python3 -m venv --system-site-packages .venv && .venv/bin/pip install -e .\n"
                + "ESSAY_PROFILE=dev .venv/bin/python -m gunicorn --bind=127.0.0.1:8000 @package@.wsgi:application &\n");
        return tokens(project, pkg, DJANGO_COMMAND, "", extra);
    }

    private void write(Path dir, Map<String, String> files, Map<String, String> tokens, List<Path> written, List<Path> kept) {
        try {
            for (Map.Entry<String, String> f : files.entrySet()) {
                Path target = dir.resolve(f.getKey());
                if (Files.exists(target)) {
                    kept.add(target);
                    continue;
                }
                String text = resource(f.getValue());
                for (Map.Entry<String, String> t : tokens.entrySet()) {
                    text = text.replace(t.getKey(), t.getValue());
                }
                Files.createDirectories(target.getParent());
                Files.writeString(target, text, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE_NEW);
                written.add(target);
            }
        } catch (IOException e) {
            throw new EssayException(ExitCode.ERROR, "cannot write into " + dir + ": " + e.getMessage(), null,
                    "check that the directory is writable", e);
        }
    }

    private String firstCommit(Path dir, String name) {
        git(dir, "git init failed in " + dir, "git", "init", "-q", "-b", "main");
        git(dir, "git add failed in " + dir, "git", "add", "-A");
        Map<String, String> env = new LinkedHashMap<>();
        if (!Processes.run(List.of("git", "config", "user.email"), dir, GIT_TIMEOUT, Map.of()).ok()) {
            listener.on(new EssayEvent.Warning("git has no user.email here; the first commit is by 'essay new <essay@localhost>'"
                    + " (set yours with git config --global user.email)"));
            env.put("GIT_AUTHOR_NAME", "essay new");
            env.put("GIT_AUTHOR_EMAIL", "essay@localhost");
            env.put("GIT_COMMITTER_NAME", "essay new");
            env.put("GIT_COMMITTER_EMAIL", "essay@localhost");
        }
        Processes.Result commit = Processes.run(List.of("git", "commit", "-q", "-m", "New service " + name + " (essay new)"),
                dir, GIT_TIMEOUT, env);
        if (!commit.ok()) {
            throw new EssayException(ExitCode.ERROR, "git commit failed in " + dir, commit.tail(),
                    "the files are written; commit them yourself", null);
        }
        return git(dir, "git rev-parse failed in " + dir, "git", "rev-parse", "HEAD").strip();
    }

    private static String git(Path dir, String failure, String... argv) {
        Processes.Result r = Processes.run(List.of(argv), dir, GIT_TIMEOUT, Map.of());
        if (!r.ok()) {
            throw new EssayException(ExitCode.ERROR, failure, r.tail(), null, null);
        }
        return r.output();
    }

    private static String detectName(Path dir) {
        Path pyproject = dir.resolve("pyproject.toml");
        if (Files.isRegularFile(pyproject)) {
            try {
                Matcher m = PYPROJECT_NAME.matcher(Files.readString(pyproject, StandardCharsets.UTF_8));
                if (m.find()) {
                    return m.group(1);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Path name = dir.toAbsolutePath().normalize().getFileName();
        return name == null ? "" : name.toString();
    }

    private static String validProject(String name) {
        if (!Pep508.isValid(name)) {
            throw usage("'" + name + "' is not a valid project name (PEP 508: letters, digits, '-', '_' and '.',"
                    + " starting and ending with a letter or digit)", "for example: essay new billing-api");
        }
        return name;
    }

    private static String validPackage(String pkg) {
        if (pkg == null || !IDENTIFIER.matcher(pkg).matches() || KEYWORDS.contains(pkg)) {
            throw usage("'" + pkg + "' is not a valid Python package name (an identifier that is not a keyword)",
                    "name it with --package, for example --package billing_api");
        }
        return pkg;
    }

    private static boolean isEmptyDirectory(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return Files.isDirectory(dir) && entries.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = Scaffold.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IOException("essay is missing its scaffold resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static EssayException usage(String message, String suggestion) {
        return new EssayException(ExitCode.USAGE, message, suggestion);
    }
}
