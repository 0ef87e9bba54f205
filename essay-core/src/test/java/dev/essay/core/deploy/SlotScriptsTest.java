package dev.essay.core.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.essay.core.TestProjects;
import dev.essay.core.model.HostAddress;
import dev.essay.core.model.Project;
import dev.essay.core.model.Secret;
import dev.essay.core.plan.Operation;
import dev.essay.core.plan.Step;
import dev.essay.core.transport.RemoteScript;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlotScriptsTest {
    static final dev.essay.core.model.HostAddress H = dev.essay.core.model.HostAddress.parse("essay-h1@127.0.1.1:2201");
    @TempDir
    Path dir;

    @Test
    void deployRunsTheNamedOperationsInOrder() throws Exception {
        Project p = TestProjects.sample(dir, "/srv/router");
        SupervisorConfig.Rendered config = SupervisorConfig.render(p, HostAddress.parse("u@127.0.0.1"), "b", "/home/essay-h1/essay-sample/b", "2.0.0", "prod", Secret.of("pw"));
        Step step = new SlotScripts(p).deploy(H, "b", "2.0.0", config, "prod", null);
        assertThat(step.operations()).extracting(Operation::name)
                .containsExactly("mark-deploying", "ensure-venv", "pip-install", "installed-version", "stop-slot", "write-config", "start-slot",
                        "wait-healthy", "stamp");
        assertThat(step.prelude()).startsWith("D=\"$HOME\"/essay-sample/b\n");
        assertThat(op(step, "pip-install")).isEqualTo("""
                PIP_INDEX_URL=http://127.0.0.1:8700/simple/
                export PIP_INDEX_URL
                "$D/bin/pip" install --disable-pip-version-check --no-input --progress-bar off essay-sample==2.0.0 2>&1""");
        assertThat(op(step, "installed-version")).isEqualTo("""
                v=$("$D/bin/python" -c 'import importlib.metadata,sys; print(importlib.metadata.version(sys.argv[1]))' essay-sample)
                printf '%s\\n' "$v" > "$D/.essay-installed"
                printf 'installed=%s\\n' "$v\"""");
        assertThat(op(step, "stamp")).as("the stamp records the version pip installed, not the one asked for")
                .isEqualTo("""
                        v=$(cat "$D/.essay-installed")
                        tmp="$D/.essay-deployed.tmp"
                        printf 'version=%s\\nconfig=%s\\nprofile=%s\\ntime=%s\\n' "$v" DIGEST prod "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$tmp"
                        mv -f "$tmp" "$D/.essay-deployed"
                        rm -f "$D/.essay-deploying"
                        echo "deployed $v\"""".replace("DIGEST", config.digest()));
        assertThat(op(step, "ensure-venv")).contains("/usr/bin/python3 -m venv \"$D\"");
        assertThat(op(step, "start-slot")).contains("supervisord -c \"$CONF\" -j \"$PIDFILE\"");
        assertThat(new SlotScripts(p).urls(H, "b")).as("checked at the address nginx uses")
                .containsExactly("http://127.0.1.1:8110/health", "http://127.0.1.1:8111/health");
    }

    @Test
    void theRenderedConfigCarriesTheFabfilePlaceholdersAndThePasswordOnlyWhereItRuns() throws Exception {
        Project p = TestProjects.sample(dir, "/srv/router");
        SupervisorConfig.Rendered config = SupervisorConfig.render(p, HostAddress.parse("u@127.0.0.1"), "b", "/home/u/essay-sample/b", "2.0.0", "prod", Secret.of("s3cret-pw"));
        assertThat(config.text())
                .contains("command=/home/u/essay-sample/b/bin/essay-sample --port=811%(process_num)d --profile=prod")
                .contains("numprocs=2")
                .contains("environment=ESSAY_SLOT=\"b\"")
                .contains("pidfile=/home/u/essay-sample/b/run/supervisord.pid")
                .contains("password=s3cret-pw");
        assertThat(config.display()).doesNotContain("s3cret-pw").contains("password=********");
        RemoteScript script = new SlotScripts(p).deploy(H, "b", "2.0.0", config, "prod", null).toScript();
        assertThat(script.text()).contains("s3cret-pw");
        assertThat(script.display()).doesNotContain("s3cret-pw");
        SupervisorConfig.Rendered again = SupervisorConfig.render(p, HostAddress.parse("u@127.0.0.1"), "b", "/home/u/essay-sample/b", "2.0.0", "prod", Secret.of("other"));
        assertThat(again.digest()).as("digest ignores the generated password").isEqualTo(config.digest());
    }

    @Test
    void indexPasswordIsInThePipEnvironmentButNeverInTheDisplayedScript() throws Exception {
        Project base = TestProjects.sample(dir, "/srv/router");
        Project p = new Project(base.file(), base.name(), new Project.Index("https://pypi.example/simple/", "deploy", "IDX_PW", null, false),
                base.roles(), base.defaultRole(), base.ssh(), base.slots(), base.processCount(), base.venv(), base.profile(),
                base.supervisor(), base.router(), base.health(), base.parallelism(), base.hooks());
        SupervisorConfig.Rendered config = SupervisorConfig.render(p, HostAddress.parse("u@127.0.0.1"), "a", "/h/a", "1.0", "prod", Secret.of("x"));
        RemoteScript script = new SlotScripts(p).deploy(H, "a", "1.0", config, "prod", Secret.of("p@ss word")).toScript();
        assertThat(script.text()).contains("PIP_INDEX_URL='https://deploy:p%40ss+word@pypi.example/simple/'");
        assertThat(script.display()).doesNotContain("p%40ss").contains("PIP_INDEX_URL='https://deploy:********@pypi.example/simple/'");
        assertThat(RemoteScript.COMMAND).containsExactly("/bin/sh", "-s");
    }

    @Test
    void unknownPlaceholdersAreReportedWithTheTemplateLine() throws Exception {
        Project p = TestProjects.sample(dir, "/srv/router");
        java.nio.file.Files.writeString(p.supervisor().template(), "[program:x]\ncommand={{ venv_dri }}/bin/x\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        SupervisorConfig.render(p, HostAddress.parse("u@127.0.0.1"), "a", "/h/a", "1.0", "prod", Secret.of("x")))
                .isInstanceOf(dev.essay.core.error.ConfigException.class)
                .hasMessageContaining("supervisord.conf:2")
                .hasMessageContaining("venv_dri");
    }

    /** A template with everything an unquoted here-document would expand or eat, were it not escaped. */
    private static final String SHELL_SPECIAL_TEMPLATE = """
            [program:x]
            command={{ slot_dir }}/bin/x --pid=$$ --home=$HOME --now=`date` --sub=$(id -u) \\n --re='^a\\.b$'
            environment=A="%(ENV_X)s",B="${HOME}"
            password={{ password }}
            end=trailing backslash \\
            """;

    @Test
    void writeConfigExpandsOnlyTheRemoteHomeSoADryRunShowsTheScriptARealRunSends() throws Exception {
        Project p = TestProjects.sample(dir, "/srv/router");
        java.nio.file.Files.writeString(p.supervisor().template(), SHELL_SPECIAL_TEMPLATE);
        SupervisorConfig.Rendered config = SupervisorConfig.render(p, H, "b", "~/essay-sample/b", "2.0.0", "prod", Secret.of("s3cret"));
        Step step = new SlotScripts(p).deploy(H, "b", "2.0.0", config, "prod", null);
        String delimiter = "ESSAY_SUPERVISORD_CONF_" + config.digest().substring(0, 12);

        assertThat(op(step, "write-config")).isEqualTo("""
                umask 077
                cat > "$CONF.tmp" <<%1$s
                [program:x]
                command=${HOME}/essay-sample/b/bin/x --pid=\\$\\$ --home=\\$HOME --now=\\`date\\` --sub=\\$(id -u) \\\\n --re='^a\\\\.b\\$'
                environment=A="%%(ENV_X)s",B="\\${HOME}"
                password=s3cret
                end=trailing backslash \\\\
                %1$s
                chmod 600 "$CONF.tmp"
                mv -f "$CONF.tmp" "$CONF"
                echo "wrote $CONF\"""".formatted(delimiter));
        RemoteScript script = step.toScript();
        assertThat(script.display()).isEqualTo(script.text().replace("password=s3cret", "password=********"));
        SupervisorConfig.Rendered again = SupervisorConfig.render(p, H, "b", "~/essay-sample/b", "2.0.0", "prod", Secret.of("other"));
        assertThat(again.digest()).as("the same on every run: the no-op redeploy compares it").isEqualTo(config.digest());
    }

    @Test
    void theWrittenConfigIsTheRenderedTextWithTheRemoteHomeByteForByte() throws Exception {
        Project p = TestProjects.sample(dir, "/srv/router");
        java.nio.file.Files.writeString(p.supervisor().template(), SHELL_SPECIAL_TEMPLATE);
        SupervisorConfig.Rendered config = SupervisorConfig.render(p, H, "b", "~/essay-sample/b", "2.0.0", "prod", Secret.of("s3cret"));
        SlotScripts slots = new SlotScripts(p);
        Path home = java.nio.file.Files.createDirectories(dir.resolve("home of u"));
        String script = slots.prelude("b") + "\nmkdir -p \"$D/etc\"\n"
                + op(slots.deploy(H, "b", "2.0.0", config, "prod", null), "write-config");
        ProcessBuilder sh = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true);
        sh.environment().put("HOME", home.toString());
        Process process = sh.start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();

        Path written = home.resolve("essay-sample/b/etc/supervisord.conf");
        assertThat(java.nio.file.Files.readString(written)).isEqualTo("""
                [program:x]
                command=%s/essay-sample/b/bin/x --pid=$$ --home=$HOME --now=`date` --sub=$(id -u) \\n --re='^a\\.b$'
                environment=A="%%(ENV_X)s",B="${HOME}"
                password=s3cret
                end=trailing backslash \\
                """.formatted(home));
        assertThat(output).isEqualTo("wrote " + written.getParent().resolve("supervisord.conf") + "\n");
    }

    private static String op(Step step, String name) {
        return step.operations().stream().filter(o -> o.name().equals(name)).findFirst().orElseThrow().script();
    }
}
