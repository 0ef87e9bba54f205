package dev.essay.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.essay.core.model.Project;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** essay.yaml's {@code env}, {@code secrets}, {@code profiles}, {@code files} and {@code pip} (the minimal file is 18 lines). */
class ProjectLoaderEnvTest {
    private static final String MINIMAL = ProjectLoaderTest.MINIMAL;

    @TempDir
    Path dir;
    /** ProjectLoaderTest's fixture: essay.yaml in {@code dir}, its template, a home directory. */
    private final ProjectLoaderTest loader = new ProjectLoaderTest();

    @BeforeEach
    void setUp() throws IOException {
        loader.dir = dir;
        loader.setUp();
        Files.writeString(dir.resolve("conf/app.ini"), "[app]\n");
    }

    private Project parse(String yaml) {
        return loader.parse(yaml);
    }

    private List<String> problems(String yaml) {
        return loader.problems(yaml);
    }

    private Path home() {
        return loader.home;
    }

    @Test
    void envSecretsAndProfilesAreReadWithTheProfilesOverTheCommonOnes() {
        Project p = parse(MINIMAL + """
                env: {LOG_LEVEL: info, WORKERS: 4, DEBUG: false}
                secrets:
                  DB_PASSWORD: {env: DB_PASSWORD}
                  API_KEY: {file: ~/key}
                profiles:
                  prod:
                    env: {LOG_LEVEL: warning, DB_PASSWORD: none}
                    secrets: {WORKERS: {env: PROD_WORKERS}}
                  test:
                """);
        assertThat(p.env().env("default")).containsExactly(Map.entry("LOG_LEVEL", "info"), Map.entry("WORKERS", "4"),
                Map.entry("DEBUG", "false"));
        assertThat(p.env().env("prod")).containsOnly(Map.entry("LOG_LEVEL", "warning"), Map.entry("DEBUG", "false"),
                Map.entry("DB_PASSWORD", "none"));
        assertThat(p.env().secrets("default")).containsOnlyKeys("DB_PASSWORD", "API_KEY");
        assertThat(p.env().secrets("default").get("API_KEY").file()).isEqualTo(home().resolve("key"));
        assertThat(p.env().secrets("prod")).containsOnlyKeys("API_KEY", "WORKERS");
        assertThat(p.env().secrets("prod").get("WORKERS").env()).isEqualTo("PROD_WORKERS");
        assertThat(p.env().env("test")).isEqualTo(p.env().env("default"));
    }

    @Test
    void envValuesSupervisordCannotCarryAreRefusedWithLineAndField() {
        assertThat(problems(MINIMAL + """
                env:
                  A: "x ;y"
                  B: '"quoted"'
                  C: "both ' and \\""
                  D: "two\\nlines"
                  ESSAY_SLOT: x
                  1X: y
                  E: [1]
                """)).containsExactly(
                "<dir>/essay.yaml:20: env.A: holds a space before ; or #, which supervisord's config reads as the start"
                        + " of a comment; change the value, or pass it in a file (files:)",
                "<dir>/essay.yaml:21: env.B: starts or ends with a quote, which supervisord would strip; change the"
                        + " value, or pass it in a file (files:)",
                "<dir>/essay.yaml:22: env.C: holds both ' and \", which supervisord's environment= cannot quote (it has"
                        + " no escapes); change the value, or pass it in a file (files:)",
                "<dir>/essay.yaml:23: env.D: holds a line break or another control character, which supervisord's"
                        + " config cannot carry; change the value, or pass it in a file (files:)",
                "<dir>/essay.yaml:24: env: 'ESSAY_SLOT': names starting with ESSAY_ are essay's own (ESSAY_SLOT, ...);"
                        + " choose another name",
                "<dir>/essay.yaml:25: env: '1X' is not an environment variable name (letters, digits and _, not"
                        + " starting with a digit)",
                "<dir>/essay.yaml:26: env.E: must be a single value (write \"\" for an empty one), not a list");
    }

    @Test
    void secretsAreReferencesNeverInlineValuesAndTheValueIsNotEchoed() {
        List<String> problems = problems(MINIMAL + """
                env: {TOKEN: plain}
                secrets:
                  DB_PASSWORD: hunter2
                  TOKEN: {env: TOKEN}
                  BOTH: {env: X, file: key}
                  NONE: {}
                  TYPO: {enw: X}
                profiles:
                  Bad/1: {}
                  prod: {secrets: {K: s3cret}}
                """);
        assertThat(problems).noneMatch(p -> p.contains("hunter2") || p.contains("s3cret"));
        assertThat(problems).containsExactly(
                "<dir>/essay.yaml:21: secrets.DB_PASSWORD: an inline secret is not allowed (it would end up in version"
                        + " control and in logs); write {env: VARIABLE} (read from essay's environment) or {file: PATH}"
                        + " (a local file)",
                "<dir>/essay.yaml:22: secrets.TOKEN: is also in env; a name is either a plain value or a secret, remove one",
                "<dir>/essay.yaml:23: secrets.BOTH: give only one of secrets.BOTH.env and secrets.BOTH.file",
                "<dir>/essay.yaml:24: secrets.NONE: says nowhere to read it; write {env: VARIABLE} (read from essay's"
                        + " environment) or {file: PATH} (a local file)",
                "<dir>/essay.yaml:25: secrets.TYPO: unknown key 'enw'; did you mean 'env'?",
                "<dir>/essay.yaml:25: secrets.TYPO: says nowhere to read it; write {env: VARIABLE} (read from essay's"
                        + " environment) or {file: PATH} (a local file)",
                "<dir>/essay.yaml:27: profiles: " + dev.essay.core.model.Names.PROFILE.problem("Bad/1"),
                "<dir>/essay.yaml:28: profiles.prod.secrets.K: an inline secret is not allowed (it would end up in"
                        + " version control and in logs); write {env: VARIABLE} (read from essay's environment) or"
                        + " {file: PATH} (a local file)");
    }

    @Test
    void filesAreTemplatesThatExistWrittenInsideTheSlot() {
        Project p = parse(MINIMAL + "files: [{template: conf/app.ini, dest: etc//app.ini}]\n");
        assertThat(p.files()).containsExactly(new Project.ConfigFile(dir.resolve("conf/app.ini"), "etc/app.ini"));
        assertThat(problems(MINIMAL + """
                files:
                  - {template: conf/missing.ini, dest: etc/a.ini}
                  - {template: conf/app.ini, dest: /etc/app.ini}
                  - {template: conf/app.ini, dest: ../app.ini}
                  - {template: conf/app.ini, dest: etc/supervisord.conf}
                  - {template: conf/app.ini, dest: bin/python}
                  - {template: conf/app.ini}
                  - {template: conf/app.ini, dest: etc/b.ini}
                  - {template: conf/app.ini, dest: etc/b.ini}
                """)).containsExactly(
                "<dir>/essay.yaml:20: files[0].template: 'conf/missing.ini' does not exist (looked at"
                        + " <dir>/conf/missing.ini); create it or fix the path (relative paths are relative to the"
                        + " directory of essay.yaml)",
                "<dir>/essay.yaml:21: files[1].dest: '/etc/app.ini' must be relative to the slot directory (the file is"
                        + " written in every slot), e.g. etc/app.ini",
                "<dir>/essay.yaml:22: files[2].dest: '../app.ini' must name a file inside the slot directory, without"
                        + " '.' or '..'",
                "<dir>/essay.yaml:23: files[3].dest: 'etc/supervisord.conf' is essay's or the virtualenv's (bin/, lib/,"
                        + " run/, etc/supervisord.conf, .essay-*); write it elsewhere, e.g. etc/app.ini",
                "<dir>/essay.yaml:24: files[4].dest: 'bin/python' is essay's or the virtualenv's (bin/, lib/, run/,"
                        + " etc/supervisord.conf, .essay-*); write it elsewhere, e.g. etc/app.ini",
                "<dir>/essay.yaml:25: files[5].dest: required; where the file goes, relative to the slot directory,"
                        + " e.g. etc/app.ini",
                "<dir>/essay.yaml:27: files[7].dest: 'etc/b.ini' is also the dest of files[6]; each file needs its own");
    }

    @Test
    void pipOptionsAndAProxyWithCredentialsOnlyByReference() {
        Project p = parse(MINIMAL + """
                pip:
                  extra_index_urls: [https://pypi.org/simple/]
                  trusted_hosts: [pypi.internal, "10.0.0.9:8080"]
                  proxy: http://proxy.internal:3128
                """);
        assertThat(p.pip()).isEqualTo(new Project.Pip(List.of("https://pypi.org/simple/"),
                List.of("pypi.internal", "10.0.0.9:8080"), "http://proxy.internal:3128", null, null));
        List<String> problems = problems(MINIMAL + """
                pip:
                  extra_index_urls: [ftp://x/simple/, "https://u:p4ss@x/simple/", "http://x/\\tsimple/"]
                  trusted_hosts: ["bad host"]
                  proxy: http://user:pr0xy@proxy.internal:3128
                  proxy_env: PROXY
                """);
        assertThat(problems).noneMatch(s -> s.contains("p4ss") || s.contains("pr0xy"));
        assertThat(problems).containsExactly(
                "<dir>/essay.yaml:20: pip.extra_index_urls[0]: 'ftp://x/simple/' must start with http:// or https://",
                "<dir>/essay.yaml:20: pip.extra_index_urls[1]: must not contain a user name or password; an index that"
                        + " needs a login is not supported here",
                "<dir>/essay.yaml:20: pip.extra_index_urls[2]: must not contain control characters (tabs, line breaks)",
                "<dir>/essay.yaml:21: pip.trusted_hosts[0]: 'bad host' is not a host name (with an optional :port),"
                        + " e.g. pypi.internal",
                "<dir>/essay.yaml:22: pip.proxy: must not contain a user name or password; a proxy with credentials is"
                        + " a secret: name it with pip.proxy_env or pip.proxy_file",
                "<dir>/essay.yaml:23: pip: give only one of pip.proxy, pip.proxy_env and pip.proxy_file");
    }
}
