package dev.essay.core;

import dev.essay.core.model.HostAddress;
import dev.essay.core.model.Project;
import dev.essay.core.pkg.Trees;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Projects for tests: built in code for unit tests of pure logic ({@link #sample}), and the essay.yaml and copy of
 * the sample service that the loader and packaging tests of every module write ({@link #minimalYaml},
 * {@link #packagingProject}). Other modules use it through essay-core's test-jar; it needs nothing but essay-core
 * and the JDK.
 */
public final class TestProjects {
    private TestProjects() {
    }

    public static final String TEMPLATE = """
            [supervisord]
            pidfile={{ supervisor_pidfile }}
            [unix_http_server]
            file={{ supervisor_socket }}
            username={{ username }}
            password={{ password }}
            [program:{{ project }}]
            command={{ venv_dir }}/bin/{{ project }} --port={{ port }}%(process_num)d --profile={{ profile }}
            numprocs={{ process_count }}
            environment=ESSAY_SLOT="{{ slot }}"
            """;

    public static Project sample(Path dir, String routerDir) throws IOException {
        return sample(dir, routerDir, "http://127.0.0.1:8700/simple/");
    }

    /** {@link #sample(Path, String)} with its index at {@code indexUrl}. */
    public static Project sample(Path dir, String routerDir, String indexUrl) throws IOException {
        Path template = dir.resolve("supervisord.conf");
        Files.writeString(template, TEMPLATE);
        Map<String, List<HostAddress>> roles = new LinkedHashMap<>();
        roles.put("web", List.of(HostAddress.parse("essay-h1@127.0.1.1:2201"), HostAddress.parse("essay-h2@127.0.1.2:2202")));
        Map<String, Project.Slot> slots = new LinkedHashMap<>();
        slots.put("a", new Project.Slot("a", "810"));
        slots.put("b", new Project.Slot("b", "811"));
        return new Project(dir.resolve("essay.yaml"), "essay-sample",
                new Project.Index(indexUrl, null, null, null, false),
                roles, "web",
                new Project.Ssh(dir.resolve("id"), null, null, dir.resolve("known_hosts"), false, Duration.ofSeconds(5)),
                slots, 2, new Project.Venv("~/essay-sample", "/usr/bin/python3"), "prod",
                new Project.Supervisor(template, "supervisord", "supervisorctl"),
                new Project.Router(List.of(HostAddress.parse("essay-router@127.0.1.100:2200")), "web", "nginx",
                        routerDir + "/nginx.conf", routerDir + "/upstream.conf", "essay_sample", false,
                        "http://127.0.0.1:8080/health", routerDir + "/state"),
                new Project.Health("/health", 200, Duration.ofSeconds(2), 5, Duration.ofMillis(200), "X-Essay-Slot",
                        "X-Essay-Version", 100),
                30, Project.Hooks.none());
    }

    /**
     * The essay.yaml of the sample with only the required keys: its index at {@code indexUrl}, the one role
     * {@code web} on {@code host} (a block list) and the router on {@code routerHost}. ProjectLoaderTest asserts line
     * numbers in it: keep its layout.
     */
    public static String minimalYaml(String indexUrl, String host, String routerHost) {
        return yaml("  url: " + indexUrl + "\n", host, routerHost);
    }

    private static String yaml(String indexKeys, String host, String routerHost) {
        return """
                project: essay-sample
                index:
                %sroles:
                  web:
                    - %s
                slots:
                  a: { port_prefix: "880" }
                  b: { port_prefix: "881" }
                venv:
                  prefix: ~/essay-sample
                supervisor:
                  template: conf/supervisord.conf
                router:
                  hosts: [%s]
                  config: /etc/nginx/nginx.conf
                  upstream_file: /etc/nginx/conf.d/essay-sample.upstream.conf
                  url: http://127.0.0.1/health
                """.formatted(indexKeys, host, routerHost);
    }

    /** The sample service, {@code sample/} at the repository root (beside the module under test). */
    public static Path sampleDir() {
        return Path.of(System.getProperty("basedir", "."), "..", "sample").normalize();
    }

    /**
     * The sample service ready for {@code essay package}: a copy of {@code sample/} (without build leftovers) in
     * {@code dir}, and its essay.yaml with the required keys, the index at {@code indexUrl} (logging in as
     * {@code deploy} with {@code passwordFile}; no login when it is null), {@code build.python} and
     * {@code buildKeys} (such as {@code "stamp_files: [src/x.py]"}) as further keys of {@code build}. Its hosts and
     * router are on loopback; packaging contacts neither. No git repository is made.
     *
     * @return the essay.yaml
     */
    public static Path packagingProject(Path dir, URI indexUrl, Path passwordFile, String python, String... buildKeys)
            throws IOException {
        Trees.copy(sampleDir(), dir, Trees::isLeftover);
        return packagingYaml(dir, "essay-sample", indexUrl, passwordFile, python, buildKeys);
    }

    /** Writes {@link #packagingProject}'s essay.yaml for {@code project}; returns it. */
    private static Path packagingYaml(Path dir, String project, URI indexUrl, Path passwordFile, String python,
                                      String... buildKeys) throws IOException {
        String index = "  url: " + indexUrl + "\n"
                + (passwordFile == null ? "" : "  username: deploy\n  password_file: " + passwordFile + "\n");
        StringBuilder build = new StringBuilder("build:\n  python: " + python + "\n");
        for (String key : buildKeys) {
            build.append("  ").append(key).append('\n');
        }
        String host = "deploy@127.0.0.1";
        return Files.writeString(dir.resolve("essay.yaml"), yaml(index, host, host).replace("essay-sample", project) + build);
    }

    /** The name of {@link #fabfileProject}'s project and package, spelled as the fabfile tool's projects were. */
    public static final String FABFILE_PROJECT = "essay_demo";

    /**
     * A project as the fabfile tool's template made it, ready for {@code essay package}: flat layout (the package
     * {@value #FABFILE_PROJECT} beside setup.py, no src/, no pyproject.toml), {@code version='${version}'} in
     * setup.py, {@code ${version}}, {@code ${git_version}} and {@code ${release_time}} in
     * {@code essay_demo/settings.py} (or, with a {@code settings_base_file} build key, in the file it names, which
     * is then written instead), its {@code conf/supervisord.conf}, and an essay.yaml like
     * {@link #packagingProject}'s. No git repository is made.
     *
     * @return the essay.yaml
     */
    public static Path fabfileProject(Path dir, URI indexUrl, Path passwordFile, String python, String... buildKeys)
            throws IOException {
        Files.createDirectories(dir.resolve(FABFILE_PROJECT));
        Files.writeString(dir.resolve("setup.py"), """
                # coding: utf-8
                #!/usr/bin/env python

                from setuptools import setup, find_packages

                setup(
                    name='essay_demo',
                    version='${version}',
                    description='a service released with the fabfile essay',
                    packages=find_packages(exclude=['*.pyc']),
                    include_package_data=True,
                    entry_points={
                        'console_scripts': [
                            'essay_demo = essay_demo.main:main',
                        ]
                    },
                )
                """);
        Files.writeString(dir.resolve(FABFILE_PROJECT + "/__init__.py"), "");
        Files.writeString(dir.resolve(FABFILE_PROJECT + "/main.py"), "def main():\n    print('essay_demo')\n");
        String settings = """
                # coding: utf-8
                VERSION = '${version}'
                GIT_VERSION = '${git_version}'
                RELEASE_TIME = '${release_time}'
                DEBUG = False
                """;
        String settingsFile = FABFILE_PROJECT + "/settings.py";
        for (String key : buildKeys) {
            if (key.startsWith("settings_base_file:")) {
                settingsFile = key.substring("settings_base_file:".length()).strip();
                Path parent = Files.createDirectories(dir.resolve(settingsFile).getParent());
                if (!Files.exists(parent.resolve("__init__.py"))) {
                    Files.writeString(parent.resolve("__init__.py"), "");
                }
            }
        }
        Files.writeString(dir.resolve(settingsFile), settings);
        Files.createDirectories(dir.resolve("conf"));
        Files.writeString(dir.resolve("conf/supervisord.conf"), TEMPLATE);
        return packagingYaml(dir, FABFILE_PROJECT, indexUrl, passwordFile, python, buildKeys);
    }
}
