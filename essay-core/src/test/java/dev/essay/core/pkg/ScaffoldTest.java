package dev.essay.core.pkg;

import org.awaitility.core.TerminalFailureException;
import org.awaitility.core.ConditionTimeoutException;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.essay.core.config.ProjectLoader;
import dev.essay.core.deploy.SupervisorConfig;
import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.model.HostAddress;
import dev.essay.core.model.Project;
import dev.essay.core.model.Secret;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** essay new / essay init, with real git and the real Python interpreter running the scaffolded service. */
class ScaffoldTest {
    @TempDir
    Path tmp;

    private final Scaffold scaffold = new Scaffold(null);
    /** The interpreter of Debian's python3-django and gunicorn (scripts/install-deps), which the django template uses. */
    static final String DEBIAN_PYTHON = "/usr/bin/python3";

    @Test
    void newProjectIsCommittedAndItsEssayYamlAndTemplateAreValid() throws Exception {
        Path dir = tmp.resolve("billing-api");
        Scaffold.Result r = scaffold.create(dir, "billing-api", null, Scaffold.Template.WEB, null);

        assertThat(r.packageName()).isEqualTo("billing_api");
        assertThat(dir.resolve("src/billing_api/app.py")).exists();
        assertThat(r.written()).extracting(p -> dir.relativize(p).toString()).containsExactly("pyproject.toml",
                "src/billing_api/__init__.py", "src/billing_api/__main__.py", "src/billing_api/app.py",
                "conf/supervisord.conf", "essay.yaml", "README.md", ".gitignore");
        assertThat(Files.readString(dir.resolve("pyproject.toml"))).contains("name = \"billing-api\"")
                .contains("billing-api = \"billing_api.app:main\"").doesNotContain("@");
        assertThat(git(dir, "log", "--format=%s")).isEqualTo("New service billing-api (essay new)\n");
        assertThat(git(dir, "status", "--porcelain")).isEmpty();
        assertThat(r.commit()).isEqualTo(git(dir, "rev-parse", "HEAD").strip());

        Project project = ProjectLoader.load(dir.resolve("essay.yaml"));
        assertThat(project.name()).isEqualTo("billing-api");
        String rendered = SupervisorConfig.render(project, HostAddress.parse("deploy@10.1.2.3"), "b", "/srv/b", "6.11.28.1",
                "prod", Secret.of("pw")).text();
        assertThat(rendered).contains("command=/srv/b/bin/billing-api --host=10.1.2.3 --port=801%(process_num)d --profile=prod")
                .contains("environment=ESSAY_SLOT=\"b\"");
    }

    @Test
    void aDjangoProjectUsesTheHostsDjangoAndGunicornCollectsItsStaticFilesIntoTheSlotAndBuilds() throws Exception {
        Path dir = tmp.resolve("shop");
        Scaffold.Result r = scaffold.create(dir, "shop", null, Scaffold.Template.DJANGO, null);
        assertThat(r.written()).extracting(p -> dir.relativize(p).toString()).contains("src/shop/settings.py",
                "src/shop/urls.py", "src/shop/wsgi.py", "src/shop/static/shop/site.css", "essay.yaml");
        assertThat(Files.readString(dir.resolve("pyproject.toml"))).contains("dependencies = [\"Django>=3.2\", \"gunicorn>=20\"]")
                .contains("shop = [\"static/**/*\"]").doesNotContain("@");
        assertThat(Files.readString(dir.resolve("README.md"))).contains("python -m gunicorn").doesNotContain("@");

        Project project = ProjectLoader.load(dir.resolve("essay.yaml"));
        assertThat(project.venv().systemSitePackages()).isTrue();
        assertThat(project.hooks().preDeploy()).containsExactly("python -m shop collectstatic --noinput --verbosity 0");
        String rendered = SupervisorConfig.render(project, HostAddress.parse("deploy@10.1.2.3"), "b", "/srv/b", "6.11.28.1",
                "prod", Secret.of("pw")).text();
        assertThat(rendered).contains("command=/srv/b/bin/python -m gunicorn --bind=10.1.2.3:801%(process_num)d"
                + " --workers=2 --access-logfile=- shop.wsgi:application")
                .contains("environment=ESSAY_SLOT=\"b\",ESSAY_VERSION=\"6.11.28.1\",ESSAY_PROFILE=\"prod\","
                        + "DJANGO_SETTINGS_MODULE=\"shop.settings\"");

        // the pre_deploy hook, as a deploy runs it: the release's static files land in the slot (sys.prefix/static)
        Path slot = tmp.resolve("slot");
        Processes.Result collected = Processes.run(List.of(DEBIAN_PYTHON, "-m", "shop", "collectstatic", "--noinput",
                "--verbosity", "0"), dir, Duration.ofMinutes(2), Map.of("PYTHONPATH", dir.resolve("src").toString(),
                "ESSAY_PROFILE", "prod", "DJANGO_STATIC_ROOT", slot.resolve("static").toString()));
        assertThat(collected.ok()).as(collected.output()).isTrue();
        assertThat(slot.resolve("static/shop/site.css")).exists();

        Processes.Result built = Processes.run(List.of(DEBIAN_PYTHON, "-m", "build", "--no-isolation", "--wheel",
                "--outdir", tmp.resolve("dist").toString()), dir, Duration.ofMinutes(3), Map.of());
        assertThat(built.ok()).as(built.output()).isTrue();
        try (java.util.zip.ZipFile wheel = new java.util.zip.ZipFile(Files.list(tmp.resolve("dist")).findFirst().orElseThrow().toFile())) {
            assertThat(wheel.stream().map(java.util.zip.ZipEntry::getName)).contains("shop/static/shop/site.css",
                    "shop/settings.py");
        }
    }

    @ParameterizedTest
    @EnumSource(Scaffold.Template.class)
    void scaffoldedServiceNamesItsSlotAndVersionInEveryResponse(Scaffold.Template template) throws Exception {
        Path dir = tmp.resolve("svc");
        scaffold.create(dir, "svc", null, template, null);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        // the django template's service is what its supervisord template runs: gunicorn serving svc.wsgi
        List<String> command = template == Scaffold.Template.DJANGO
                ? List.of(DEBIAN_PYTHON, "-m", "gunicorn", "--bind=127.0.0.1:" + port, "svc.wsgi:application")
                : List.of("python3", "-m", "svc", "--port", Integer.toString(port));
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(tmp.resolve("svc.log").toFile());
        pb.environment().put("PYTHONPATH", dir.resolve("src").toString());
        pb.environment().put("ESSAY_SLOT", "b");
        Process service = pb.start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                    .timeout(Duration.ofSeconds(2)).build();
            HttpResponse<String> response;
            try {
                response = await("the scaffolded service to answer /health").atMost(Duration.ofSeconds(30))
                        .failFast("the scaffolded service exited", () -> !service.isAlive())
                        .ignoreExceptionsInstanceOf(IOException.class).pollInterval(Duration.ofMillis(20))
                        .until(() -> http.send(health, HttpResponse.BodyHandlers.ofString()), r -> true);
            } catch (ConditionTimeoutException | TerminalFailureException e) {
                throw new AssertionError(e.getMessage() + "; its log:\n" + Files.readString(tmp.resolve("svc.log")), e);
            }
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("X-Essay-Slot")).hasValue("b");
            assertThat(response.headers().firstValue("X-Essay-Version")).hasValue("0.0.0+unknown");
            assertThat(response.body()).contains("\"status\": \"ok\"");
            HttpResponse<String> missing = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/nope")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(missing.headers().firstValue("X-Essay-Slot")).hasValue("b");
        } finally {
            service.destroy();
        }
        assertThat(service.waitFor()).as("SIGTERM stops the service cleanly").isZero();
    }

    @Test
    void pushesTheFirstCommitToTheGivenRemote() throws Exception {
        Path remote = tmp.resolve("remote.git");
        Files.createDirectories(remote);
        git(remote, "init", "-q", "--bare");
        Scaffold.Result r = scaffold.create(tmp.resolve("svc"), "svc", null, Scaffold.Template.WSGI, remote.toString());
        assertThat(r.pushed()).isTrue();
        assertThat(git(remote, "rev-parse", "main").strip()).isEqualTo(r.commit());
    }

    @Test
    void refusesBadNamesAndNonEmptyDirectoriesWithoutWritingAnything() throws Exception {
        EssayException name = catchThrowableOfType(EssayException.class,
                () -> scaffold.create(tmp.resolve("x"), "bad name", null, Scaffold.Template.WEB, null));
        assertThat(name.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(name.getMessage()).contains("'bad name' is not a valid project name");

        EssayException keyword = catchThrowableOfType(EssayException.class,
                () -> scaffold.create(tmp.resolve("x"), "class", null, Scaffold.Template.WEB, null));
        assertThat(keyword.getMessage()).contains("'class' is not a valid Python package name");
        assertThat(keyword.suggestion()).contains("--package");

        EssayException digit = catchThrowableOfType(EssayException.class,
                () -> scaffold.create(tmp.resolve("x"), "2fa", null, Scaffold.Template.WEB, null));
        assertThat(digit.getMessage()).contains("'2fa' is not a valid Python package name");
        assertThat(tmp.resolve("x")).doesNotExist();

        Path taken = Files.createDirectories(tmp.resolve("taken"));
        Files.writeString(taken.resolve("notes.txt"), "mine");
        EssayException exists = catchThrowableOfType(EssayException.class,
                () -> scaffold.create(taken, "taken", null, Scaffold.Template.WEB, null));
        assertThat(exists.getMessage()).contains(taken + " already exists and is not empty");
        assertThat(exists.suggestion()).contains("essay init");
        try (var files = Files.list(taken)) {
            assertThat(files).containsExactly(taken.resolve("notes.txt"));
        }
    }

    @Test
    void initAddsTheEssayFilesToAnExistingProjectAndKeepsWhatIsThere() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("checkout"));
        Files.writeString(dir.resolve("pyproject.toml"), "[build-system]\nrequires = [\"setuptools\"]\n\n[project]\n"
                + "name = \"orders.service\"\nversion = \"1.0\"\n");
        Files.createDirectories(dir.resolve("conf"));
        Files.writeString(dir.resolve("conf/supervisord.conf"), "; ours\n");

        Scaffold.Result r = scaffold.init(dir, null, null);

        assertThat(r.project()).isEqualTo("orders.service");
        assertThat(r.packageName()).isEqualTo("orders_service");
        assertThat(r.written()).containsExactly(dir.resolve("essay.yaml"));
        assertThat(r.kept()).containsExactly(dir.resolve("conf/supervisord.conf"));
        assertThat(Files.readString(dir.resolve("conf/supervisord.conf"))).isEqualTo("; ours\n");
        assertThat(ProjectLoader.load(dir.resolve("essay.yaml")).name()).isEqualTo("orders.service");

        assertThat(r.template()).isEqualTo(dir.resolve("conf/supervisord.conf"));
        assertThat(ProjectLoader.load(dir.resolve("essay.yaml")).supervisor().template())
                .isEqualTo(dir.resolve("conf/supervisord.conf"));

        Path bare = Files.createDirectories(tmp.resolve("plain"));
        Scaffold.Result second = scaffold.init(bare, null, null);
        assertThat(second.project()).isEqualTo("plain");
        assertThat(second.written()).containsExactly(bare.resolve("essay.yaml"), bare.resolve(".essay/supervisord.conf"));
        assertThat(bare.resolve("conf")).doesNotExist();
        assertThat(Files.readString(bare.resolve(".essay/supervisord.conf")))
                .contains("; EDIT: the command that starts one process of your service")
                .contains("command={{ venv_dir }}/bin/python -m plain --host={{ host }}");
        assertThat(ProjectLoader.load(bare.resolve("essay.yaml")).supervisor().template())
                .isEqualTo(bare.resolve(".essay/supervisord.conf"));
    }

    /**
     * A flat-layout setuptools project (its package beside pyproject.toml, no src/, packages found by setuptools'
     * automatic discovery) still builds after essay init: the template is not where discovery looks. The same
     * project with a conf/ directory does not build, which is what init must avoid.
     */
    @Test
    void initKeepsAFlatLayoutProjectBuildable() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("flatsvc").resolve("flatsvc")).getParent();
        Files.writeString(dir.resolve("flatsvc/__init__.py"), "");
        Files.writeString(dir.resolve("pyproject.toml"), "[build-system]\nrequires = [\"setuptools>=61\"]\n"
                + "build-backend = \"setuptools.build_meta\"\n\n[project]\nname = \"flatsvc\"\nversion = \"1.0\"\n");
        Scaffold.Result r = scaffold.init(dir, null, null);
        assertThat(r.template()).isEqualTo(dir.resolve(".essay/supervisord.conf"));

        Processes.Result build = pythonBuild(dir);
        assertThat(build.exit()).as(build.output()).isZero();
        try (java.util.zip.ZipFile wheel = new java.util.zip.ZipFile(dir.resolve("dist/flatsvc-1.0-py3-none-any.whl").toFile())) {
            assertThat(wheel.stream().map(java.util.zip.ZipEntry::getName)).contains("flatsvc/__init__.py")
                    .noneMatch(n -> n.contains("supervisord") || n.startsWith(".essay") || n.startsWith("conf"));
        }

        Trees.delete(dir.resolve("dist"));
        Files.createDirectories(dir.resolve("conf"));
        Files.writeString(dir.resolve("conf/supervisord.conf"), "; where essay init used to write it\n");
        Processes.Result broken = pythonBuild(dir);
        assertThat(broken.exit()).isNotZero();
        assertThat(broken.output()).contains("Multiple top-level packages discovered in a flat-layout");
    }

    private static Processes.Result pythonBuild(Path dir) {
        return Processes.run(List.of("/usr/bin/python3", "-m", "build", "--no-isolation", "--wheel", "--outdir",
                dir.resolve("dist").toString(), dir.toString()), dir, Duration.ofMinutes(5), Map.of());
    }

    private static String git(Path dir, String... args) throws Exception {
        List<String> argv = new java.util.ArrayList<>(List.of("git"));
        argv.addAll(List.of(args));
        Processes.Result r = Processes.run(argv, dir, Duration.ofMinutes(1), Map.of());
        assertThat(r.exit()).as(r.output()).isZero();
        return r.output();
    }
}
