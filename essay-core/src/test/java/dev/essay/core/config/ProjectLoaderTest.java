package dev.essay.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.essay.core.TestProjects;
import dev.essay.core.error.ConfigException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.model.HostAddress;
import dev.essay.core.model.Names;
import dev.essay.core.model.Project;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectLoaderTest {
    /** The example of docs/essay-yaml.md, verbatim. */
    static final String FULL = """
            project: essay-sample                 # PEP 508 name of the distribution on the index
            index:
              url: http://pypi.internal:8700/simple/
              username: deploy                    # optional
              password_env: ESSAY_INDEX_PASSWORD  # or password_file: ~/.config/essay/index-password
              trusted_host: false                 # pass --trusted-host for a plain-http index not on loopback
            roles:
              web:
                - deploy@10.0.0.11:22
                - deploy@10.0.0.12              # port defaults to 22
            default_role: web                     # optional when there is exactly one role
            ssh:
              identity: ~/.ssh/id_ed25519         # private key (local path)
              passphrase_env: ESSAY_SSH_PASSPHRASE  # or passphrase_file; optional
              known_hosts: ~/.ssh/known_hosts
              accept_new_host_keys: false         # true: trust and record keys never seen before (never a changed key)
              connect_timeout: 10s
            slots:                                # the fabfile's VENV_PORT_PREFIX_MAP
              a: { port_prefix: "880" }           # process i of slot a listens on 880i
              b: { port_prefix: "881" }
            process_count: 2                      # PROCESS_COUNT, 1 to 10
            venv:
              prefix: ~/essay-sample              # VIRTUALENV_PREFIX: slot a lives in ~/essay-sample/a
              python: python3                     # interpreter that creates the slot virtualenvs
            profile: prod                         # default profile, passed to the template; --profile overrides
            supervisor:
              template: conf/supervisord.conf     # SUPERVISOR_CONF_TEMPLATE (local path)
              supervisord: supervisord            # remote binaries
              supervisorctl: supervisorctl
            router:
              hosts: [deploy@10.0.0.5:22]         # the nginx host(s); several: all switch or none
              role: web                           # whose hosts the upstream lists (default: default_role)
              nginx: /usr/sbin/nginx              # NGINX_BIN
              config: /etc/nginx/nginx.conf       # NGINX_CONF
              upstream_file: /etc/nginx/conf.d/essay-sample.upstream.conf  # the include essay owns
              upstream_name: essay_sample         # the upstream block's name (default: project with - and . as _)
              sudo: false                         # run nginx -t / reload through `sudo -n`
              url: http://127.0.0.1/health        # requested on the router host to prove a switch
              state_dir: ~/.essay/essay-sample    # lock and ledger, on the router host(s)
            health:
              path: /health
              status: 200
              timeout: 2s                         # per request
              retries: 30
              interval: 1s
              slot_header: X-Essay-Slot           # response header naming the slot that answered
              version_header: X-Essay-Version     # response header naming the running version ("" to not check)
              quorum: 100                         # percent of hosts whose target slot must be healthy to switch
            parallelism: 30                       # hosts worked on at once
            hooks:
              pre_deploy: []                      # shell commands run in the slot's venv before (re)start
              post_deploy: []                     # ... and after the slot is healthy
            """;

    /** Only the required fields (line numbers matter: tests edit this text and assert lines). */
    static final String MINIMAL = TestProjects.minimalYaml("http://pypi.internal:8700/simple/", "deploy@10.0.0.11",
            "deploy@10.0.0.5");

    @TempDir
    Path dir;
    Path home;
    Path file;

    @BeforeEach
    void setUp() throws IOException {
        home = Files.createDirectories(dir.resolve("home"));
        file = dir.resolve("essay.yaml");
        Files.createDirectories(dir.resolve("conf"));
        Files.writeString(dir.resolve("conf/supervisord.conf"), "[program:{{ project }}]\n");
    }

    Project parse(String yaml) {
        return ProjectLoader.parse(yaml, file, home);
    }

    /** The problems, each as printed, with the temporary directory written as {@code <dir>}. */
    List<String> problems(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(yaml));
        assertThat(e).as("expected essay.yaml to be rejected").isNotNull();
        return e.problems().stream().map(p -> p.toString().replace(dir.toString(), "<dir>")).toList();
    }

    static String minimal(String from, String to) {
        assertThat(MINIMAL).contains(from);
        return MINIMAL.replace(from, to);
    }

    // ------------------------------------------------------------------ valid files

    @Test
    void theDocumentedExampleReadsIntoEveryField() throws IOException {
        Files.createDirectories(home.resolve(".ssh"));
        Project p = parse(FULL);

        assertThat(p.file()).isEqualTo(file);
        assertThat(p.name()).isEqualTo("essay-sample");
        assertThat(p.index()).isEqualTo(new Project.Index("http://pypi.internal:8700/simple/", "deploy",
                "ESSAY_INDEX_PASSWORD", null, false));
        assertThat(p.roles()).containsOnlyKeys("web");
        assertThat(p.hosts("web")).containsExactly(new HostAddress("deploy", "10.0.0.11", 22),
                new HostAddress("deploy", "10.0.0.12", 22));
        assertThat(p.defaultRole()).isEqualTo("web");
        assertThat(p.ssh()).isEqualTo(new Project.Ssh(home.resolve(".ssh/id_ed25519"), "ESSAY_SSH_PASSPHRASE", null,
                home.resolve(".ssh/known_hosts"), false, Duration.ofSeconds(10)));
        assertThat(p.slots().keySet()).containsExactly("a", "b");
        assertThat(p.slot("a")).isEqualTo(new Project.Slot("a", "880"));
        assertThat(p.slot("b")).isEqualTo(new Project.Slot("b", "881"));
        assertThat(p.slot("b").ports(p.processCount())).containsExactly(8810, 8811);
        assertThat(p.processCount()).isEqualTo(2);
        assertThat(p.venv()).isEqualTo(new Project.Venv("~/essay-sample", "python3"));
        assertThat(p.profile()).isEqualTo("prod");
        assertThat(p.supervisor()).isEqualTo(new Project.Supervisor(dir.resolve("conf/supervisord.conf"),
                "supervisord", "supervisorctl"));
        assertThat(p.router()).isEqualTo(new Project.Router(List.of(new HostAddress("deploy", "10.0.0.5", 22)), "web",
                "/usr/sbin/nginx", "/etc/nginx/nginx.conf", "/etc/nginx/conf.d/essay-sample.upstream.conf",
                "essay_sample", false, "http://127.0.0.1/health", "~/.essay/essay-sample"));
        assertThat(p.health()).isEqualTo(new Project.Health("/health", 200, Duration.ofSeconds(2), 30,
                Duration.ofSeconds(1), "X-Essay-Slot", "X-Essay-Version", 100));
        assertThat(p.parallelism()).isEqualTo(30);
        assertThat(p.hooks()).isEqualTo(Project.Hooks.none());
    }

    @Test
    void theExampleInTheReferenceDocIsTheOneTestedHere() throws IOException {
        Path doc = Path.of("../docs/essay-yaml.md");
        assertThat(doc).exists();
        Matcher m = Pattern.compile("## A complete example\\s+```yaml\\n(.*?)```", Pattern.DOTALL)
                .matcher(Files.readString(doc));
        assertThat(m.find()).as("the example block of docs/essay-yaml.md").isTrue();
        assertThat(m.group(1)).isEqualTo(FULL);
    }

    @Test
    void theMigrationGuidesExampleIsValid() throws IOException {
        Path doc = Path.of("../docs/migrating.md");
        assertThat(doc).exists();
        Matcher m = Pattern.compile("After, `essay.yaml`.*?```yaml\\n(.*?)```", Pattern.DOTALL)
                .matcher(Files.readString(doc));
        assertThat(m.find()).as("the essay.yaml example of docs/migrating.md").isTrue();

        Project p = parse(m.group(1));

        assertThat(p.name()).isEqualTo("essay_demo");
        assertThat(p.defaultRole()).isEqualTo("dev");
        assertThat(p.router().role()).isEqualTo("dev");
        assertThat(p.slot("b").ports(p.processCount())).containsExactly(8810, 8811);
        assertThat(p.hooks().postDeploy()).containsExactly("python -m essay_demo.warmup");
    }

    @Test
    void everyOptionalFieldTakesTheDocumentedDefault() {
        Project p = parse(MINIMAL);

        assertThat(p.index()).isEqualTo(new Project.Index("http://pypi.internal:8700/simple/", null, null, null, false));
        assertThat(p.defaultRole()).isEqualTo("web");
        assertThat(p.ssh()).isEqualTo(new Project.Ssh(home.resolve(".ssh/id_rsa"), null, null,
                home.resolve(".ssh/known_hosts"), false, Duration.ofSeconds(10)));
        assertThat(p.processCount()).isEqualTo(1);
        assertThat(p.venv()).isEqualTo(new Project.Venv("~/essay-sample", "python3"));
        assertThat(p.profile()).isEqualTo("default");
        assertThat(p.supervisor()).isEqualTo(new Project.Supervisor(dir.resolve("conf/supervisord.conf"),
                "supervisord", "supervisorctl"));
        assertThat(p.router()).isEqualTo(new Project.Router(List.of(new HostAddress("deploy", "10.0.0.5", 22)), "web",
                "nginx", "/etc/nginx/nginx.conf", "/etc/nginx/conf.d/essay-sample.upstream.conf", "essay_sample",
                false, "http://127.0.0.1/health", "~/.essay/essay-sample"));
        assertThat(p.health()).isEqualTo(new Project.Health("/health", 200, Duration.ofSeconds(2), 30,
                Duration.ofSeconds(1), "X-Essay-Slot", "X-Essay-Version", 100));
        assertThat(p.parallelism()).isEqualTo(30);
        assertThat(p.hooks()).isEqualTo(Project.Hooks.none());
    }

    @Test
    void theDefaultIdentityIsEd25519WhenThatKeyExists() throws IOException {
        Files.createDirectories(home.resolve(".ssh"));
        Files.writeString(home.resolve(".ssh/id_ed25519"), "key");

        assertThat(parse(MINIMAL).ssh().identity()).isEqualTo(home.resolve(".ssh/id_ed25519"));
    }

    @Test
    void localPathsExpandTildeAndAreRelativeToTheFilesDirectory() {
        Project p = parse(MINIMAL + """
                ssh:
                  identity: keys/deploy_key
                  passphrase_file: ~/secrets/../secrets/passphrase
                  known_hosts: /etc/ssh/ssh_known_hosts
                  accept_new_host_keys: yes
                  connect_timeout: 1m
                """);

        assertThat(p.ssh()).isEqualTo(new Project.Ssh(dir.resolve("keys/deploy_key"), null,
                home.resolve("secrets/passphrase"), Path.of("/etc/ssh/ssh_known_hosts"), true, Duration.ofMinutes(1)));
    }

    @Test
    void optionalValuesAreReadAsWritten() {
        Project p = parse(minimal("  url: http://pypi.internal:8700/simple/\n", """
                  url: https://pypi.internal/simple/
                  username: deploy
                  password_file: secrets/index-password
                  trusted_host: true
                """).replace("  web:\n    - deploy@10.0.0.11\n", """
                  web:
                    - deploy@10.0.0.11
                    - deploy@[::1]:2222
                  worker: [deploy@10.0.1.1]
                default_role: worker
                process_count: 10
                profile: staging.eu-1
                parallelism: 5
                """).replace("  url: http://127.0.0.1/health\n", """
                  url: https://127.0.0.1:8443/health
                  role: web
                  sudo: true
                  upstream_name: Sample_1
                  state_dir: /var/lib/essay
                health:
                  path: /ping
                  status: 204
                  timeout: 500ms
                  retries: 1
                  interval: 250ms
                  slot_header: X-Slot
                  version_header: ""
                  quorum: 50
                hooks:
                  pre_deploy: ["python -m sample.migrate", 'echo "ready"']
                  post_deploy:
                    - curl -fsS http://127.0.0.1:8800/warm
                """));

        assertThat(p.index()).isEqualTo(new Project.Index("https://pypi.internal/simple/", "deploy", null,
                dir.resolve("secrets/index-password"), true));
        assertThat(p.roles().keySet()).containsExactly("web", "worker");
        assertThat(p.hosts("web")).containsExactly(new HostAddress("deploy", "10.0.0.11", 22),
                new HostAddress("deploy", "::1", 2222));
        assertThat(p.defaultRole()).isEqualTo("worker");
        assertThat(p.processCount()).isEqualTo(10);
        assertThat(p.slot("a").ports(10)).containsExactly(8800, 8801, 8802, 8803, 8804, 8805, 8806, 8807, 8808, 8809);
        assertThat(p.profile()).isEqualTo("staging.eu-1");
        assertThat(p.parallelism()).isEqualTo(5);
        assertThat(p.router().role()).isEqualTo("web");
        assertThat(p.router().sudo()).isTrue();
        assertThat(p.router().upstreamName()).isEqualTo("Sample_1");
        assertThat(p.router().url()).isEqualTo("https://127.0.0.1:8443/health");
        assertThat(p.router().stateDir()).isEqualTo("/var/lib/essay");
        assertThat(p.health()).isEqualTo(new Project.Health("/ping", 204, Duration.ofMillis(500), 1,
                Duration.ofMillis(250), "X-Slot", "", 50));
        assertThat(p.hooks().preDeploy()).containsExactly("python -m sample.migrate", "echo \"ready\"");
        assertThat(p.hooks().postDeploy()).containsExactly("curl -fsS http://127.0.0.1:8800/warm");
    }

    @Test
    void routerRoleDefaultsToDefaultRoleAndUpstreamNameToTheProjectName() {
        Project p = parse(minimal("project: essay-sample", "project: Essay.Sample-2")
                .replace("  web:\n    - deploy@10.0.0.11\n", "  web: [deploy@10.0.0.11]\n  worker: [deploy@10.0.0.12]\ndefault_role: worker\n"));

        assertThat(p.router().role()).isEqualTo("worker");
        assertThat(p.router().upstreamName()).isEqualTo("Essay_Sample_2");
        assertThat(p.router().stateDir()).isEqualTo("~/.essay/Essay.Sample-2");
    }

    @Test
    void portPrefixMayBeWrittenAsANumber() {
        Project p = parse(minimal("a: { port_prefix: \"880\" }", "a: { port_prefix: 880 }"));

        assertThat(p.slot("a").portPrefix()).isEqualTo("880");
    }

    @Test
    void keysWithNoValueMeanTheDefault() {
        Project p = parse(MINIMAL + "profile:\nhealth:\nhooks:\n  pre_deploy: ~\n");

        assertThat(p.profile()).isEqualTo("default");
        assertThat(p.health().retries()).isEqualTo(30);
        assertThat(p.hooks()).isEqualTo(Project.Hooks.none());
    }

    @Test
    void anchorsAliasesAndMergeKeysWork() {
        Project p = parse(minimal("roles:\n  web:\n    - deploy@10.0.0.11\n",
                "roles:\n  web: &web\n    - deploy@10.0.0.11\n  all: *web\ndefault_role: web\n")
                .replace("slots:\n  a: { port_prefix: \"880\" }\n", "slots:\n  a: &slot { port_prefix: \"880\" }\n  c:\n    <<: *slot\n    port_prefix: \"882\"\n"));

        assertThat(p.hosts("all")).isEqualTo(p.hosts("web"));
        assertThat(p.slot("c").portPrefix()).isEqualTo("882");
    }

    // ------------------------------------------------------------------ structure and syntax

    @Test
    void aYamlSyntaxErrorIsOneProblemWithItsLine() {
        assertThat(problems(minimal("  url: http://pypi.internal:8700/simple/\n",
                "  url: http://pypi.internal:8700/simple/\n   username: deploy\n"))).containsExactly(
                "<dir>/essay.yaml:4: YAML syntax error: mapping values are not allowed here; check the indentation"
                        + " (spaces, not tabs) and the quoting");
    }

    @Test
    void anUnclosedFlowListNamesWhereItStarted() {
        assertThat(problems(minimal("hosts: [deploy@10.0.0.5]", "hosts: [deploy@10.0.0.5"))).containsExactly(
                "<dir>/essay.yaml:16: YAML syntax error: expected ',' or ']', but got :"
                        + " (while parsing a flow sequence on line 15); check the indentation (spaces, not tabs)"
                        + " and the quoting");
    }

    @Test
    void tabsForIndentationAreASyntaxError() {
        assertThat(problems(minimal("  prefix: ~/essay-sample", "\tprefix: ~/essay-sample"))).containsExactly(
                "<dir>/essay.yaml:11: YAML syntax error: found character '\\t(TAB)' that cannot start any token."
                        + " (Do not use \\t(TAB) for indentation);"
                        + " check the indentation (spaces, not tabs) and the quoting");
    }

    @Test
    void tagsOtherThanPlainValuesAreRejected() {
        assertThat(problems(minimal("project: essay-sample", "project: !custom essay-sample")))
                .containsExactly("<dir>/essay.yaml:1: project: tag '!custom' is not allowed; essay.yaml holds only"
                        + " strings, numbers, booleans, lists and mappings");
        assertThat(problems(MINIMAL + "extra: !!binary aGVsbG8=\n")).containsExactly(
                "<dir>/essay.yaml:19: extra: tag 'tag:yaml.org,2002:binary' is not allowed; essay.yaml holds only"
                        + " strings, numbers, booleans, lists and mappings",
                "<dir>/essay.yaml:19: unknown key 'extra'; known keys: project, index, roles, default_role, ssh,"
                        + " slots, process_count, venv, profile, supervisor, router, health, parallelism, hooks, build, env,"
                        + " secrets, profiles, files, pip");
    }

    @Test
    void globalTagsThatNameJavaOrPythonTypesAreRejectedByTheParser() {
        assertThat(problems(minimal("project: essay-sample", "project: !!javax.script.ScriptEngineManager [x]")))
                .containsExactly("<dir>/essay.yaml:1: YAML syntax error: Global tag is not allowed:"
                        + " tag:yaml.org,2002:javax.script.ScriptEngineManager; check the indentation (spaces, not"
                        + " tabs) and the quoting");
    }

    @Test
    void anEmptyFileIsReported() {
        assertThat(problems("# nothing yet\n")).containsExactly(
                "<dir>/essay.yaml: is empty; start from the example in docs/essay-yaml.md");
    }

    @Test
    void theTopLevelMustBeAMapping() {
        assertThat(problems("- project\n")).containsExactly(
                "<dir>/essay.yaml:1: must be a mapping of keys to values, not a list");
    }

    @Test
    void moreThanOneDocumentIsASyntaxError() {
        assertThat(problems(MINIMAL + "---\nproject: other\n")).containsExactly(
                "<dir>/essay.yaml:19: YAML syntax error: but found another document (expected a single document in"
                        + " the stream on line 1); check the indentation (spaces, not tabs) and the quoting");
    }

    @Test
    void duplicateKeysNameTheFirstOne() {
        assertThat(problems(MINIMAL + "project: again\n")).containsExactly(
                "<dir>/essay.yaml:19: project: duplicate key 'project' (first on line 1); keep one");
    }

    @Test
    void unknownKeysAreNamedWithTheClosestKnownKey() {
        assertThat(problems(MINIMAL + "helth:\n  path: /health\n")).containsExactly(
                "<dir>/essay.yaml:19: unknown key 'helth'; did you mean 'health'?");
        assertThat(problems(minimal("  url: http://127.0.0.1/health", "  url: http://127.0.0.1/health\n  upstreamName: x"))).containsExactly(
                "<dir>/essay.yaml:19: router: unknown key 'upstreamName'; did you mean 'upstream_name'?");
        assertThat(problems(minimal("a: { port_prefix: \"880\" }", "a: { prot_prefix: \"880\" }"))).containsExactly(
                "<dir>/essay.yaml:8: slots.a: unknown key 'prot_prefix'; did you mean 'port_prefix'?",
                "<dir>/essay.yaml:8: slots.a.port_prefix: required; 2 to 4 digits, e.g. port_prefix: \"880\"");
    }

    @Test
    void unknownKeysWithNothingCloseListTheKnownKeys() {
        assertThat(problems(MINIMAL + "health:\n  colour: red\n")).containsExactly(
                "<dir>/essay.yaml:20: health: unknown key 'colour'; known keys: path, status, timeout, retries,"
                        + " interval, slot_header, version_header, quorum");
    }

    @Test
    void fabfileSettingsPointToTheirReplacement() {
        assertThat(problems(MINIMAL + "VIRTUALENV_PREFIX: /home/deploy/sample\nGIT_SERVER: https://github.com/\n"))
                .containsExactly(
                        "<dir>/essay.yaml:19: VIRTUALENV_PREFIX: not an essay.yaml key; the fabfile's"
                                + " env.VIRTUALENV_PREFIX is venv.prefix here (see docs/migrating.md)",
                        "<dir>/essay.yaml:20: GIT_SERVER: not an essay.yaml key; the fabfile's env.GIT_SERVER has no"
                                + " counterpart: essay package builds the checkout it runs in (see docs/migrating.md)");
    }

    @Test
    void everyMissingRequiredFieldIsReportedAtOnce() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse("parallelism: 4\n"));

        assertThat(e.problems()).extracting(p -> p.toString().replace(dir.toString(), "<dir>")).containsExactly(
                "<dir>/essay.yaml: project: required; set it to the PEP 508 name of the distribution, e.g. project:"
                        + " essay-sample",
                "<dir>/essay.yaml: index: required; add index.url, the PEP 503 simple index pip installs from",
                "<dir>/essay.yaml: roles: required; map each role to its hosts, e.g. web: [deploy@10.0.0.11]",
                "<dir>/essay.yaml: slots: required; define at least two, e.g. a: { port_prefix: \"880\" } and b: {"
                        + " port_prefix: \"881\" }",
                "<dir>/essay.yaml: venv.prefix: required; the remote directory holding one directory per slot, e.g."
                        + " ~/essay-sample",
                "<dir>/essay.yaml: supervisor.template: required; the local supervisord config template, e.g."
                        + " conf/supervisord.conf",
                "<dir>/essay.yaml: router: required; it needs hosts, config, upstream_file and url");
        assertThat(e.getMessage()).isEqualTo("7 problems in " + file);
        assertThat(e.detail()).startsWith(file + ": project: required;");
        assertThat(e.suggestion()).isEqualTo("fix the fields above; see docs/essay-yaml.md");
        assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
    }

    @Test
    void requiredKeysWithNoValueAreReportedOnTheirLine() {
        assertThat(problems(minimal("  url: http://127.0.0.1/health", "  url:"))).containsExactly(
                "<dir>/essay.yaml:18: router.url: required; the URL fetched on the router host to prove a switch,"
                        + " e.g. http://127.0.0.1/health");
        assertThat(problems(minimal("  prefix: ~/essay-sample", "  prefix: ~"))).containsExactly(
                "<dir>/essay.yaml:11: venv.prefix: required; the remote directory holding one directory per slot,"
                        + " e.g. ~/essay-sample (in YAML a lone ~ means no value)");
    }

    @Test
    void problemsFromManySectionsAreCollectedInLineOrder() {
        List<String> problems = problems(MINIMAL
                .replace("project: essay-sample", "project: essay sample")
                .replace("    - deploy@10.0.0.11", "    - deploy@")
                .replace("a: { port_prefix: \"880\" }", "a: { port_prefix: \"8\" }")
                .replace("  prefix: ~/essay-sample", "  prefix: essay-sample")
                + "parallelism: 0\n");

        assertThat(problems).containsExactly(
                "<dir>/essay.yaml:1: project: 'essay sample' is not a PEP 508 project name (letters, digits, '-', '_'"
                        + " and '.', starting and ending with a letter or digit)",
                "<dir>/essay.yaml:6: roles.web[0]: 'deploy@' is not a host; write user@address or user@address:port",
                "<dir>/essay.yaml:8: slots.a.port_prefix: '8' is not a port prefix; write 2 to 4 digits not starting"
                        + " with 0, e.g. \"880\"",
                "<dir>/essay.yaml:11: venv.prefix: 'essay-sample' must be an absolute path or start with ~/ (it is a"
                        + " path on the remote host)",
                "<dir>/essay.yaml:19: parallelism: must be at least 1, not 0");
    }

    // ------------------------------------------------------------------ project and index

    @Nested
    class ProjectAndIndex {
        @Test
        void anInlinePasswordIsRefusedWithoutBeingEchoed() {
            List<String> problems = problems(minimal("  url: http://pypi.internal:8700/simple/",
                    "  url: http://pypi.internal:8700/simple/\n  username: deploy\n  password: hunter2"));

            assertThat(problems).containsExactly("<dir>/essay.yaml:5: index.password: an inline password is not"
                    + " allowed (it would end up in version control and in logs); put it in an environment variable"
                    + " named by index.password_env, or in a file named by index.password_file");
            assertThat(String.join("\n", problems)).doesNotContain("hunter2");
        }

        @Test
        void credentialsInTheIndexUrlAreRefusedWithoutBeingEchoed() {
            List<String> problems = problems(minimal("url: http://pypi.internal:8700/simple/",
                    "url: https://deploy:hunter2@pypi.internal/simple/"));

            assertThat(problems).containsExactly("<dir>/essay.yaml:3: index.url: must not contain a user name or"
                    + " password; set index.username and index.password_env (or index.password_file)");
            assertThat(String.join("\n", problems)).doesNotContain("hunter2");
        }

        @Test
        void theIndexUrlIsHttpOrHttpsWithAHost() {
            assertThat(problems(minimal("url: http://pypi.internal:8700/simple/", "url: ftp://pypi.internal/simple/")))
                    .containsExactly("<dir>/essay.yaml:3: index.url: 'ftp://pypi.internal/simple/' must start with"
                            + " http:// or https://");
            assertThat(problems(minimal("url: http://pypi.internal:8700/simple/", "url: pypi.internal/simple/")))
                    .containsExactly("<dir>/essay.yaml:3: index.url: 'pypi.internal/simple/' must start with http://"
                            + " or https://");
            assertThat(problems(minimal("url: http://pypi.internal:8700/simple/", "url: http:///simple/")))
                    .containsExactly("<dir>/essay.yaml:3: index.url: 'http:///simple/' has no valid host name; write"
                            + " http(s)://host[:port]/path");
            assertThat(problems(minimal("url: http://pypi.internal:8700/simple/", "url: \"http://pypi internal/\"")))
                    .containsExactly("<dir>/essay.yaml:3: index.url: 'http://pypi internal/' is not a URL (Illegal"
                            + " character in authority); write http(s)://host[:port]/path");
        }

        @Test
        void theIndexUrlIsRequired() {
            assertThat(problems(minimal("  url: http://pypi.internal:8700/simple/\n", "  trusted_host: true\n")))
                    .containsExactly("<dir>/essay.yaml:2: index.url: required; the PEP 503 simple index URL, e.g."
                            + " http://pypi.internal:8700/simple/");
            assertThat(problems(minimal("index:\n  url: http://pypi.internal:8700/simple/\n", "index: http://x/\n")))
                    .containsExactly("<dir>/essay.yaml:2: index: must be a mapping of keys to values, not 'http://x/'");
        }

        @Test
        void passwordReferencesAreCheckedButNotRead() {
            assertThat(problems(minimal("  url: http://pypi.internal:8700/simple/",
                    "  url: http://pypi.internal:8700/simple/\n  password_env: ESSAY-PW\n  password_file: pw")))
                    .containsExactly(
                            "<dir>/essay.yaml:4: index.password_env: 'ESSAY-PW' is not an environment variable name"
                                    + " (letters, digits and _, not starting with a digit)",
                            "<dir>/essay.yaml:4: index.username: required with a password; add the index user name",
                            "<dir>/essay.yaml:5: index: give only one of index.password_env and index.password_file");
            // a variable that is not set is fine at load time: it is read only when the index is used
            Project p = parse(minimal("  url: http://pypi.internal:8700/simple/",
                    "  url: http://pypi.internal:8700/simple/\n  username: u\n  password_env: ESSAY_TEST_SURELY_UNSET_42"));
            assertThat(p.index().passwordEnv()).isEqualTo("ESSAY_TEST_SURELY_UNSET_42");
        }

        @Test
        void theProjectIsAPep508Name() {
            assertThat(problems(minimal("project: essay-sample", "project: -essay"))).containsExactly(
                    "<dir>/essay.yaml:1: project: '-essay' is not a PEP 508 project name (letters, digits, '-', '_'"
                            + " and '.', starting and ending with a letter or digit)");
            assertThat(problems(minimal("project: essay-sample", "project: [a, b]"))).containsExactly(
                    "<dir>/essay.yaml:1: project: must be a single value, not a list");
        }
    }

    // ------------------------------------------------------------------ roles

    @Nested
    class Roles {
        @Test
        void hostsAreParsedAndReportedByIndex() {
            assertThat(problems(minimal("    - deploy@10.0.0.11\n", "    - deploy@10.0.0.11\n    - deploy@10.0.0.12:70000\n    - 10.0.0.13\n")))
                    .containsExactly(
                            "<dir>/essay.yaml:7: roles.web[1]: port 70000 is outside 1..65535",
                            "<dir>/essay.yaml:8: roles.web[2]: '10.0.0.13' is not a host; write user@address or"
                                    + " user@address:port");
        }

        @Test
        void aHostListedTwiceIsReported() {
            assertThat(problems(minimal("    - deploy@10.0.0.11\n", "    - deploy@10.0.0.11\n    - deploy@10.0.0.11:22\n")))
                    .containsExactly("<dir>/essay.yaml:7: roles.web[1]: deploy@10.0.0.11:22 is listed twice (also"
                            + " roles.web[0]); remove one");
        }

        @Test
        void rolesNeedHosts() {
            assertThat(problems(minimal("  web:\n    - deploy@10.0.0.11\n", "  web: []\n")))
                    .containsExactly("<dir>/essay.yaml:5: roles.web: has no hosts; list at least one, e.g. web:"
                            + " [deploy@10.0.0.11]");
            assertThat(problems(minimal("  web:\n    - deploy@10.0.0.11\n", "  web:\n")))
                    .containsExactly("<dir>/essay.yaml:5: roles.web: has no hosts; list at least one, e.g. web:"
                            + " [deploy@10.0.0.11]");
            assertThat(problems(minimal("  web:\n    - deploy@10.0.0.11\n", "  web: deploy@10.0.0.11\n")))
                    .containsExactly("<dir>/essay.yaml:5: roles.web: must be a list of hosts, e.g. [deploy@10.0.0.11],"
                            + " not 'deploy@10.0.0.11'");
            assertThat(problems(minimal("  web:\n    - deploy@10.0.0.11\n", "  {}\n").replace("roles:\n  {}", "roles: {}")))
                    .containsExactly("<dir>/essay.yaml:4: roles: needs at least one role, e.g. web: [deploy@10.0.0.11]");
        }

        @Test
        void roleNamesAreChecked() {
            assertThat(problems(minimal("  web:", "  web site:"))).containsExactly(
                    "<dir>/essay.yaml:5: roles: 'web site' is not a role name; use 1 to 64 letters, digits, '_' and"
                            + " '-', starting with a letter or digit (web, worker_2, eu-west)");
        }

        @Test
        void defaultRoleIsRequiredWithSeveralRolesAndMustExist() {
            String twoRoles = minimal("    - deploy@10.0.0.11\n", "    - deploy@10.0.0.11\n  worker: [deploy@10.0.1.1]\n");
            assertThat(problems(twoRoles)).containsExactly(
                    "<dir>/essay.yaml:4: default_role: required when there is more than one role; set it to one of:"
                            + " web, worker");
            assertThat(problems(twoRoles + "default_role: wbe\n")).containsExactly(
                    "<dir>/essay.yaml:20: default_role: 'wbe' is not one of the roles (web, worker)");
        }

        @Test
        void defaultRoleMayNameARoleWhoseHostsAreWrong() {
            assertThat(problems(minimal("    - deploy@10.0.0.11\n", "    - nobody\n") + "default_role: web\n"))
                    .containsExactly("<dir>/essay.yaml:6: roles.web[0]: 'nobody' is not a host; write user@address or"
                            + " user@address:port");
        }
    }

    // ------------------------------------------------------------------ ssh

    @Nested
    class Ssh {
        @Test
        void anInlinePassphraseIsRefused() {
            assertThat(problems(MINIMAL + "ssh:\n  passphrase: secret\n")).containsExactly(
                    "<dir>/essay.yaml:20: ssh.passphrase: an inline passphrase is not allowed (it would end up in"
                            + " version control and in logs); put it in an environment variable named by"
                            + " ssh.passphrase_env, or in a file named by ssh.passphrase_file");
        }

        @Test
        void valuesAreChecked() {
            assertThat(problems(MINIMAL + """
                    ssh:
                      identity: ~deploy/.ssh/id_rsa
                      passphrase_env: 1PASS
                      passphrase_file: pass
                      accept_new_host_keys: maybe
                      connect_timeout: 10
                    """)).containsExactly(
                    "<dir>/essay.yaml:20: ssh.identity: '~deploy/.ssh/id_rsa': only ~/ (your own home) is expanded;"
                            + " write ~/... or a full path",
                    "<dir>/essay.yaml:21: ssh.passphrase_env: '1PASS' is not an environment variable name (letters,"
                            + " digits and _, not starting with a digit)",
                    "<dir>/essay.yaml:22: ssh: give only one of ssh.passphrase_env and ssh.passphrase_file",
                    "<dir>/essay.yaml:23: ssh.accept_new_host_keys: must be true or false, not 'maybe'",
                    "<dir>/essay.yaml:24: ssh.connect_timeout: '10' is not a duration; write a whole number with a"
                            + " unit: 500ms, 2s or 1m");
        }
    }

    // ------------------------------------------------------------------ venv

    @Nested
    class Venv {
        @Test
        void systemSitePackagesIsOffUnlessAskedForAndMustBeABoolean() {
            assertThat(parse(MINIMAL).venv().systemSitePackages()).isFalse();
            String withSystem = MINIMAL.replace("  prefix: ~/essay-sample\n", "  prefix: ~/essay-sample\n  system_site_packages: true\n");
            assertThat(parse(withSystem).venv()).isEqualTo(new Project.Venv("~/essay-sample", "python3", true));
            String wrong = MINIMAL.replace("  prefix: ~/essay-sample\n", "  prefix: ~/essay-sample\n  system_site_packages: debian\n");
            int line = (int) wrong.substring(0, wrong.indexOf("system_site_packages")).lines().count();
            assertThat(problems(wrong)).containsExactly("<dir>/essay.yaml:" + line
                    + ": venv.system_site_packages: must be true or false, not 'debian'");
        }
    }

    // ------------------------------------------------------------------ slots and ports

    @Nested
    class Slots {
        @Test
        void atLeastTwoSlots() {
            assertThat(problems(minimal("  b: { port_prefix: \"881\" }\n", ""))).containsExactly(
                    "<dir>/essay.yaml:7: slots: needs at least two slots (one live, one to deploy the next release"
                            + " to), e.g. a: { port_prefix: \"880\" } and b: { port_prefix: \"881\" }");
        }

        @Test
        void slotNamesAreShortLowerCaseWords() {
            assertThat(problems(minimal("  b: {", "  Blue-1: {"))).containsExactly(
                    "<dir>/essay.yaml:9: slots: 'Blue-1' is not a slot name; use 1 to 16 lower-case letters or digits,"
                            + " starting with a letter (a, b, blue)");
        }

        @Test
        void portPrefixesAreTwoToFourDigitsNotStartingWithZero() {
            assertThat(problems(minimal("b: { port_prefix: \"881\" }", "b: { port_prefix: \"0881\" }"))).containsExactly(
                    "<dir>/essay.yaml:9: slots.b.port_prefix: '0881' is not a port prefix; write 2 to 4 digits not"
                            + " starting with 0, e.g. \"880\"");
            assertThat(problems(minimal("b: { port_prefix: \"881\" }", "b: { port_prefix: 88100 }"))).containsExactly(
                    "<dir>/essay.yaml:9: slots.b.port_prefix: '88100' is not a port prefix; write 2 to 4 digits not"
                            + " starting with 0, e.g. \"880\"");
        }

        @Test
        void portPrefixesAreUnique() {
            assertThat(problems(minimal("b: { port_prefix: \"881\" }", "b: { port_prefix: 880 }"))).containsExactly(
                    "<dir>/essay.yaml:9: slots.b.port_prefix: '880' is already the port prefix of slot a; give each"
                            + " slot its own");
        }

        @Test
        void everyPortFitsIn16Bits() {
            assertThat(problems(minimal("b: { port_prefix: \"881\" }", "b: { port_prefix: \"6553\" }")
                    + "process_count: 7\n")).containsExactly(
                    "<dir>/essay.yaml:9: slots.b.port_prefix: '6553' with process_count 7 gives ports up to 65536;"
                            + " ports must be at most 65535, use a smaller prefix");
            assertThat(parse(minimal("b: { port_prefix: \"881\" }", "b: { port_prefix: \"6553\" }")
                    + "process_count: 6\n").slot("b").ports(6)).endsWith(65535);
        }

        @Test
        void aSlotIsAMappingWithAPortPrefix() {
            assertThat(problems(minimal("b: { port_prefix: \"881\" }", "b: \"881\""))).containsExactly(
                    "<dir>/essay.yaml:9: slots.b: must be a mapping like { port_prefix: \"880\" }, not '881'");
            assertThat(problems(minimal("b: { port_prefix: \"881\" }", "b: {}"))).containsExactly(
                    "<dir>/essay.yaml:9: slots.b.port_prefix: required; 2 to 4 digits, e.g. port_prefix: \"880\"");
        }

        @Test
        void processCountIsOneToTen() {
            assertThat(problems(MINIMAL + "process_count: 11\n")).containsExactly(
                    "<dir>/essay.yaml:19: process_count: must be 1 to 10 (process i listens on port_prefix followed"
                            + " by the digit i), not 11");
            assertThat(problems(MINIMAL + "process_count: 0\n")).containsExactly(
                    "<dir>/essay.yaml:19: process_count: must be 1 to 10 (process i listens on port_prefix followed"
                            + " by the digit i), not 0");
            assertThat(problems(MINIMAL + "process_count: 99999999999\n")).containsExactly(
                    "<dir>/essay.yaml:19: process_count: must be 1 to 10 (process i listens on port_prefix followed"
                            + " by the digit i), not 99999999999");
            assertThat(problems(MINIMAL + "process_count: two\n")).containsExactly(
                    "<dir>/essay.yaml:19: process_count: must be a whole number, not 'two'");
        }
    }

    // ------------------------------------------------------------------ venv, profile, supervisor

    @Nested
    class VenvAndSupervisor {
        @Test
        void venvPrefixIsARemotePathWithoutWhitespace() {
            assertThat(problems(minimal("prefix: ~/essay-sample", "prefix: \"~/my app\""))).containsExactly(
                    "<dir>/essay.yaml:11: venv.prefix: '~/my app' must not contain whitespace or control characters");
            assertThat(problems(minimal("prefix: ~/essay-sample", "prefix: \"/srv/app\\n\""))).containsExactly(
                    "<dir>/essay.yaml:11: venv.prefix: '/srv/app' must not contain whitespace or control characters");
            assertThat(parse(minimal("prefix: ~/essay-sample", "prefix: /srv/essay-sample/")).venv().slotDir("a"))
                    .isEqualTo("/srv/essay-sample/a");
        }

        @Test
        void venvPythonIsOneProgram() {
            assertThat(problems(minimal("prefix: ~/essay-sample", "prefix: ~/essay-sample\n  python: python3 -I")))
                    .containsExactly("<dir>/essay.yaml:12: venv.python: 'python3 -I' must be one program name or path,"
                            + " without whitespace");
        }

        @Test
        void theProfileIsAName() {
            assertThat(problems(MINIMAL + "profile: \"a b\"\n")).containsExactly(
                    "<dir>/essay.yaml:19: profile: 'a b' is not a profile name; use 1 to 64 letters, digits, '_',"
                            + " '.' and '-', starting with a letter or digit (prod, test, eu.1)");
        }

        /** The engine refused a profile longer than 64 characters; the loader now refuses it too (one rule). */
        @Test
        void theProfileIsAtMost64Characters() {
            String long65 = "p".repeat(65);
            assertThat(problems(MINIMAL + "profile: " + long65 + "\n")).containsExactly(
                    "<dir>/essay.yaml:19: profile: " + Names.PROFILE.problem(long65));
            assertThat(parse(MINIMAL + "profile: " + long65.substring(1) + "\n").profile()).isEqualTo(long65.substring(1));
        }

        @Test
        void theTemplateMustExistRelativeToTheFile() throws IOException {
            assertThat(problems(minimal("template: conf/supervisord.conf", "template: conf/missing.conf")))
                    .containsExactly("<dir>/essay.yaml:13: supervisor.template: 'conf/missing.conf' does not exist"
                            + " (looked at <dir>/conf/missing.conf); create it or fix the path (relative paths are"
                            + " relative to the directory of essay.yaml)");
            assertThat(problems(minimal("template: conf/supervisord.conf", "template: conf")))
                    .containsExactly("<dir>/essay.yaml:13: supervisor.template: 'conf' is a directory, not a file"
                            + " (looked at <dir>/conf); create it or fix the path (relative paths are relative to the"
                            + " directory of essay.yaml)");
            Files.writeString(home.resolve("t.conf"), "x");
            assertThat(parse(minimal("template: conf/supervisord.conf", "template: ~/t.conf")).supervisor().template())
                    .isEqualTo(home.resolve("t.conf"));
        }
    }

    // ------------------------------------------------------------------ router

    @Nested
    class Router {
        @Test
        void aServiceWithoutSlotHeaderNeedsTheProbe() {
            String noHeader = MINIMAL + "health:\n  slot_header: \"\"\n";
            assertThat(problems(noHeader)).singleElement().asString()
                    .startsWith("<dir>/essay.yaml:20: health.slot_header: is empty, so the service's answers do not say"
                            + " which slot sent them; set router.probe");
            Project p = parse(minimal("  url: http://127.0.0.1/health\n", "  url: http://127.0.0.1/health\n  probe: 127.0.0.1:8399\n")
                    + "health:\n  slot_header: \"\"\n");
            assertThat(p.router().probe()).isEqualTo("127.0.0.1:8399");
            assertThat(p.health().slotHeader()).isEmpty();
            assertThat(p.router().probeUrl(p.health().path())).isEqualTo("http://127.0.0.1:8399/health");
        }

        @Test
        void theProbeListensOnLoopbackOnly() {
            assertThat(problems(minimal("  url: http://127.0.0.1/health\n", "  url: http://127.0.0.1/health\n  probe: 10.0.0.5:8399\n")))
                    .containsExactly("<dir>/essay.yaml:19: router.probe: '10.0.0.5:8399' is not a loopback address and"
                            + " port; write 127.0.0.1:PORT with a port nothing else on the router listens on, e.g."
                            + " 127.0.0.1:8399");
        }

        @Test
        void routerFieldsAreChecked() {
            assertThat(problems(MINIMAL.replace("""
                      hosts: [deploy@10.0.0.5]
                      config: /etc/nginx/nginx.conf
                      upstream_file: /etc/nginx/conf.d/essay-sample.upstream.conf
                      url: http://127.0.0.1/health
                    """, """
                      hosts: []
                      role: api
                      nginx: sudo nginx
                      config: etc/nginx.conf
                      upstream_file: /etc/nginx/conf.d/essay-sample.upstream.conf
                      upstream_name: essay-sample
                      sudo: "no"
                      url: //127.0.0.1/health
                      state_dir: .essay
                    """))).containsExactly(
                    "<dir>/essay.yaml:15: router.hosts: needs at least one nginx host, e.g. hosts: [deploy@10.0.0.5]",
                    "<dir>/essay.yaml:16: router.role: 'api' is not one of the roles (web)",
                    "<dir>/essay.yaml:17: router.nginx: 'sudo nginx' must be one program name or path, without"
                            + " whitespace (for sudo set router.sudo: true)",
                    "<dir>/essay.yaml:18: router.config: 'etc/nginx.conf' must be an absolute path or start with ~/"
                            + " (it is a path on the remote host)",
                    "<dir>/essay.yaml:20: router.upstream_name: 'essay-sample' is not an upstream name; use letters,"
                            + " digits and _",
                    "<dir>/essay.yaml:21: router.sudo: must be true or false (without quotes), not 'no'",
                    "<dir>/essay.yaml:22: router.url: '//127.0.0.1/health' must start with http:// or https://",
                    "<dir>/essay.yaml:23: router.state_dir: '.essay' must be an absolute path or start with ~/ (it is"
                            + " a path on the remote host)");
        }

        @Test
        void theUpstreamFileIsNotTheMainConfig() {
            assertThat(problems(minimal("upstream_file: /etc/nginx/conf.d/essay-sample.upstream.conf",
                    "upstream_file: /etc/nginx/nginx.conf"))).containsExactly(
                    "<dir>/essay.yaml:17: router.upstream_file: is router.config itself; essay rewrites this file, so"
                            + " use a separate file that router.config includes");
        }

        @Test
        void requiredRouterFields() {
            assertThat(problems(minimal("""
                      hosts: [deploy@10.0.0.5]
                      config: /etc/nginx/nginx.conf
                      upstream_file: /etc/nginx/conf.d/essay-sample.upstream.conf
                      url: http://127.0.0.1/health
                    """, "  sudo: true\n"))).containsExactly(
                    "<dir>/essay.yaml:14: router.hosts: required; the nginx host(s), e.g. hosts: [deploy@10.0.0.5]",
                    "<dir>/essay.yaml:14: router.config: required; the nginx main config passed as -c, e.g."
                            + " /etc/nginx/nginx.conf",
                    "<dir>/essay.yaml:14: router.upstream_file: required; the include file essay writes and nginx.conf"
                            + " includes, e.g. /etc/nginx/conf.d/essay-sample.upstream.conf",
                    "<dir>/essay.yaml:14: router.url: required; the URL fetched on the router host to prove a switch,"
                            + " e.g. http://127.0.0.1/health");
        }
    }

    // ------------------------------------------------------------------ health, parallelism, hooks

    @Nested
    class HealthAndHooks {
        @Test
        void healthValuesAreChecked() {
            assertThat(problems(MINIMAL + """
                    health:
                      path: health
                      status: 42
                      timeout: 2
                      retries: 0
                      interval: 0s
                      slot_header: X Slot
                      version_header: "X:Version"
                      quorum: 101
                    """)).containsExactly(
                    "<dir>/essay.yaml:20: health.path: 'health' must start with / and contain no whitespace, e.g."
                            + " /health",
                    "<dir>/essay.yaml:21: health.status: must be an HTTP status from 100 to 599, not 42",
                    "<dir>/essay.yaml:22: health.timeout: '2' is not a duration; write a whole number with a unit:"
                            + " 500ms, 2s or 1m",
                    "<dir>/essay.yaml:23: health.retries: must be at least 1, not 0",
                    "<dir>/essay.yaml:24: health.interval: must be more than 0, not '0s'",
                    "<dir>/essay.yaml:25: health.slot_header: 'X Slot' is not an HTTP header name; write a name like"
                            + " X-Essay-Slot, or \"\" when the service sends none (then set router.probe)",
                    "<dir>/essay.yaml:26: health.version_header: 'X:Version' is not an HTTP header name; write a name"
                            + " like X-Essay-Version, or \"\" to not check it",
                    "<dir>/essay.yaml:27: health.quorum: must be a percentage from 1 to 100, not 101");
        }

        @Test
        void durationsTakeMsSOrM() {
            assertThat(problems(MINIMAL + "health:\n  timeout: 1h\n")).containsExactly(
                    "<dir>/essay.yaml:20: health.timeout: '1h' is not a duration; write a whole number with a unit:"
                            + " 500ms, 2s or 1m");
        }

        @Test
        void hooksAreListsOfNonEmptyCommands() {
            assertThat(problems(MINIMAL + """
                    hooks:
                      pre_deploy: python -m sample.migrate
                      post_deploy:
                        - ""
                        - {run: x}
                    """)).containsExactly(
                    "<dir>/essay.yaml:20: hooks.pre_deploy: must be a list of shell commands, e.g. [\"python -m"
                            + " myapp.migrate\"], not 'python -m sample.migrate'",
                    "<dir>/essay.yaml:22: hooks.post_deploy[0]: must not be empty",
                    "<dir>/essay.yaml:23: hooks.post_deploy[1]: must be a shell command (a string), not a mapping");
        }
    }

    // ------------------------------------------------------------------ load(Path)

    @Nested
    class Load {
        @Test
        void loadsAFile() throws IOException {
            Files.writeString(file, MINIMAL);

            Project p = ProjectLoader.load(file);

            assertThat(p.file()).isEqualTo(file);
            assertThat(p.name()).isEqualTo("essay-sample");
            assertThat(p.supervisor().template()).isEqualTo(dir.resolve("conf/supervisord.conf"));
        }

        @Test
        void aMissingFileSaysToCreateItOrPassConfig() {
            ConfigException e = catchThrowableOfType(ConfigException.class, () -> ProjectLoader.load(file));

            assertThat(e.getMessage()).isEqualTo(file + ": no such file; create it (see docs/essay-yaml.md) or pass"
                    + " --config PATH");
            assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
        }

        @Test
        void aDirectoryIsNotAConfigFile() {
            ConfigException e = catchThrowableOfType(ConfigException.class, () -> ProjectLoader.load(dir));

            assertThat(e.getMessage()).isEqualTo(dir + ": is a directory, not a file; pass --config with the path of"
                    + " essay.yaml");
        }

        @Test
        void aFileThatIsNotUtf8IsReported() throws IOException {
            Files.write(file, "project: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));

            ConfigException e = catchThrowableOfType(ConfigException.class, () -> ProjectLoader.load(file));

            assertThat(e.getMessage()).isEqualTo(file + ": is not UTF-8 text; save it as UTF-8");
        }
    }
}
