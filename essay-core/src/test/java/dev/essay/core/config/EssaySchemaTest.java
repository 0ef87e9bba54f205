package dev.essay.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.essay.core.error.ConfigException;
import dev.essay.core.model.Names;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

/**
 * docs/essay.schema.json (the JSON Schema editors use for essay.yaml) and {@link ProjectLoader} agree: the same keys
 * in every section, the same name rules and defaults, the repository's sample files pass both, and files the loader
 * refuses for their shape the schema refuses too.
 *
 * <p>No JSON Schema validator is in the offline build, so {@link #validate} checks the subset of draft 2020-12 the
 * schema uses; {@link #theSchemaUsesOnlyTheKeywordsThisTestValidates} keeps the schema inside that subset.
 */
class EssaySchemaTest {
    private static final Path DOCS = Path.of("..", "docs");
    private static final Set<String> VALIDATED = Set.of("type", "properties", "additionalProperties", "required",
            "propertyNames", "pattern", "minimum", "maximum", "minItems", "minProperties", "minLength", "items", "$ref");
    private static final Set<String> ANNOTATIONS = Set.of("$schema", "$defs", "title", "description", "default");

    private static Map<String, Object> schema;

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() throws IOException {
        if (schema == null) {
            schema = json(Files.readString(DOCS.resolve("essay.schema.json")));
        }
        Files.createDirectories(dir.resolve("conf"));
        Files.writeString(dir.resolve("conf/supervisord.conf"), "[program:{{ project }}]\n");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(String text) throws IOException {
        return new ObjectMapper().readValue(text, Map.class);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    /** The schema of a section, following {@code $ref}. */
    private static Map<String, Object> at(String... path) {
        Map<String, Object> s = schema;
        for (String key : path) {
            s = resolve(map(map(s.get("properties")).get(key)));
        }
        return s;
    }

    private static Map<String, Object> resolve(Map<String, Object> s) {
        Object ref = s.get("$ref");
        return ref == null ? s : map(map(schema.get("$defs")).get(ref.toString().substring("#/$defs/".length())));
    }

    // ---------------------------------------------------------------- the schema says what the loader says

    @Test
    void everySectionHasExactlyTheLoadersKeys() {
        Map<List<String>, List<String>> sections = Map.of(
                List.of(), ProjectLoader.TOP_KEYS,
                List.of("index"), ProjectLoader.INDEX_KEYS,
                List.of("ssh"), ProjectLoader.SSH_KEYS,
                List.of("venv"), ProjectLoader.VENV_KEYS,
                List.of("supervisor"), ProjectLoader.SUPERVISOR_KEYS,
                List.of("router"), ProjectLoader.ROUTER_KEYS,
                List.of("health"), ProjectLoader.HEALTH_KEYS,
                List.of("hooks"), ProjectLoader.HOOKS_KEYS,
                List.of("build"), ProjectLoader.BUILD_KEYS,
                List.of("pip"), ProjectLoader.PIP_KEYS);
        sections.forEach((path, keys) -> {
            Map<String, Object> section = at(path.toArray(String[]::new));
            assertThat(map(section.get("properties")).keySet()).as("keys of " + path).containsExactlyElementsOf(keys);
            assertThat(section.get("additionalProperties")).as("unknown keys refused in " + path).isEqualTo(false);
        });
        Map<String, Object> slot = map(at("slots").get("additionalProperties"));
        assertThat(map(slot.get("properties")).keySet()).containsExactlyElementsOf(ProjectLoader.SLOT_KEYS);
        assertThat(slot.get("additionalProperties")).isEqualTo(false);
        Map<String, Object> secret = resolve(map(resolve(at("secrets")).get("additionalProperties")));
        assertThat(map(secret.get("properties")).keySet()).containsExactlyElementsOf(ProjectLoader.SECRET_KEYS);
        Map<String, Object> profile = map(at("profiles").get("additionalProperties"));
        assertThat(map(profile.get("properties")).keySet()).containsExactlyElementsOf(ProjectLoader.PROFILE_KEYS);
        Map<String, Object> file = map(at("files").get("items"));
        assertThat(map(file.get("properties")).keySet()).containsExactlyElementsOf(ProjectLoader.FILE_KEYS);
    }

    @Test
    void envSecretsProfilesFilesAndPipValidateUnderBoth() throws IOException {
        Files.writeString(dir.resolve("conf/app.ini"), "[app]\n");
        String yaml = ProjectLoaderTest.MINIMAL + """
                env: {LOG_LEVEL: info, WORKERS: 4}
                secrets:
                  DB_PASSWORD: {env: DB_PASSWORD}
                  API_KEY: {file: ~/.config/app/key}
                profiles:
                  prod:
                    env: {LOG_LEVEL: warning}
                files:
                  - {template: conf/app.ini, dest: etc/app.ini}
                pip:
                  extra_index_urls: [https://pypi.org/simple/]
                  trusted_hosts: [pypi.internal]
                  proxy_env: HTTPS_PROXY_URL
                """;
        assertThat(validate(yaml)).isEmpty();
        ProjectLoader.parse(yaml, dir.resolve("essay.yaml"));
        assertThat(validate(ProjectLoaderTest.MINIMAL + "env: {ESSAY_SLOT: x}\n")).isNotEmpty();
        assertThat(validate(ProjectLoaderTest.MINIMAL + "secrets: {X: {}}\n")).isNotEmpty();
        assertThat(validate(ProjectLoaderTest.MINIMAL + "files: [{template: conf/app.ini, dest: /etc/app.ini}]\n"))
                .isNotEmpty();
    }

    @Test
    void theNameRulesAreNamesRules() {
        assertThat(resolve(map(at("roles").get("propertyNames"))).get("pattern")).isEqualTo(anchored(Names.ROLE));
        assertThat(at("default_role").get("pattern")).isEqualTo(anchored(Names.ROLE));
        assertThat(at("router", "role").get("pattern")).isEqualTo(anchored(Names.ROLE));
        assertThat(resolve(map(at("slots").get("propertyNames"))).get("pattern")).isEqualTo(anchored(Names.SLOT));
        assertThat(at("profile").get("pattern")).isEqualTo(anchored(Names.PROFILE));
    }

    private static String anchored(Names rule) {
        return "^" + rule.regex() + "$";
    }

    @Test
    void theDefaultsAreTheLoaders() {
        assertThat(map(schema.get("properties")).get("process_count")).extracting(p -> map(p).get("default"))
                .isEqualTo(ProjectLoader.DEFAULT_PROCESS_COUNT);
        assertThat(map(map(schema.get("properties")).get("parallelism")).get("default"))
                .isEqualTo(ProjectLoader.DEFAULT_PARALLELISM);
        assertThat(map(map(schema.get("properties")).get("profile")).get("default"))
                .isEqualTo(ProjectLoader.DEFAULT_PROFILE);
        Map<String, Object> health = map(map(schema.get("properties")).get("health"));
        Map<String, Object> h = map(health.get("properties"));
        var d = ProjectLoader.DEFAULT_HEALTH;
        assertThat(map(h.get("path")).get("default")).isEqualTo(d.path());
        assertThat(map(h.get("status")).get("default")).isEqualTo(d.status());
        assertThat(map(h.get("timeout")).get("default")).isEqualTo(d.timeout().toSeconds() + "s");
        assertThat(map(h.get("retries")).get("default")).isEqualTo(d.retries());
        assertThat(map(h.get("interval")).get("default")).isEqualTo(d.interval().toSeconds() + "s");
        assertThat(map(h.get("slot_header")).get("default")).isEqualTo(d.slotHeader());
        assertThat(map(h.get("version_header")).get("default")).isEqualTo(d.versionHeader());
        assertThat(map(h.get("quorum")).get("default")).isEqualTo(d.quorum());
        assertThat(map(map(map(map(schema.get("properties")).get("ssh")).get("properties")).get("connect_timeout"))
                .get("default")).isEqualTo(ProjectLoader.DEFAULT_CONNECT_TIMEOUT.toSeconds() + "s");
    }

    @Test
    void requiredTopLevelKeysAreTheOnesTheLoaderRequires() {
        String minimal = ProjectLoaderTest.MINIMAL;
        for (Object key : (List<?>) schema.get("required")) {
            String without = removeSection(minimal, key.toString());
            assertThat(without).as("MINIMAL has " + key).isNotEqualTo(minimal);
            assertThat(loaderProblems(without)).as("loader without " + key).isNotEmpty();
            assertThat(validate(without)).as("schema without " + key).isNotEmpty();
        }
    }

    /** Removes a top-level key and its indented lines. */
    private static String removeSection(String yaml, String key) {
        StringBuilder out = new StringBuilder();
        boolean skipping = false;
        for (String line : yaml.lines().toList()) {
            if (line.startsWith(key + ":")) {
                skipping = true;
                continue;
            }
            if (skipping && line.startsWith(" ")) {
                continue;
            }
            skipping = false;
            out.append(line).append('\n');
        }
        return out.toString();
    }

    // ---------------------------------------------------------------- samples and counter-examples

    @Test
    void theReferencesCompleteExampleValidates() throws IOException {
        String doc = Files.readString(DOCS.resolve("essay-yaml.md"));
        int from = doc.indexOf("```yaml\n", doc.indexOf("## A complete example"));
        String example = doc.substring(from + 8, doc.indexOf("```", from + 8));
        assertThat(example).isEqualTo(ProjectLoaderTest.FULL);
        assertThat(validate(example)).isEmpty();
    }

    @Test
    void theMigrationGuidesEssayYamlValidates() throws IOException {
        String doc = Files.readString(DOCS.resolve("migrating.md"));
        int from = doc.indexOf("```yaml\nproject:");
        assertThat(from).isPositive();
        String example = doc.substring(from + 8, doc.indexOf("```", from + 8));
        assertThat(validate(example)).isEmpty();
        assertThat(loaderProblems(example)).isEmpty();
    }

    @Test
    void theScaffoldsEssayYamlValidates(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws IOException {
        for (dev.essay.core.pkg.Scaffold.Template template : dev.essay.core.pkg.Scaffold.Template.values()) {
            java.nio.file.Path dir = tmp.resolve(template.name());
            new dev.essay.core.pkg.Scaffold(null).create(dir, "my-service", null, template, null);
            String text = java.nio.file.Files.readString(dir.resolve("essay.yaml"));
            assertThat(validate(text)).as(template.name()).isEmpty();
            assertThat(loaderProblems(text)).as(template.name()).isEmpty();
        }
    }

    @Test
    void theMinimalFileValidates() {
        assertThat(validate(ProjectLoaderTest.MINIMAL)).isEmpty();
        assertThat(loaderProblems(ProjectLoaderTest.MINIMAL)).isEmpty();
    }

    /** Each is a wrong shape or name: the loader and the schema both refuse it. */
    @ParameterizedTest
    @ValueSource(strings = {
            "helth:\n  path: /health\n",
            "index:\n  url: http://pypi.internal:8700/simple/\n  password: secret\n",
            "profile: \"a b\"\n",
            "profile: .hidden\n",
            "process_count: 11\n",
            "parallelism: 0\n",
            "health:\n  timeout: 2 seconds\n",
            "health:\n  quorum: 101\n",
            "health:\n  slot_header: \"X Slot\"\n",
            "hooks:\n  pre_deploy: migrate\n",
            "router:\n  hosts: []\n  config: /etc/nginx/nginx.conf\n  upstream_file: /etc/u.conf\n  url: http://127.0.0.1/\n",
            "router:\n  hosts: [deploy@10.0.0.5]\n  config: etc/nginx.conf\n  upstream_file: /etc/u.conf\n  url: http://127.0.0.1/\n",
            "router:\n  hosts: [deploy@10.0.0.5]\n  config: /etc/nginx.conf\n  upstream_file: /etc/u.conf\n  url: ftp://x/\n",
            "router:\n  hosts: [deploy@10.0.0.5]\n  config: /etc/nginx.conf\n  upstream_file: /etc/u.conf\n  url: http://127.0.0.1/\n  sudo: maybe\n",
            "ssh:\n  passphrase_env: 1PASS\n",
            "build:\n  branch: -x\n",
    })
    void aWrongFieldIsRefusedByBoth(String replacement) {
        String yaml = replaceOrAppend(ProjectLoaderTest.MINIMAL, replacement);
        assertThat(loaderProblems(yaml)).as("loader").isNotEmpty();
        assertThat(validate(yaml)).as("schema").isNotEmpty();
    }

    /** A role or slot name the loader refuses, the schema refuses (the names of {@link Names}). */
    @ParameterizedTest
    @CsvSource(delimiter = '|', ignoreLeadingAndTrailingWhitespace = false, value = {
            "  web:|  web.eu:", "  web:|  -web:", "  web:|  \"web site\":",
            "  b: {|  Blue: {", "  b: {|  a-1: {", "  b: {|  abcdefghijklmnopq: {"})
    void aNameTheLoaderRefusesTheSchemaRefuses(String from, String to) {
        String yaml = ProjectLoaderTest.minimal(from, to);
        assertThat(loaderProblems(yaml)).as("loader").isNotEmpty();
        assertThat(validate(yaml)).as("schema").isNotEmpty();
    }

    /** Replaces the top-level section the replacement starts with, or appends it. */
    private static String replaceOrAppend(String yaml, String replacement) {
        String key = replacement.substring(0, replacement.indexOf(':'));
        return removeSection(yaml, key) + replacement;
    }

    private List<String> loaderProblems(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ProjectLoader.parse(yaml, dir.resolve("essay.yaml"), dir));
        return e == null ? List.of() : e.problems().stream().map(Object::toString).toList();
    }

    // ---------------------------------------------------------------- the validator

    @Test
    void theSchemaUsesOnlyTheKeywordsThisTestValidates() {
        List<String> unknown = new ArrayList<>();
        keywords(schema, "", unknown);
        assertThat(unknown).isEmpty();
        assertThat(schema.get("$schema")).isEqualTo("https://json-schema.org/draft/2020-12/schema");
    }

    private static void keywords(Map<String, Object> s, String where, List<String> unknown) {
        for (Map.Entry<String, Object> e : s.entrySet()) {
            String k = e.getKey();
            if (!VALIDATED.contains(k) && !ANNOTATIONS.contains(k)) {
                unknown.add(where + "/" + k);
            }
            if (k.equals("properties") || k.equals("$defs")) {
                map(e.getValue()).forEach((name, sub) -> keywords(map(sub), where + "/" + k + "/" + name, unknown));
            } else if ((k.equals("additionalProperties") || k.equals("items") || k.equals("propertyNames"))
                    && e.getValue() instanceof Map<?, ?>) {
                keywords(map(e.getValue()), where + "/" + k, unknown);
            }
        }
    }

    /** A sanity check of the validator itself: it is able to fail. */
    @Test
    void theValidatorRefusesWhatItShould() {
        assertThat(validate("project: essay-sample\n")).anyMatch(p -> p.contains("required 'index'"));
        assertThat(validate(ProjectLoaderTest.MINIMAL + "process_count: two\n"))
                .containsExactly("/process_count: 'two' is not of type [integer]");
    }

    /** The problems of a YAML document against the schema, each as {@code /json/pointer: message}. */
    static List<String> validate(String yaml) {
        Object document = new Yaml().load(yaml);
        List<String> problems = new ArrayList<>();
        check(schema, document, "", problems);
        return problems;
    }

    private static void check(Map<String, Object> rawSchema, Object value, String at, List<String> problems) {
        Map<String, Object> s = rawSchema;
        if (s.containsKey("$ref")) {
            check(resolve(s), value, at, problems);
        }
        Object type = s.get("type");
        if (type != null) {
            List<?> types = type instanceof List<?> l ? l : List.of(type);
            if (types.stream().noneMatch(t -> is(t.toString(), value))) {
                problems.add(at + ": '" + value + "' is not of type " + types);
                return;
            }
        }
        if (value instanceof String text) {
            if (s.containsKey("pattern") && !Pattern.compile(s.get("pattern").toString()).matcher(text).find()) {
                problems.add(at + ": '" + text + "' does not match " + s.get("pattern"));
            }
            if (s.containsKey("minLength") && text.codePointCount(0, text.length()) < ((Number) s.get("minLength")).intValue()) {
                problems.add(at + ": '" + text + "' is too short");
            }
        }
        if (value instanceof Number n && !(value instanceof Double)) {
            BigInteger v = new BigInteger(n.toString());
            if (s.containsKey("minimum") && v.compareTo(new BigInteger(s.get("minimum").toString())) < 0) {
                problems.add(at + ": " + v + " is less than " + s.get("minimum"));
            }
            if (s.containsKey("maximum") && v.compareTo(new BigInteger(s.get("maximum").toString())) > 0) {
                problems.add(at + ": " + v + " is more than " + s.get("maximum"));
            }
        }
        if (value instanceof List<?> list) {
            if (s.containsKey("minItems") && list.size() < ((Number) s.get("minItems")).intValue()) {
                problems.add(at + ": needs at least " + s.get("minItems") + " items");
            }
            if (s.containsKey("items")) {
                for (int i = 0; i < list.size(); i++) {
                    check(map(s.get("items")), list.get(i), at + "/" + i, problems);
                }
            }
        }
        if (value instanceof Map<?, ?> object) {
            if (s.containsKey("minProperties") && object.size() < ((Number) s.get("minProperties")).intValue()) {
                problems.add(at + ": needs at least " + s.get("minProperties") + " keys");
            }
            for (Object required : (List<?>) s.getOrDefault("required", List.of())) {
                if (!object.containsKey(required)) {
                    problems.add(at + ": required '" + required + "' is missing");
                }
            }
            Map<String, Object> properties = s.containsKey("properties") ? map(s.get("properties")) : Map.of();
            for (Map.Entry<?, ?> e : object.entrySet()) {
                String key = String.valueOf(e.getKey());
                if (s.containsKey("propertyNames")) {
                    check(map(s.get("propertyNames")), key, at + "/" + key + " (name)", problems);
                }
                if (properties.containsKey(key)) {
                    check(map(properties.get(key)), e.getValue(), at + "/" + key, problems);
                } else if (Boolean.FALSE.equals(s.get("additionalProperties"))) {
                    problems.add(at + ": key '" + key + "' is not allowed");
                } else if (s.get("additionalProperties") instanceof Map<?, ?> additional) {
                    check(map(additional), e.getValue(), at + "/" + key, problems);
                }
            }
        }
    }

    /** JSON types as YAML's values map to them; a null value ({@code key:}) is of type null only. */
    private static boolean is(String type, Object value) {
        return switch (type) {
            case "object" -> value instanceof Map<?, ?>;
            case "array" -> value instanceof List<?>;
            case "string" -> value instanceof String;
            case "integer" -> value instanceof Integer || value instanceof Long || value instanceof BigInteger;
            case "number" -> value instanceof Number;
            case "boolean" -> value instanceof Boolean;
            case "null" -> value == null;
            default -> throw new AssertionError("unknown type " + type);
        };
    }
}
