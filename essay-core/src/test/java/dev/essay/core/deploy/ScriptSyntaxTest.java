package dev.essay.core.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.essay.core.TestProjects;
import dev.essay.core.lock.LockHolder;
import dev.essay.core.model.HostAddress;
import dev.essay.core.model.Project;
import dev.essay.core.model.Secret;
import dev.essay.core.plan.Step;
import dev.essay.core.router.RouterScripts;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every step essay can send is valid POSIX shell, as the host's /bin/sh parses it ({@code sh -n}). */
class ScriptSyntaxTest {
    static final dev.essay.core.model.HostAddress H = dev.essay.core.model.HostAddress.parse("essay-h1@127.0.1.1:2201");
    @TempDir
    static Path dir;

    static Stream<Arguments> steps() throws IOException {
        Project p = TestProjects.sample(dir, "/srv/router");
        SlotScripts slots = new SlotScripts(p);
        RouterScripts router = new RouterScripts(p);
        SupervisorConfig.Rendered config = SupervisorConfig.render(p, HostAddress.parse("u@127.0.0.1"), "b", "~/essay-sample/b", "2.0.0", "prod", Secret.of("pw"));
        List<Step> steps = List.of(slots.probe(H, "a"), slots.probe(H, "a", true), slots.deploy(H, "b", "2.0.0", config, "prod", Secret.of("x")),
                slots.health(H, "b", "2.0.0", 3), slots.status(H, "a"), router.state(),
                router.lock(new LockHolder("id", "u", "c", "deploy", "t")), router.unlock("id"), router.breakLock(null), router.breakLock("id"),
                router.stage("# essay: slot=b\nupstream x { server 127.0.0.1:8110; }\n", "switch"), router.reload(),
                router.prove("b", 3), router.commit(), router.restore(), router.appendLedger("{}", "id-1"),
                router.readLedger(5), router.switches(50), router.keepShard("id", "{\"id\":\"e-1\"}", "e-1"),
                router.readShards("id"), router.clearShards("id"),
                slots.restart(H, "a"), slots.stop("b"), slots.start(H, "b"), slots.logs("a", 20, false),
                slots.logs("a", 5, true), slots.exec("a", List.of("python", "-c", "import sys; print(sys.prefix)")),
                slots.ps("a"));
        return steps.stream().map(s -> Arguments.of(s.name(), s));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("steps")
    void parses(String name, Step step) throws Exception {
        Process sh = new ProcessBuilder("/bin/sh", "-n").redirectErrorStream(true).start();
        try (OutputStream in = sh.getOutputStream()) {
            in.write(step.toScript().text().getBytes(StandardCharsets.UTF_8));
        }
        String errors = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(sh.waitFor()).as(name + ": " + errors).isZero();
    }
}
