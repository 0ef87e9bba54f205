package dev.essay.core.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.essay.core.TestProjects;
import dev.essay.core.config.ProjectLoader;
import dev.essay.core.error.ConfigException;
import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.model.HostAddress;
import dev.essay.core.model.Project;
import dev.essay.core.model.Secret;
import dev.essay.core.model.SupervisorEnvironment;
import dev.essay.core.plan.Operation;
import dev.essay.core.plan.Step;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** env, secrets and extra files as the supervisord config and the deploy step carry them; secrets masked. */
class EnvSecretsFilesTest {
    private static final HostAddress H = HostAddress.parse("deploy@10.0.0.11");
    private static final String SECRET = "pa55,w%rd \"x";

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() throws Exception {
        Files.createDirectories(dir.resolve("conf"));
        Files.writeString(dir.resolve("conf/supervisord.conf"), """
                [supervisord]
                pidfile={{ supervisor_pidfile }}

                [program:x]
                command={{ slot_dir }}/bin/x --level={{ env.LOG_LEVEL }}
                environment=ESSAY_SLOT="{{ slot }}"
                """);
        Files.writeString(dir.resolve("conf/app.ini"), "[app]\nslot={{ slot }}\nport={{ port }}\nlevel={{ env.LOG_LEVEL }}\n"
                + "db_password={{ secrets.DB_PASSWORD }}\nhome={{ slot_dir }}/data\n");
        Files.writeString(dir.resolve("key"), "k3y\n");
    }

    private Project project(String extra) {
        return ProjectLoader.parse(TestProjects.minimalYaml("http://pypi.internal:8700/simple/", H.toString(),
                "deploy@10.0.0.5") + extra, dir.resolve("essay.yaml"));
    }

    private static final String YAML = """
            env: {LOG_LEVEL: info, RATIO: "50%"}
            secrets:
              DB_PASSWORD: {env: DB_PASSWORD}
              API_KEY: {file: key}
            profiles:
              prod: {env: {LOG_LEVEL: warning}}
            files:
              - {template: conf/app.ini, dest: etc/app.ini}
            """;

    private static final Map<String, String> ENV = Map.of("DB_PASSWORD", SECRET);

    private SupervisorConfig.Rendered render(Project p, String profile) {
        return SupervisorConfig.render(p, H, "b", "~/essay-sample/b", "2.0.0", profile, Secret.of("ctl"),
                ServiceSecrets.read(p, profile, ENV::get));
    }

    @Test
    void envAndSecretsGoIntoTheSupervisordSectionQuotedForSupervisordWithSecretsMaskedInTheDisplay() {
        Project p = project(YAML);
        SupervisorConfig.Rendered c = render(p, "prod");

        assertThat(c.text()).contains("[supervisord]\nenvironment=LOG_LEVEL=\"warning\",RATIO=\"50%%%%\","
                + "DB_PASSWORD='pa55,w%%%%rd \"x',API_KEY=\"k3y\"\npidfile=")
                .contains("--level=warning").contains("environment=ESSAY_SLOT=\"b\"");
        assertThat(c.display()).contains("environment=LOG_LEVEL=\"warning\",RATIO=\"50%%%%\",DB_PASSWORD=\"********\","
                + "API_KEY=\"********\"").doesNotContain("pa55").doesNotContain("k3y");
        assertThat(render(p, "default").text()).contains("LOG_LEVEL=\"info\"");
    }

    @Test
    void anExistingEnvironmentLineOfTheSupervisordSectionIsExtendedAndAMissingSectionAdded() throws Exception {
        Project p = project("env: {A: x}\n");
        Files.writeString(p.supervisor().template(), "[supervisord]\nenvironment=TZ=\"UTC\"\n[program:x]\n");
        assertThat(render(p, "default").text()).isEqualTo("[supervisord]\nenvironment=TZ=\"UTC\",A=\"x\"\n[program:x]\n");
        Files.writeString(p.supervisor().template(), "[program:x]\ncommand=x\n");
        assertThat(render(p, "default").text()).isEqualTo("[program:x]\ncommand=x\n\n[supervisord]\nenvironment=A=\"x\"\n");
        Files.writeString(p.supervisor().template(), "[supervisord]\nenvironment=TZ=\"UTC\" ; zone\n");
        assertThat(catchThrowableOfType(() -> render(p, "default"), ConfigException.class).getMessage())
                .isEqualTo(p.supervisor().template() + ":2: template: the environment= line of [supervisord] ends with"
                        + " a comment, after which essay cannot add env and secrets; put the comment on a line of its own");
    }

    @Test
    void withoutEnvTheConfigAndItsDigestAreAsBefore() throws Exception {
        Files.writeString(dir.resolve("conf/supervisord.conf"), "[supervisord]\n[program:x]\n");
        Project plain = project("");
        Project withEmpty = project("env: {}\nsecrets: {}\n");
        assertThat(render(withEmpty, "default").digest()).isEqualTo(SupervisorConfig.render(plain, H, "b",
                "~/essay-sample/b", "2.0.0", "default", Secret.of("other")).digest());
    }

    @Test
    void filesAreRenderedWithTheTemplatesVariablesAndTakePartInTheDigestButSecretValuesDoNot() throws Exception {
        Project p = project(YAML);
        SupervisorConfig.Rendered c = render(p, "default");
        assertThat(c.files()).singleElement().satisfies(f -> {
            assertThat(f.dest()).isEqualTo("etc/app.ini");
            assertThat(f.text()).isEqualTo("[app]\nslot=b\nport=881\nlevel=info\ndb_password=" + SECRET + "\nhome="
                    + SupervisorConfig.HOME + "/essay-sample/b/data\n");
            assertThat(f.display()).contains("db_password=********").doesNotContain("pa55");
        });
        String digest = c.digest();
        assertThat(SupervisorConfig.render(p, H, "b", "~/essay-sample/b", "2.0.0", "default", Secret.of("ctl"),
                ServiceSecrets.read(p, "default", Map.of("DB_PASSWORD", "changed")::get)).digest()).isEqualTo(digest);
        Files.writeString(dir.resolve("conf/app.ini"), "[app]\nchanged=1\n");
        assertThat(render(p, "default").digest()).isNotEqualTo(digest);
    }

    @Test
    void anUnknownPlaceholderInAFileIsAUsageErrorNamingTheFile() throws Exception {
        Project p = project(YAML);
        Files.writeString(dir.resolve("conf/app.ini"), "a\n{{ slto }}\n");
        ConfigException e = catchThrowableOfType(() -> SupervisorConfig.check(p, H, "b", "1", "default"),
                ConfigException.class);
        assertThat(e.getMessage()).startsWith(dir.resolve("conf/app.ini") + ":2: template: unknown placeholder 'slto';"
                + " did you mean slot?");
    }

    @Test
    void theDeployWritesTheFilesMode600AndShowsThemMasked() throws Exception {
        Project p = project(YAML);
        Step step = new SlotScripts(p).deploy(H, "b", "2.0.0", render(p, "default"), "default", null);
        Operation write = step.operations().stream().filter(o -> o.name().equals("write-files")).findFirst().orElseThrow();
        assertThat(write.script()).startsWith("umask 077\nmkdir -p \"$D\"/etc\ncat > \"$D\"/etc/app.ini.tmp <<ESSAY_FILE_")
                .contains("db_password=" + SECRET.replace("\"", "\"")).contains("home=${HOME}/essay-sample/b/data")
                .contains("chmod 600 \"$D\"/etc/app.ini.tmp\nmv -f \"$D\"/etc/app.ini.tmp \"$D\"/etc/app.ini\necho 'wrote etc/app.ini'");
        assertThat(write.display()).contains("db_password=********").doesNotContain("pa55").doesNotContain("k3y");
        assertThat(step.toScript().display()).doesNotContain("pa55").doesNotContain("k3y");
        assertThat(step.toScript().text()).contains("pa55");
        assertThat(step.operations().stream().map(Operation::name)).containsSubsequence("write-config", "write-files",
                "start-slot");
    }

    @Test
    void pipOptionsTravelAsPipsEnvironmentAndAProxyFromAVariableIsMasked() throws Exception {
        Files.writeString(dir.resolve("conf/supervisord.conf"), "[supervisord]\n[program:x]\n");
        Project p = project("pip:\n  extra_index_urls: [https://a.example/simple/, https://b.example/simple/]\n"
                + "  trusted_hosts: [a.example]\n  proxy_env: PROXY\n");
        Secret proxy = ServiceSecrets.pipProxy(p, Map.of("PROXY", "http://u:pr0xy@proxy:3128")::get);
        Step step = new SlotScripts(p).deploy(H, "b", "2.0.0", SupervisorConfig.render(p, H, "b", "~/essay-sample/b",
                "2.0.0", "default", Secret.of("c")), "default", null, proxy);
        Operation pip = step.operations().stream().filter(o -> o.name().equals("pip-install")).findFirst().orElseThrow();
        assertThat(pip.script()).contains("PIP_TRUSTED_HOST=a.example\nexport PIP_TRUSTED_HOST\n"
                + "PIP_EXTRA_INDEX_URL='https://a.example/simple/ https://b.example/simple/'\nexport PIP_EXTRA_INDEX_URL\n"
                + "PIP_PROXY=http://u:pr0xy@proxy:3128\nexport PIP_PROXY\n");
        assertThat(pip.display()).contains("PIP_PROXY='********'").doesNotContain("pr0xy");
        Project plainProxy = project("pip: {proxy: http://proxy:3128}\n");
        assertThat(new SlotScripts(plainProxy).deploy(H, "b", "2.0.0", SupervisorConfig.render(plainProxy, H, "b",
                "~/essay-sample/b", "2.0.0", "default", Secret.of("c")), "default", null).operations().stream()
                .filter(o -> o.name().equals("pip-install")).findFirst().orElseThrow().display())
                .contains("PIP_PROXY=http://proxy:3128");
    }

    @Test
    void aMissingSecretIsAUsageErrorNamingTheKeyAndWhereItWasLookedForNeverTheValue() throws Exception {
        Project p = project(YAML);
        EssayException e = catchThrowableOfType(() -> ServiceSecrets.read(p, "default", Map.<String, String>of()::get),
                EssayException.class);
        assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(e.getMessage()).isEqualTo("secrets.DB_PASSWORD: the environment variable DB_PASSWORD is not set (or"
                + " empty) (" + dir.resolve("essay.yaml") + ")");
        Files.delete(dir.resolve("key"));
        e = catchThrowableOfType(() -> ServiceSecrets.read(p, "default", Map.of("DB_PASSWORD", "two\nlines")::get),
                EssayException.class);
        assertThat(e.getMessage()).isEqualTo("2 secrets of " + dir.resolve("essay.yaml") + " cannot be read");
        assertThat(e.detail()).isEqualTo("secrets.DB_PASSWORD: the value of the environment variable DB_PASSWORD holds a"
                + " line break or another control character, which supervisord's config cannot carry\n"
                + "secrets.API_KEY: the file " + dir.resolve("key") + " does not exist");
    }

    @Test
    void supervisordQuotingPicksTheQuoteEscapesPercentForBothExpansionsAndRefusesWhatItCannotCarry() {
        assertThat(SupervisorEnvironment.pair("A", "a,b c")).isEqualTo("A=\"a,b c\"");
        assertThat(SupervisorEnvironment.pair("A", "say \"hi\" now")).isEqualTo("A='say \"hi\" now'");
        assertThat(SupervisorEnvironment.pair("A", "100%")).isEqualTo("A=\"100%%%%\"");
        assertThat(SupervisorEnvironment.pair("A", "x;y#z")).isEqualTo("A=\"x;y#z\"");
        assertThat(SupervisorEnvironment.pair("A", "")).isEqualTo("A=\"\"");
        for (String bad : new String[] {"a\nb", "it's \"x\" y", "\"x", "x'", "a ;b", "a\t#b"}) {
            assertThatThrownBy(() -> SupervisorEnvironment.pair("SECRET", bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("SECRET ").satisfies(t -> assertThat(t.getMessage()).doesNotContain(bad));
        }
    }

    @Test
    void aStepsOutputIsMaskedOfTheSecretsAlsoAsSupervisordsConfigWritesThem() {
        dev.essay.core.plan.StepReport report = new dev.essay.core.plan.StepReport(new dev.essay.core.transport.ExecResult(1,
                "##essay begin start-slot\nError: Format string 'A=\"p%%%%w\"' is bad: p%%w and p%w\n##essay fail start-slot 1\n",
                "p%w")).masked(java.util.List.of("p%w"));
        assertThat(report.output("start-slot")).isEqualTo("Error: Format string 'A=\"********\"' is bad: ******** and ********\n");
        assertThat(report.failedOperation()).contains("start-slot");
    }
}
