package dev.essay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.essay.fleet.Fleet;
import dev.essay.fleet.FleetConfig;
import dev.essay.fleet.LocalCommand;
import dev.essay.fleet.SampleBuild;
import dev.essay.fleet.TrafficLoop;
import dev.essay.fleet.junit.WithFleet;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service made by {@code essay new}, released with {@code essay release} on the real test fleet: package from git
 * with a date version, upload to the fleet's index, deploy into the slot that is not live, switch; then a release
 * whose new version cannot start stops before the switch, with the live release serving throughout. Each release is
 * one {@code release} entry in the ledger, however it ended.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@WithFleet(hosts = 2)
class ReleaseIT {
    private static final String NAME = "essay-svc";
    private static final Pattern RELEASED = Pattern.compile("released " + NAME + " (\\S+): slot (\\w+) is live");

    @TempDir
    static Path tmp;
    static Fleet fleet;
    static Path project;
    static String config;
    static String firstVersion;

    @BeforeAll
    static void boot() throws Exception {
        project = tmp.resolve(NAME);
        Cli.Run created = Cli.run("new", NAME, "--dir", project.toString());
        assertThat(created.exit()).as(created.all()).isZero();
        // Point the scaffolded essay.yaml at the test fleet: its hosts, router, index and ssh settings.
        String yaml = fleet.configYaml().replace("project: " + FleetConfig.PROJECT, "project: " + NAME)
                + "build:\n  python: " + SampleBuild.PYTHON + "\n";
        Files.writeString(project.resolve("essay.yaml"), yaml, StandardCharsets.UTF_8);
        config = project.resolve("essay.yaml").toString();
    }

    @Test
    @Order(1)
    void aNewServiceIsReleasedIntoTheFirstSlotAndServesThroughNginx() throws Exception {
        Cli.Run release = Cli.run("--config", config, "release");
        assertThat(release.exit()).as(release.all()).isZero();
        Matcher m = RELEASED.matcher(release.out());
        assertThat(m.find()).as(release.all()).isTrue();
        firstVersion = m.group(1);
        assertThat(firstVersion).matches("\\d\\.\\d{1,2}\\.\\d{1,2}\\.1");
        assertThat(m.group(2)).isEqualTo("a");
        assertThat(release.out()).contains("packaged " + NAME + " " + firstVersion + " from branch main");
        assertThat(ledger()).as("one entry for the release, none for its package, deploy and switch").singleElement()
                .satisfies(e -> {
                    assertThat(List.of(e.path("action").asText(), e.path("version").asText(), e.path("from").asText("-"),
                            e.path("to").asText(), e.path("result").asText()))
                            .containsExactly("release", firstVersion, "-", "a", "ok");
                    assertThat(e.path("hosts")).hasSize(2).allSatisfy(h -> assertThat(h.path("result").asText()).isEqualTo("ok"));
                    assertThat(e.path("detail").asText()).matches("packaged from branch main \\([0-9a-f]{7,40}\\)");
                });
        try (TrafficLoop traffic = fleet.traffic()) {
            TrafficLoop.Stats stats = traffic.awaitSlot("a", 5);
            assertThat(stats.ofVersion(firstVersion)).isEqualTo(stats.successes());
            assertThat(stats.failures()).isZero();
        }
    }

    @Test
    @Order(2)
    void theNextCommitIsReleasedIntoTheOtherSlotWithoutAFailedRequest() throws Exception {
        commit("src/essay_svc/app.py", "\"service\": PROJECT,", "\"service\": PROJECT, \"greeting\": \"hello\",",
                "Say hello");
        try (TrafficLoop traffic = fleet.traffic()) {
            traffic.awaitSlot("a", 5);
            Cli.Run release = Cli.run("--config", config, "release");
            assertThat(release.exit()).as(release.all()).isZero();
            Matcher m = RELEASED.matcher(release.out());
            assertThat(m.find()).as(release.all()).isTrue();
            assertThat(m.group(1)).isEqualTo(later(firstVersion, 1));
            assertThat(m.group(2)).isEqualTo("b");
            assertThat(release.out()).contains("slot a keeps the previous release (essay rollback)");
            TrafficLoop.Stats stats = traffic.awaitSlot("b", 10);
            assertThat(stats.failures()).as(String.valueOf(stats.firstFailures())).isZero();
            assertThat(stats.ofVersion(later(firstVersion, 1))).isPositive();
        }
        JsonNode second = last(ledger());
        assertThat(List.of(second.path("action").asText(), second.path("version").asText(), second.path("from").asText(),
                second.path("to").asText(), second.path("result").asText()))
                .containsExactly("release", later(firstVersion, 1), "a", "b", "ok");
    }

    @Test
    @Order(3)
    void aReleaseThatCannotStartStopsBeforeTheSwitchAndTheLiveSlotKeepsServing() throws Exception {
        String broken = later(firstVersion, 2);
        commit("src/essay_svc/app.py", "    args = parse_args(", "    raise SystemExit(\"essay-svc: broken on purpose\")\n"
                + "    args = parse_args(", "Break the start");
        try (TrafficLoop traffic = fleet.traffic()) {
            traffic.awaitSlot("b", 5);
            Cli.Run release = Cli.run("--config", config, "release");
            assertThat(release.exit()).as(release.all()).isEqualTo(3);
            assertThat(release.err()).contains("release of " + broken + " stopped: the deploy into slot a failed on")
                    .contains("nothing was switched");
            assertThat(release.all()).contains("wait-healthy FAILED").contains("essay-svc: broken on purpose");
            TrafficLoop.Stats stats = traffic.awaitRequests(traffic.requests() + 10);
            assertThat(stats.failures()).as(String.valueOf(stats.firstFailures())).isZero();
            assertThat(stats.fromSlot("a")).isZero();
        }
        Cli.Run status = Cli.run("--config", config, "status");
        assertThat(status.exit()).as(status.all()).isZero();
        assertThat(status.out()).contains(later(firstVersion, 1)).doesNotContain("lock held");

        // The lock was released: fixing the code and releasing again puts the fix live in slot a.
        commit("src/essay_svc/app.py", "    raise SystemExit(\"essay-svc: broken on purpose\")\n", "", "Fix the start");
        Cli.Run fixed = Cli.run("--config", config, "release");
        assertThat(fixed.exit()).as(fixed.all()).isZero();
        assertThat(fixed.out()).contains("released " + NAME + " " + later(firstVersion, 3) + ": slot a is live");
        List<JsonNode> ledger = ledger();
        assertThat(ledger).hasSize(4).allSatisfy(e -> assertThat(e.path("action").asText()).isEqualTo("release"));
        JsonNode stopped = ledger.get(2);
        assertThat(List.of(stopped.path("version").asText(), stopped.path("from").asText(), stopped.path("to").asText(),
                stopped.path("result").asText())).containsExactly(broken, "b", "a", "failed");
        assertThat(stopped.path("hosts")).hasSize(2).allSatisfy(h -> assertThat(h.path("result").asText()).isEqualTo("failed"));
        assertThat(stopped.path("detail").asText()).startsWith("the deploy failed on 2 of 2 hosts; slot b stays live,"
                + " nothing was switched; packaged from branch main (");
        assertThat(List.of(last(ledger).path("version").asText(), last(ledger).path("to").asText(),
                last(ledger).path("result").asText())).containsExactly(later(firstVersion, 3), "a", "ok");
        Cli.Run history = Cli.run("--config", config, "history", "--limit", "20");
        assertThat(history.out()).contains("release").contains(broken).contains("failed: the deploy failed on 2 of 2 hosts");
    }

    @Test
    @Order(4)
    void aDryRunBuildsNothingAndShowsTheVersionItWouldTake() throws Exception {
        Cli.Run dry = Cli.run("--config", config, "release", "--dry-run");
        assertThat(dry.exit()).as(dry.all()).isZero();
        String expected = later(firstVersion, 4);
        assertThat(dry.out()).contains("dry run: would package " + NAME + " " + expected)
                .contains("dry run: nothing was built and nothing ran");
        assertThat(Cli.run("--config", config, "versions").out()).doesNotContain(expected);
        assertThat(ledger()).as("a dry run records nothing").hasSize(4);
    }

    /** The router's ledger, oldest first, as {@code essay history --json} prints it. */
    private static List<JsonNode> ledger() throws Exception {
        Cli.Run history = Cli.run("--config", config, "history", "--json", "--limit", "100");
        assertThat(history.exit()).as(history.all()).isZero();
        List<JsonNode> entries = new ArrayList<>();
        new ObjectMapper().readTree(history.out()).forEach(entries::add);
        return entries;
    }

    private static JsonNode last(List<JsonNode> entries) {
        return entries.get(entries.size() - 1);
    }

    @Test
    @Order(5)
    void aNewDjangoProjectIsReleasedAndSwitchedAndServesItsStaticFilesFromItsSlot() throws Exception {
        Path django = tmp.resolve("essay-dj");
        Cli.Run created = Cli.run("new", "essay-dj", "--template", "django", "--dir", django.toString());
        assertThat(created.exit()).as(created.all()).isZero();
        // the fleet's hosts, router and index, with what the django template adds: the hosts' Django and gunicorn
        // (venv.system_site_packages) and the pre_deploy hook that collects the static files into the slot
        String scaffolded = Files.readString(django.resolve("essay.yaml"));
        assertThat(scaffolded).contains("  system_site_packages: true").contains("collectstatic");
        String yaml = fleet.configYaml().replace("project: " + FleetConfig.PROJECT, "project: essay-dj")
                .replaceFirst("(?m)^(venv:\n(?:  .*\n)*)", "$1  system_site_packages: true\n")
                + "build:\n  python: " + SampleBuild.PYTHON + "\n"
                + scaffolded.substring(scaffolded.indexOf("hooks:"));
        Files.writeString(django.resolve("essay.yaml"), yaml, StandardCharsets.UTF_8);
        String djangoConfig = django.resolve("essay.yaml").toString();

        try (TrafficLoop traffic = fleet.traffic()) {
            traffic.awaitSlot("a", 5);
            Cli.Run release = Cli.run("--config", djangoConfig, "release");
            assertThat(release.exit()).as(release.all()).isZero();
            Matcher m = Pattern.compile("released essay-dj (\\S+): slot (\\w+) is live").matcher(release.out());
            assertThat(m.find()).as(release.all()).isTrue();
            assertThat(m.group(2)).isEqualTo("b");
            assertThat(release.out()).contains("pre-deploy-1 ok");
            TrafficLoop.Stats stats = traffic.awaitSlot("b", 10);
            assertThat(stats.failures()).as(String.valueOf(stats.firstFailures())).isZero();
            assertThat(stats.ofVersion(m.group(1))).isPositive();

            java.net.http.HttpResponse<String> css = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(fleet.routerUrl().resolve("/static/essay_dj/site.css")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(css.statusCode()).as(css.body()).isEqualTo(200);
            assertThat(css.body()).contains("body { font-family: sans-serif; }");
            assertThat(css.headers().firstValue("X-Essay-Slot")).hasValue("b");
        }
    }

    /**
     * A project as the Fabric tool's template made it: flat layout (the package beside setup.py, no src/, no
     * pyproject.toml), {@code version='${version}'} in setup.py and {@code ${version}} / {@code ${git_version}} in its
     * settings module. It is packaged as it is, released, switched, and the installed settings carry the release.
     */
    @Test
    @Order(6)
    void aFabfileEraProjectIsReleasedUnchangedAndItsSettingsAreStamped() throws Exception {
        Path fab = tmp.resolve("essay-fab");
        Cli.Run created = Cli.run("new", "essay-fab", "--dir", fab.toString());
        assertThat(created.exit()).as(created.all()).isZero();
        Files.move(fab.resolve("src/essay_fab"), fab.resolve("essay_fab"));
        Files.delete(fab.resolve("src"));
        Files.delete(fab.resolve("pyproject.toml"));
        Files.writeString(fab.resolve("setup.py"), String.join("\n",
                "# coding: utf-8",
                "from setuptools import setup, find_packages",
                "",
                "setup(",
                "    name='essay-fab',",
                "    version='${version}',",
                "    packages=find_packages(exclude=['*.pyc']),",
                "    entry_points={'console_scripts': ['essay-fab = essay_fab.app:main']},",
                ")", ""));
        Files.writeString(fab.resolve("essay_fab/settings.py"), "VERSION = '${version}'\nGIT_VERSION = '${git_version}'\n");
        Files.writeString(fab.resolve("essay.yaml"), fleet.configYaml().replace("project: " + FleetConfig.PROJECT,
                "project: essay-fab") + "build:\n  python: " + SampleBuild.PYTHON + "\n", StandardCharsets.UTF_8);
        for (List<String> git : List.of(List.of("add", "-A"), List.of("commit", "-q", "-m", "As the fabfile tool made it"))) {
            List<String> argv = new ArrayList<>(List.of("git", "-C", fab.toString(), "-c", "user.name=essay test",
                    "-c", "user.email=test@essay.invalid"));
            argv.addAll(git);
            LocalCommand.Result r = LocalCommand.run(argv, Duration.ofMinutes(1));
            assertThat(r.exitCode()).as(r.output()).isZero();
        }
        String commit = LocalCommand.run(List.of("git", "-C", fab.toString(), "rev-parse", "HEAD"), Duration.ofMinutes(1))
                .output().strip();

        Cli.Run release = Cli.run("--config", fab.resolve("essay.yaml").toString(), "release");
        assertThat(release.exit()).as(release.all()).isZero();
        Matcher m = Pattern.compile("released essay-fab (\\S+): slot (\\w+) is live").matcher(release.out());
        assertThat(m.find()).as(release.all()).isTrue();
        String version = m.group(1);
        java.net.http.HttpResponse<String> served = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(fleet.routerUrl()).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(served.headers().firstValue("X-Essay-Slot")).hasValue(m.group(2));
        assertThat(served.headers().firstValue("X-Essay-Version")).hasValue(version);
        for (dev.essay.fleet.FleetHost host : fleet.hosts()) {
            Path settings;
            try (var files = Files.walk(host.home().resolve("essay-sample").resolve(m.group(2)))) {
                settings = files.filter(f -> f.endsWith(Path.of("essay_fab", "settings.py"))).findFirst().orElseThrow();
            }
            assertThat(Files.readString(settings)).as("the installed settings on " + host)
                    .isEqualTo("VERSION = '" + version + "'\nGIT_VERSION = '" + commit + "'\n");
        }
    }

    /** The date version {@code k} builds after {@code version} on the same day. */
    private static String later(String version, int k) {
        int dot = version.lastIndexOf('.');
        return version.substring(0, dot + 1) + (Integer.parseInt(version.substring(dot + 1)) + k);
    }

    private static void commit(String file, String find, String replace, String message) throws Exception {
        Path path = project.resolve(file);
        String text = Files.readString(path);
        assertThat(text).contains(find);
        Files.writeString(path, text.replace(find, replace));
        git("commit", "-q", "-a", "-m", message);
    }

    private static void git(String... args) {
        List<String> argv = new ArrayList<>(List.of("git", "-C", project.toString(), "-c", "user.name=essay test",
                "-c", "user.email=test@essay.invalid"));
        argv.addAll(List.of(args));
        LocalCommand.Result r = LocalCommand.run(argv, Duration.ofMinutes(1));
        assertThat(r.exitCode()).as(r.output()).isZero();
    }
}
