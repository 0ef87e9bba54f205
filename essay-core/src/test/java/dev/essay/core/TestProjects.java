package dev.essay.core;

import dev.essay.core.model.HostAddress;
import dev.essay.core.model.Project;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Projects built in code for unit tests of pure logic. */
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
        Path template = dir.resolve("supervisord.conf");
        Files.writeString(template, TEMPLATE);
        Map<String, List<HostAddress>> roles = new LinkedHashMap<>();
        roles.put("web", List.of(HostAddress.parse("essay-h1@127.0.1.1:2201"), HostAddress.parse("essay-h2@127.0.1.2:2202")));
        Map<String, Project.Slot> slots = new LinkedHashMap<>();
        slots.put("a", new Project.Slot("a", "810"));
        slots.put("b", new Project.Slot("b", "811"));
        return new Project(dir.resolve("essay.yaml"), "essay-sample",
                new Project.Index("http://127.0.0.1:8700/simple/", null, null, null, false),
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
}
