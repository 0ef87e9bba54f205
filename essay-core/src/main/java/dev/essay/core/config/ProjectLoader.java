package dev.essay.core.config;

import dev.essay.core.error.ConfigException;
import dev.essay.core.error.ConfigException.Problem;
import dev.essay.core.model.HostAddress;
import dev.essay.core.model.Names;
import dev.essay.core.model.Pep508;
import dev.essay.core.model.Project;
import dev.essay.core.model.SupervisorEnvironment;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads and validates {@code essay.yaml} (docs/essay-yaml.md is the contract) into a {@link Project}.
 *
 * <p>The file is composed into SnakeYAML nodes (never constructed into objects), so no type named in
 * the file is ever instantiated and every problem carries the line of the node it is about. All problems
 * are collected and thrown together as one {@link ConfigException}. Nothing is read from the environment
 * (secrets are referenced by name and read only when needed).
 *
 * <p>Why a walk over nodes and not SnakeYAML's binding into the model: binding ({@code Yaml.loadAs}) stops at the
 * first problem, loses the line of every value and cannot construct records (it needs JavaBeans setters). The walk keeps what binding would give for free small: {@link YamlMap}
 * checks the keys of a mapping (unknown with a did-you-mean, duplicate, fabfile names), {@link #optional} is the
 * absent/default/invalid plumbing every single value shares, and each field is one call that reads and validates
 * it with its own message. docs/essay.schema.json describes the same shape for editors ({@code EssaySchemaTest}).
 */
public final class ProjectLoader {
    static final List<String> TOP_KEYS = List.of("project", "index", "roles", "default_role", "ssh", "slots",
            "process_count", "venv", "profile", "supervisor", "router", "health", "parallelism", "hooks", "build", "env",
            "secrets", "profiles", "files", "pip");
    static final List<String> INDEX_KEYS = List.of("url", "username", "password_env", "password_file", "trusted_host",
            "upload_url");
    static final List<String> SSH_KEYS = List.of("identity", "passphrase_env", "passphrase_file", "known_hosts",
            "accept_new_host_keys", "connect_timeout");
    static final List<String> SLOT_KEYS = List.of("port_prefix");
    static final List<String> VENV_KEYS = List.of("prefix", "python", "system_site_packages");
    static final List<String> SUPERVISOR_KEYS = List.of("template", "supervisord", "supervisorctl");
    static final List<String> ROUTER_KEYS = List.of("hosts", "role", "nginx", "config", "upstream_file",
            "upstream_name", "sudo", "url", "state_dir", "probe");
    static final List<String> HEALTH_KEYS = List.of("path", "status", "timeout", "retries", "interval",
            "slot_header", "version_header", "quorum");
    static final List<String> HOOKS_KEYS = List.of("pre_deploy", "post_deploy");
    static final List<String> BUILD_KEYS = List.of("branch", "stamp_files", "settings_base_file", "python");
    static final List<String> SECRET_KEYS = List.of("env", "file");
    static final List<String> PROFILE_KEYS = List.of("env", "secrets");
    static final List<String> FILE_KEYS = List.of("template", "dest");
    static final List<String> PIP_KEYS = List.of("extra_index_urls", "trusted_hosts", "proxy", "proxy_env", "proxy_file");

    /** Defaults (docs/essay-yaml.md). */
    static final int DEFAULT_PROCESS_COUNT = 1;
    static final String DEFAULT_PYTHON = "python3";
    static final String DEFAULT_PROFILE = "default";
    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final int DEFAULT_PARALLELISM = 30;
    static final Project.Health DEFAULT_HEALTH = new Project.Health("/health", 200, Duration.ofSeconds(2), 30,
            Duration.ofSeconds(1), "X-Essay-Slot", "X-Essay-Version", 100);

    /** Fabfile settings written as top-level keys: what replaced each (docs/migrating.md). */
    private static final Map<String, String> FABFILE_KEYS = fabfileKeys();

    private static final String INLINE_SECRET = "an inline %s is not allowed (it would end up in version control"
            + " and in logs); put it in an environment variable named by %s.%s_env, or in a file named by %s.%s_file";

    private static final Pattern PORT_PREFIX = Pattern.compile("[1-9][0-9]{1,3}");
    private static final Pattern BRANCH = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._/-]{0,199}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern TRUSTED_HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?");
    /** Paths in a slot directory that are essay's or the virtualenv's: {@code files} may not write there. */
    private static final Pattern RESERVED_DEST = Pattern.compile("(bin|lib|lib64|include|run|share)(/.*)?"
            + "|etc/supervisord\\.conf|pyvenv\\.cfg|\\.essay.*");
    private static final Pattern PROBE = Pattern.compile("(127\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}|\\[::1\\]):([0-9]{1,5})");
    private static final Pattern UPSTREAM_NAME = Pattern.compile("[A-Za-z0-9_]+");
    private static final Pattern HEADER = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m)");
    private static final Pattern WHOLE_NUMBER = Pattern.compile("[+-]?[0-9]+");
    private static final Pattern URL_WITH_USERINFO = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*@.*", Pattern.DOTALL);
    private static final Set<Tag> PLAIN_TAGS = Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL, Tag.TIMESTAMP,
            Tag.SEQ, Tag.MAP);

    private final Problems problems;
    private final Path baseDir;
    private final Path home;
    /** Role names as written (also those whose hosts are invalid), for checking references to roles. */
    private final Set<String> roleNames = new LinkedHashSet<>();

    private ProjectLoader(String fileName, Path baseDir, Path home) {
        this.problems = new Problems(fileName);
        this.baseDir = baseDir;
        this.home = home;
    }

    /**
     * Reads and validates an essay.yaml.
     *
     * @throws ConfigException naming the file when it is missing or unreadable, or listing every problem in it
     */
    public static Project load(Path essayYaml) {
        Objects.requireNonNull(essayYaml, "essayYaml");
        String name = essayYaml.toString();
        if (Files.isDirectory(essayYaml)) {
            throw single(name, "is a directory, not a file; pass --config with the path of essay.yaml");
        }
        if (!Files.exists(essayYaml)) {
            throw single(name, "no such file; create it (see docs/essay-yaml.md) or pass --config PATH");
        }
        String text;
        try {
            text = Files.readString(essayYaml, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw single(name, "is not UTF-8 text; save it as UTF-8");
        } catch (AccessDeniedException e) {
            throw single(name, "cannot be read: permission denied; make it readable or pass --config PATH");
        } catch (IOException e) {
            throw single(name, "cannot be read: " + e.getMessage() + "; make it readable or pass --config PATH");
        }
        return parse(text, essayYaml);
    }

    /**
     * Validates essay.yaml content.
     *
     * @param yamlText the content
     * @param file     where it came from: named in problems, and relative local paths are resolved against
     *                 its directory (null: named {@code essay.yaml}, paths relative to the working directory)
     * @throws ConfigException listing every problem found
     */
    public static Project parse(String yamlText, Path file) {
        return parse(yamlText, file, Path.of(System.getProperty("user.home")));
    }

    /** As {@link #parse(String, Path)} with the local home directory {@code ~} stands for (tests). */
    static Project parse(String yamlText, Path file, Path home) {
        Objects.requireNonNull(yamlText, "yamlText");
        Path base = (file == null ? Path.of("essay.yaml") : file).toAbsolutePath().normalize().getParent();
        ProjectLoader loader = new ProjectLoader(file == null ? "essay.yaml" : file.toString(), base,
                home.toAbsolutePath().normalize());
        return loader.read(yamlText, file);
    }

    private static ConfigException single(String file, String message) {
        return new ConfigException(List.of(new Problem(file, 0, "", message)));
    }

    // ---------------------------------------------------------------- document

    private Project read(String text, Path file) {
        Node root = compose(text.startsWith("\uFEFF") ? text.substring(1) : text);
        problems.throwIfAny();
        if (YamlMap.isNull(root)) {
            problems.add(0, "", "is empty; start from the example in docs/essay-yaml.md");
            problems.throwIfAny();
        }
        checkTags(root, "", Collections.newSetFromMap(new IdentityHashMap<>()));
        YamlMap top = YamlMap.of(problems, root, "", 0, TOP_KEYS, FABFILE_KEYS);
        if (top == null) {
            problems.throwIfAny();
        }

        String name = project(top);
        Project.Index index = index(top);
        Map<String, List<HostAddress>> roles = roles(top);
        String defaultRole = defaultRole(top);
        Project.Ssh ssh = ssh(top);
        Integer processCount = integer(top, "process_count", DEFAULT_PROCESS_COUNT, 1, 10,
                "must be 1 to 10 (process i listens on port_prefix followed by the digit i)");
        Map<String, Project.Slot> slots = slots(top, processCount);
        Project.Venv venv = venv(top);
        String profile = profile(top);
        Project.Supervisor supervisor = supervisor(top);
        Project.Router router = router(top, name, defaultRole);
        Project.Health health = health(top);
        if (health != null && health.slotHeader().isEmpty() && router != null && router.probe() == null) {
            YamlMap h = section(top, "health", HEALTH_KEYS, Map.of());
            problems.at(h.get("slot_header"), h.field("slot_header"), "is empty, so the service's answers do not say"
                    + " which slot sent them; set router.probe (e.g. probe: 127.0.0.1:8399): essay's include then adds a"
                    + " probe server that names the upstream address nginx used, and switches are proven by it");
        }
        Integer parallelism = integer(top, "parallelism", DEFAULT_PARALLELISM, 1, Integer.MAX_VALUE, "must be at least 1");
        Project.Hooks hooks = hooks(top);
        Project.Build build = build(top);
        Project.Environment env = environment(top);
        List<Project.ConfigFile> files = files(top);
        Project.Pip pip = pip(top);

        problems.throwIfAny();
        return new Project(file, name, index, roles, defaultRole, ssh, slots, processCount, venv, profile,
                supervisor, router, health, parallelism, hooks, build, env, files, pip);
    }

    private Node compose(String text) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(true); // reported by YamlMap, with both lines
        options.setAllowRecursiveKeys(false);
        options.setMaxAliasesForCollections(20);
        options.setNestingDepthLimit(40);
        options.setCodePointLimit(1024 * 1024);
        options.setMergeOnCompose(true);
        options.setProcessComments(false);
        try {
            return new Composer(new ParserImpl(new StreamReader(text), options), new Resolver(), options).getSingleNode();
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            StringBuilder message = new StringBuilder("YAML syntax error: ").append(e.getProblem());
            if (e.getContext() != null && e.getContextMark() != null && e.getContextMark() != mark) {
                message.append(" (").append(e.getContext()).append(" on line ")
                        .append(e.getContextMark().getLine() + 1).append(')');
            }
            message.append("; check the indentation (spaces, not tabs) and the quoting");
            problems.add(mark == null ? 0 : mark.getLine() + 1, "", message.toString());
        } catch (YAMLException e) {
            problems.add(0, "", "cannot be read as YAML: " + e.getMessage());
        }
        return null;
    }

    /** Only plain YAML values: no application-specific or binary tags, even in keys essay ignores. */
    private void checkTags(Node node, String path, Set<Node> seen) {
        if (node == null || !seen.add(node)) {
            return;
        }
        if (!PLAIN_TAGS.contains(node.getTag())) {
            problems.at(node, path, "tag '" + node.getTag().getValue() + "' is not allowed; essay.yaml holds only"
                    + " strings, numbers, booleans, lists and mappings");
            return;
        }
        if (node instanceof MappingNode mapping) {
            for (NodeTuple tuple : mapping.getValue()) {
                String key = tuple.getKeyNode() instanceof ScalarNode s ? s.getValue() : "?";
                checkTags(tuple.getKeyNode(), path, seen);
                checkTags(tuple.getValueNode(), path.isEmpty() ? key : path + "." + key, seen);
            }
        } else if (node instanceof SequenceNode sequence) {
            List<Node> items = sequence.getValue();
            for (int i = 0; i < items.size(); i++) {
                checkTags(items.get(i), path + "[" + i + "]", seen);
            }
        }
    }

    // ---------------------------------------------------------------- sections

    private String project(YamlMap top) {
        String name = string(top, "project");
        if (name == null) {
            if (!top.has("project")) {
                top.required("project", "set it to the PEP 508 name of the distribution, e.g. project: essay-sample");
            }
            return null;
        }
        if (!Pep508.isValid(name)) {
            problems.at(top.get("project"), "project", "'" + name + "' is not a PEP 508 project name (letters, digits,"
                    + " '-', '_' and '.', starting and ending with a letter or digit)");
            return null;
        }
        return name;
    }

    private Project.Index index(YamlMap top) {
        YamlMap m = section(top, "index", INDEX_KEYS, Map.of("password",
                String.format(INLINE_SECRET, "password", "index", "password", "index", "password")));
        if (m == null) {
            if (!top.has("index")) {
                top.required("index", "add index.url, the PEP 503 simple index pip installs from");
            }
            return null;
        }
        String url = url(m, "url", "the PEP 503 simple index URL, e.g. http://pypi.internal:8700/simple/");
        String username = string(m, "username");
        if (username != null && (username.isEmpty() || hasWhitespace(username))) {
            problems.at(m.get("username"), m.field("username"), "must be a user name without whitespace");
        }
        String passwordEnv = envName(m, "password_env");
        Path passwordFile = localPath(m, "password_file");
        onlyOne(m, "password_env", "password_file");
        if ((m.has("password_env") || m.has("password_file")) && !m.has("username")) {
            String key = m.has("password_env") ? "password_env" : "password_file";
            problems.add(m.lineOf(key), m.field("username"), "required with a password; add the index user name");
        }
        Boolean trusted = bool(m, "trusted_host", false);
        String uploadUrl = m.has("upload_url") ? url(m, "upload_url", "") : null;
        return new Project.Index(url, username, passwordEnv, passwordFile, Boolean.TRUE.equals(trusted), uploadUrl);
    }

    private Map<String, List<HostAddress>> roles(YamlMap top) {
        Map<String, List<HostAddress>> roles = new LinkedHashMap<>();
        YamlMap m = section(top, "roles", null, Map.of());
        if (m == null) {
            if (!top.has("roles")) {
                top.required("roles", "map each role to its hosts, e.g. web: [deploy@10.0.0.11]");
            }
            return roles;
        }
        for (Map.Entry<String, NodeTuple> e : m.entries()) {
            String role = e.getKey();
            if (!Names.ROLE.matches(role)) {
                problems.at(e.getValue().getKeyNode(), "roles", Names.ROLE.problem(role));
                continue;
            }
            roleNames.add(role);
            List<HostAddress> hosts = hosts(m, role, "has no hosts; list at least one, e.g. " + role
                    + ": [deploy@10.0.0.11]");
            if (hosts != null) {
                roles.put(role, hosts);
            }
        }
        if (m.entries().isEmpty()) {
            problems.add(m.line(), "roles", "needs at least one role, e.g. web: [deploy@10.0.0.11]");
        }
        return roles;
    }

    private String defaultRole(YamlMap top) {
        String role = string(top, "default_role");
        if (role != null) {
            if (!roleNames.isEmpty() && !roleNames.contains(role)) {
                problems.at(top.get("default_role"), "default_role", notARole(role));
                return null;
            }
            return role;
        }
        if (top.has("default_role")) {
            return null; // wrong type, reported
        }
        if (roleNames.size() == 1) {
            return roleNames.iterator().next();
        }
        if (roleNames.size() > 1) {
            problems.add(top.lineOf("roles"), "default_role", "required when there is more than one role; set it to"
                    + " one of: " + String.join(", ", roleNames));
        }
        return null;
    }

    private Project.Ssh ssh(YamlMap top) {
        YamlMap m = section(top, "ssh", SSH_KEYS, Map.of("passphrase",
                String.format(INLINE_SECRET, "passphrase", "ssh", "passphrase", "ssh", "passphrase")));
        if (m == null) {
            if (top.has("ssh")) {
                return null; // not a mapping, reported
            }
            return new Project.Ssh(defaultIdentity(), null, null, home.resolve(".ssh/known_hosts"), false,
                    DEFAULT_CONNECT_TIMEOUT);
        }
        Path identity = m.has("identity") ? localPath(m, "identity") : defaultIdentity();
        String passphraseEnv = envName(m, "passphrase_env");
        Path passphraseFile = localPath(m, "passphrase_file");
        onlyOne(m, "passphrase_env", "passphrase_file");
        Path knownHosts = m.has("known_hosts") ? localPath(m, "known_hosts") : home.resolve(".ssh/known_hosts");
        Boolean acceptNew = bool(m, "accept_new_host_keys", false);
        Duration timeout = duration(m, "connect_timeout", DEFAULT_CONNECT_TIMEOUT);
        if (identity == null || knownHosts == null || acceptNew == null || timeout == null) {
            return null;
        }
        return new Project.Ssh(identity, passphraseEnv, passphraseFile, knownHosts, acceptNew, timeout);
    }

    private Path defaultIdentity() {
        Path ed25519 = home.resolve(".ssh/id_ed25519");
        return Files.exists(ed25519) ? ed25519 : home.resolve(".ssh/id_rsa");
    }

    private Map<String, Project.Slot> slots(YamlMap top, Integer processCount) {
        Map<String, Project.Slot> slots = new LinkedHashMap<>();
        YamlMap m = section(top, "slots", null, Map.of());
        if (m == null) {
            if (!top.has("slots")) {
                top.required("slots", "define at least two, e.g. a: { port_prefix: \"880\" } and b: { port_prefix: \"881\" }");
            }
            return slots;
        }
        Map<String, String> prefixOwner = new LinkedHashMap<>();
        Map<Integer, String> portOwner = new LinkedHashMap<>();
        for (Map.Entry<String, NodeTuple> e : m.entries()) {
            String slot = e.getKey();
            String field = m.field(slot);
            Node keyNode = e.getValue().getKeyNode();
            if (!Names.SLOT.matches(slot)) {
                problems.at(keyNode, "slots", Names.SLOT.problem(slot));
                continue;
            }
            Node value = m.get(slot);
            if (!(value instanceof MappingNode)) {
                problems.add(value == null ? Problems.line(keyNode) : Problems.line(value), field,
                        "must be a mapping like { port_prefix: \"880\" }, not " + YamlMap.describe(value));
                continue;
            }
            YamlMap s = YamlMap.of(problems, value, field, Problems.line(keyNode), SLOT_KEYS, Map.of());
            Node prefixNode = s.get("port_prefix");
            if (prefixNode == null) {
                s.required("port_prefix", "2 to 4 digits, e.g. port_prefix: \"880\"");
                continue;
            }
            String prefix = scalar(s, "port_prefix");
            if (prefix == null) {
                continue;
            }
            if (!PORT_PREFIX.matcher(prefix).matches()) {
                problems.at(prefixNode, s.field("port_prefix"), "'" + prefix + "' is not a port prefix; write 2 to 4"
                        + " digits not starting with 0, e.g. \"880\"");
                continue;
            }
            if (prefixOwner.containsKey(prefix)) {
                problems.at(prefixNode, s.field("port_prefix"), "'" + prefix + "' is already the port prefix of slot "
                        + prefixOwner.get(prefix) + "; give each slot its own");
                continue;
            }
            prefixOwner.put(prefix, slot);
            Project.Slot result = new Project.Slot(slot, prefix);
            if (processCount != null) {
                int last = Integer.parseInt(prefix + (processCount - 1));
                if (last > 65535) {
                    problems.at(prefixNode, s.field("port_prefix"), "'" + prefix + "' with process_count " + processCount
                            + " gives ports up to " + last + "; ports must be at most 65535, use a smaller prefix");
                    continue;
                }
                // With distinct prefixes that do not start with 0 ports cannot collide; kept as a guard should the
                // port rule ever change.
                for (int port : result.ports(processCount)) {
                    String other = portOwner.putIfAbsent(port, slot);
                    if (other != null) {
                        problems.at(prefixNode, s.field("port_prefix"), "port " + port + " is also a port of slot "
                                + other + "; choose prefixes whose ports do not overlap");
                        break;
                    }
                }
            }
            slots.put(slot, result);
        }
        if (m.entries().size() < 2) {
            problems.add(m.line(), "slots", "needs at least two slots (one live, one to deploy the next release to),"
                    + " e.g. a: { port_prefix: \"880\" } and b: { port_prefix: \"881\" }");
        }
        return slots;
    }

    private Project.Venv venv(YamlMap top) {
        YamlMap m = section(top, "venv", VENV_KEYS, Map.of());
        String what = "the remote directory holding one directory per slot, e.g. ~/essay-sample";
        if (m == null) {
            if (!top.has("venv")) {
                problems.add(top.lineOf("venv"), "venv.prefix", "required; " + what);
            }
            return null;
        }
        String prefix = remotePath(m, "prefix", null);
        if (prefix == null && !m.has("prefix")) {
            m.required("prefix", what);
        }
        String python = program(m, "python", DEFAULT_PYTHON);
        Boolean system = bool(m, "system_site_packages", false);
        return prefix == null || python == null || system == null ? null : new Project.Venv(prefix, python, system);
    }

    private String profile(YamlMap top) {
        return optional(top, "profile", string(top, "profile"), DEFAULT_PROFILE,
                profile -> Names.PROFILE.matches(profile) ? profile : invalid(top, "profile", Names.PROFILE.problem(profile)));
    }

    private Project.Supervisor supervisor(YamlMap top) {
        YamlMap m = section(top, "supervisor", SUPERVISOR_KEYS, Map.of());
        String what = "the local supervisord config template, e.g. conf/supervisord.conf";
        if (m == null) {
            if (!top.has("supervisor")) {
                problems.add(top.lineOf("supervisor"), "supervisor.template", "required; " + what);
            }
            return null;
        }
        Path template = readableFile(m, "template", what);
        String supervisord = program(m, "supervisord", "supervisord");
        String supervisorctl = program(m, "supervisorctl", "supervisorctl");
        return template == null || supervisord == null || supervisorctl == null ? null
                : new Project.Supervisor(template, supervisord, supervisorctl);
    }

    private Project.Router router(YamlMap top, String project, String defaultRole) {
        YamlMap m = section(top, "router", ROUTER_KEYS, Map.of());
        if (m == null) {
            if (!top.has("router")) {
                top.required("router", "it needs hosts, config, upstream_file and url");
            }
            return null;
        }
        List<HostAddress> hosts = null;
        if (!m.has("hosts")) {
            m.required("hosts", "the nginx host(s), e.g. hosts: [deploy@10.0.0.5]");
        } else {
            hosts = hosts(m, "hosts", "needs at least one nginx host, e.g. hosts: [deploy@10.0.0.5]");
        }
        String role = string(m, "role");
        if (role != null && !roleNames.isEmpty() && !roleNames.contains(role)) {
            problems.at(m.get("role"), m.field("role"), notARole(role));
            role = null;
        } else if (role == null && !m.has("role")) {
            role = defaultRole;
        }
        String nginx = program(m, "nginx", "nginx");
        String config = remotePath(m, "config", null);
        if (config == null && !m.has("config")) {
            m.required("config", "the nginx main config passed as -c, e.g. /etc/nginx/nginx.conf");
        }
        String upstreamFile = remotePath(m, "upstream_file", null);
        if (upstreamFile == null && !m.has("upstream_file")) {
            m.required("upstream_file", "the include file essay writes and nginx.conf includes,"
                    + " e.g. /etc/nginx/conf.d/" + (project == null ? "myproject" : project) + ".upstream.conf");
        } else if (upstreamFile != null && upstreamFile.equals(config)) {
            problems.at(m.get("upstream_file"), m.field("upstream_file"), "is router.config itself; essay rewrites"
                    + " this file, so use a separate file that router.config includes");
            upstreamFile = null;
        }
        String upstreamName = string(m, "upstream_name");
        if (upstreamName != null && !UPSTREAM_NAME.matcher(upstreamName).matches()) {
            problems.at(m.get("upstream_name"), m.field("upstream_name"), "'" + upstreamName + "' is not an upstream"
                    + " name; use letters, digits and _");
            upstreamName = null;
        } else if (upstreamName == null && !m.has("upstream_name") && project != null) {
            upstreamName = project.replace('-', '_').replace('.', '_');
        }
        Boolean sudo = bool(m, "sudo", false);
        String url = url(m, "url", "the URL fetched on the router host to prove a switch, e.g. http://127.0.0.1/health");
        String stateDir = remotePath(m, "state_dir", project == null ? null : "~/.essay/" + project);
        String probe = probe(m);
        if (probe == null && m.has("probe")) {
            return null;
        }
        if (hosts == null || role == null || nginx == null || config == null || upstreamFile == null
                || upstreamName == null || sudo == null || url == null || stateDir == null) {
            return null;
        }
        return new Project.Router(hosts, role, nginx, config, upstreamFile, upstreamName, sudo, url, stateDir, probe);
    }

    /** {@code router.probe}: a loopback address and port for essay's probe server ({@code 127.0.0.1:8399}), or absent. */
    private String probe(YamlMap m) {
        String text = string(m, "probe");
        if (text == null) {
            return null;
        }
        java.util.regex.Matcher at = PROBE.matcher(text);
        if (!at.matches() || Integer.parseInt(at.group(2)) < 1 || Integer.parseInt(at.group(2)) > 65535) {
            problems.at(m.get("probe"), m.field("probe"), "'" + text + "' is not a loopback address and port; write"
                    + " 127.0.0.1:PORT with a port nothing else on the router listens on, e.g. 127.0.0.1:8399");
            return null;
        }
        return text;
    }

    private Project.Health health(YamlMap top) {
        YamlMap m = section(top, "health", HEALTH_KEYS, Map.of());
        if (m == null) {
            return top.has("health") ? null : DEFAULT_HEALTH;
        }
        Project.Health d = DEFAULT_HEALTH;
        String path = optional(m, "path", string(m, "path"), d.path(), text -> text.startsWith("/") && !hasWhitespace(text)
                ? text : invalid(m, "path", "'" + text + "' must start with / and contain no whitespace, e.g. /health"));
        Integer status = integer(m, "status", d.status(), 100, 599, "must be an HTTP status from 100 to 599");
        Duration timeout = duration(m, "timeout", d.timeout());
        Integer retries = integer(m, "retries", d.retries(), 1, Integer.MAX_VALUE, "must be at least 1");
        Duration interval = duration(m, "interval", d.interval());
        String slotHeader = header(m, "slot_header", d.slotHeader(), true);
        String versionHeader = header(m, "version_header", d.versionHeader(), true);
        Integer quorum = integer(m, "quorum", d.quorum(), 1, 100, "must be a percentage from 1 to 100");
        if (path == null || status == null || timeout == null || retries == null || interval == null
                || slotHeader == null || versionHeader == null || quorum == null) {
            return null;
        }
        return new Project.Health(path, status, timeout, retries, interval, slotHeader, versionHeader, quorum);
    }

    private Project.Hooks hooks(YamlMap top) {
        YamlMap m = section(top, "hooks", HOOKS_KEYS, Map.of());
        if (m == null) {
            return top.has("hooks") ? null : Project.Hooks.none();
        }
        List<String> pre = commands(m, "pre_deploy");
        List<String> post = commands(m, "post_deploy");
        return pre == null || post == null ? null : new Project.Hooks(pre, post);
    }

    private Project.Build build(YamlMap top) {
        YamlMap m = section(top, "build", BUILD_KEYS, Map.of());
        if (m == null) {
            return top.has("build") ? null : Project.Build.defaults();
        }
        String branch = optional(m, "branch", string(m, "branch"), Project.Build.DEFAULT_BRANCH,
                text -> BRANCH.matcher(text).matches() && !text.contains("..") && !text.endsWith(".lock")
                        && !text.endsWith("/") && !text.endsWith(".") ? text
                        : invalid(m, "branch", "'" + text + "' is not a git branch name; write a name like main or"
                        + " release/2.x (no spaces, no leading '-', no '..')"));
        List<String> stampFiles = stampFiles(m);
        String python = optional(m, "python", string(m, "python"), Project.Build.DEFAULT_PYTHON,
                text -> !text.isEmpty() && !hasWhitespace(text) ? text : invalid(m, "python", "'" + text.strip()
                        + "' must be one program name or path, without whitespace, e.g. python3 or /usr/bin/python3"));
        String settings = null;
        boolean settingsOk = true;
        if (m.has("settings_base_file")) {
            Node node = m.get("settings_base_file");
            boolean empty = node == null || YamlMap.isNull(node);
            String text = empty ? null : string(m, "settings_base_file");
            String problem = empty ? "must be a path relative to the project directory, e.g. myapp/settings/base.py"
                    : text == null ? null : projectPathProblem(text);
            if (problem != null) {
                problems.at(node, m.field("settings_base_file"), problem);
            }
            settings = problem == null && text != null ? Path.of(text).normalize().toString() : null;
            settingsOk = settings != null;
        }
        return branch == null || stampFiles == null || python == null || !settingsOk ? null
                : new Project.Build(branch, stampFiles, python, settings);
    }

    /** Why {@code text} is no path inside the project directory, or null when it is one. */
    private static String projectPathProblem(String text) {
        if (text.isBlank() || text.chars().anyMatch(Character::isISOControl)) {
            return "must be a non-empty path without control characters";
        }
        try {
            Path p = Path.of(text);
            if (p.isAbsolute() || text.startsWith("~") || text.startsWith("/")) {
                return "'" + text + "' must be relative to the project directory (the directory of"
                        + " essay.yaml), e.g. setup.py or myapp/settings.py";
            }
            if (p.normalize().startsWith("..") || p.normalize().toString().isEmpty()) {
                return "'" + text + "' points outside the project directory; stamp files are inside it";
            }
            return null;
        } catch (InvalidPathException e) {
            return "'" + text + "' is not a valid path: " + e.getReason();
        }
    }

    /** {@code build.stamp_files}: relative paths inside the project directory. */
    private List<String> stampFiles(YamlMap m) {
        Node node = m.get("stamp_files");
        if (node == null) {
            return m.has("stamp_files") ? null : List.of();
        }
        String field = m.field("stamp_files");
        if (!(node instanceof SequenceNode sequence)) {
            problems.at(node, field, "must be a list of paths relative to the project, e.g. [setup.py], not "
                    + YamlMap.describe(node));
            return null;
        }
        List<String> files = new ArrayList<>();
        boolean ok = true;
        List<Node> items = sequence.getValue();
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            String itemField = field + "[" + i + "]";
            String text = item instanceof ScalarNode s && !YamlMap.isNull(item) ? s.getValue() : null;
            String problem = null;
            if (text == null) {
                problem = "must be a path (a string), not " + YamlMap.describe(item);
            } else if ((problem = projectPathProblem(text)) == null) {
                String normalized = Path.of(text).normalize().toString();
                if (files.contains(normalized)) {
                    problem = "'" + text + "' is listed twice; remove one";
                } else {
                    files.add(normalized);
                }
            }
            if (problem != null) {
                problems.at(item, itemField, problem);
                ok = false;
            }
        }
        return ok ? files : null;
    }

    /** A local file that must exist and be readable (a template); null when absent or invalid (reported). */
    private Path readableFile(YamlMap m, String key, String what) {
        Path path = localPath(m, key);
        if (path == null) {
            if (!m.has(key)) {
                m.required(key, what);
            }
            return null;
        }
        String written = ((ScalarNode) m.get(key)).getValue();
        String problem = Files.isDirectory(path) ? "is a directory, not a file"
                : !Files.exists(path) ? "does not exist"
                : !Files.isRegularFile(path) || !Files.isReadable(path) ? "cannot be read" : null;
        if (problem != null) {
            problems.at(m.get(key), m.field(key), "'" + written + "' " + problem + " (looked at " + path
                    + "); create it or fix the path (relative paths are relative to the directory of essay.yaml)");
            return null;
        }
        return path;
    }

    // ---------------------------------------------------------------- env, secrets, profiles, files, pip

    private Project.Environment environment(YamlMap top) {
        Map<String, String> env = envValues(top, "env");
        Map<String, Project.SecretSource> secrets = secrets(top, "secrets", env);
        Map<String, Project.Environment> profiles = new LinkedHashMap<>();
        YamlMap m = section(top, "profiles", null, Map.of());
        if (m != null) {
            for (Map.Entry<String, NodeTuple> e : m.entries()) {
                String profile = e.getKey();
                if (!Names.PROFILE.matches(profile)) {
                    problems.at(e.getValue().getKeyNode(), "profiles", Names.PROFILE.problem(profile));
                    continue;
                }
                YamlMap p = section(m, profile, PROFILE_KEYS, Map.of());
                if (p == null) {
                    continue; // no value (nothing to override) or not a mapping (reported)
                }
                Map<String, String> penv = envValues(p, "env");
                Map<String, Project.SecretSource> psecrets = secrets(p, "secrets", penv);
                if (penv != null && psecrets != null) {
                    profiles.put(profile, new Project.Environment(penv, psecrets, Map.of()));
                }
            }
        }
        return env == null || secrets == null ? null : new Project.Environment(env, secrets, profiles);
    }

    /** A name passed to the service: an environment variable name, not one of essay's own. */
    private boolean envKey(NodeTuple tuple, String field, String key) {
        if (!ENV_NAME.matcher(key).matches()) {
            problems.at(tuple.getKeyNode(), field, "'" + key + "' is not an environment variable name (letters,"
                    + " digits and _, not starting with a digit)");
            return false;
        }
        if (key.startsWith("ESSAY_")) {
            problems.at(tuple.getKeyNode(), field, "'" + key + "': names starting with ESSAY_ are essay's own"
                    + " (ESSAY_SLOT, ...); choose another name");
            return false;
        }
        return true;
    }

    /** {@code env:} plain values, each one supervisord can carry; empty when absent, null when invalid (reported). */
    private Map<String, String> envValues(YamlMap parent, String key) {
        Map<String, String> values = new LinkedHashMap<>();
        YamlMap m = section(parent, key, null, Map.of());
        if (m == null) {
            return parent.has(key) ? null : values;
        }
        int before = problems.size();
        for (Map.Entry<String, NodeTuple> e : m.entries()) {
            String name = e.getKey();
            String field = m.field(name);
            if (!envKey(e.getValue(), m.path(), name)) {
                continue;
            }
            Node value = m.get(name);
            if (!(value instanceof ScalarNode s)) {
                problems.add(value == null ? Problems.line(e.getValue().getKeyNode()) : Problems.line(value), field,
                        "must be a single value (write \"\" for an empty one), not " + YamlMap.describe(value == null
                                ? e.getValue().getValueNode() : value));
                continue;
            }
            String problem = SupervisorEnvironment.problem(s.getValue());
            if (problem != null) {
                problems.at(value, field, problem + "; change the value, or pass it in a file (files:)");
                continue;
            }
            values.put(name, s.getValue());
        }
        return problems.size() == before ? values : null;
    }

    /** {@code secrets:} name to {@code {env: VAR}} or {@code {file: PATH}}; never an inline value. */
    private Map<String, Project.SecretSource> secrets(YamlMap parent, String key, Map<String, String> env) {
        Map<String, Project.SecretSource> secrets = new LinkedHashMap<>();
        YamlMap m = section(parent, key, null, Map.of());
        if (m == null) {
            return parent.has(key) ? null : secrets;
        }
        int before = problems.size();
        String how = "write {env: VARIABLE} (read from essay's environment) or {file: PATH} (a local file)";
        for (Map.Entry<String, NodeTuple> e : m.entries()) {
            String name = e.getKey();
            String field = m.field(name);
            if (!envKey(e.getValue(), m.path(), name)) {
                continue;
            }
            if (env != null && env.containsKey(name)) {
                problems.at(e.getValue().getKeyNode(), field, "is also in " + parent.field("env") + "; a name is either"
                        + " a plain value or a secret, remove one");
                continue;
            }
            Node value = m.get(name);
            if (!(value instanceof MappingNode)) {
                // never echo it: it may be the secret itself
                problems.add(Problems.line(value == null ? e.getValue().getKeyNode() : value), field,
                        (value instanceof ScalarNode ? "an inline secret is not allowed (it would end up in version"
                                + " control and in logs); " : "must be a mapping; ") + how);
                continue;
            }
            YamlMap s = YamlMap.of(problems, value, field, Problems.line(e.getValue().getKeyNode()), SECRET_KEYS, Map.of());
            String var = envName(s, "env");
            Path file = localPath(s, "file");
            if (s.has("env") && s.has("file")) {
                onlyOne(s, "env", "file");
            } else if (!s.has("env") && !s.has("file")) {
                problems.add(Problems.line(value), field, "says nowhere to read it; " + how);
            } else if (var != null || file != null) {
                secrets.put(name, new Project.SecretSource(name, var, file));
            }
        }
        return problems.size() == before ? secrets : null;
    }

    /** {@code files:} templates rendered into each slot (the Fabric tool's upload_conf). */
    private List<Project.ConfigFile> files(YamlMap top) {
        Node node = top.get("files");
        if (node == null) {
            return top.has("files") ? null : List.of();
        }
        if (!(node instanceof SequenceNode sequence)) {
            problems.at(node, "files", "must be a list like [{template: conf/app.ini, dest: etc/app.ini}], not "
                    + YamlMap.describe(node));
            return null;
        }
        List<Project.ConfigFile> files = new ArrayList<>();
        Map<String, String> dests = new LinkedHashMap<>();
        int before = problems.size();
        List<Node> items = sequence.getValue();
        for (int i = 0; i < items.size(); i++) {
            String field = "files[" + i + "]";
            YamlMap f = YamlMap.of(problems, items.get(i), field, Problems.line(items.get(i)), FILE_KEYS, Map.of());
            if (f == null) {
                continue;
            }
            Path template = readableFile(f, "template", "the local template, e.g. conf/app.ini");
            String dest = dest(f);
            if (dest != null) {
                String other = dests.putIfAbsent(dest, field);
                if (other != null) {
                    problems.at(f.get("dest"), f.field("dest"), "'" + dest + "' is also the dest of " + other
                            + "; each file needs its own");
                    continue;
                }
            }
            if (template != null && dest != null) {
                files.add(new Project.ConfigFile(template, dest));
            }
        }
        return problems.size() == before ? files : null;
    }

    /** {@code files[i].dest}: a path inside the slot directory, not one of essay's or the virtualenv's. */
    private String dest(YamlMap f) {
        String text = string(f, "dest");
        if (text == null) {
            if (!f.has("dest")) {
                f.required("dest", "where the file goes, relative to the slot directory, e.g. etc/app.ini");
            }
            return null;
        }
        String written = "'" + text + "'";
        if (text.isEmpty() || hasWhitespace(text)) {
            return invalid(f, "dest", written + " must be a path without whitespace, relative to the slot directory,"
                    + " e.g. etc/app.ini");
        }
        if (text.startsWith("/") || text.startsWith("~")) {
            return invalid(f, "dest", written + " must be relative to the slot directory (the file is written in"
                    + " every slot), e.g. etc/app.ini");
        }
        List<String> parts = List.of(text.split("/+"));
        if (parts.contains("..") || parts.contains(".") || text.endsWith("/")) {
            return invalid(f, "dest", written + " must name a file inside the slot directory, without '.' or '..'");
        }
        String normal = String.join("/", parts);
        if (RESERVED_DEST.matcher(normal).matches()) {
            return invalid(f, "dest", written + " is essay's or the virtualenv's (bin/, lib/, run/,"
                    + " etc/supervisord.conf, .essay-*); write it elsewhere, e.g. etc/app.ini");
        }
        return normal;
    }

    /** {@code pip:} extra indexes, trusted hosts and a proxy for the deploy's install. */
    private Project.Pip pip(YamlMap top) {
        YamlMap m = section(top, "pip", PIP_KEYS, Map.of());
        if (m == null) {
            return top.has("pip") ? null : Project.Pip.none();
        }
        int before = problems.size();
        List<String> extra = new ArrayList<>();
        for (Map.Entry<Node, String> item : items(m, "extra_index_urls", "[https://pypi.org/simple/]")) {
            String url = ((ScalarNode) item.getKey()).getValue().chars().anyMatch(Character::isISOControl)
                    ? invalid(item, "must not contain control characters (tabs, line breaks)")
                    : urlValue(item.getKey(), item.getValue(), "; an index that needs a login is not supported here");
            if (url != null) {
                extra.add(url);
            }
        }
        List<String> trusted = new ArrayList<>();
        for (Map.Entry<Node, String> item : items(m, "trusted_hosts", "[pypi.internal]")) {
            String host = item.getKey() instanceof ScalarNode s ? s.getValue() : "";
            if (!TRUSTED_HOST.matcher(host).matches()) {
                problems.at(item.getKey(), item.getValue(), "'" + host + "' is not a host name (with an optional"
                        + " :port), e.g. pypi.internal");
            } else {
                trusted.add(host);
            }
        }
        String proxy = m.has("proxy") ? url(m, "proxy", "") : null;
        String proxyEnv = envName(m, "proxy_env");
        Path proxyFile = localPath(m, "proxy_file");
        List<String> given = PIP_KEYS.subList(2, 5).stream().filter(m::has).toList();
        if (given.size() > 1) {
            problems.add(given.stream().mapToInt(m::lineOf).max().orElse(m.line()), m.path(),
                    "give only one of pip.proxy, pip.proxy_env and pip.proxy_file");
        }
        return problems.size() == before ? new Project.Pip(extra, trusted, proxy, proxyEnv, proxyFile) : null;
    }

    /** The items of a list of strings with their fields; a missing list is empty, a non-list is reported. */
    private List<Map.Entry<Node, String>> items(YamlMap m, String key, String example) {
        Node node = m.get(key);
        if (node == null) {
            return List.of();
        }
        if (!(node instanceof SequenceNode sequence)) {
            problems.at(node, m.field(key), "must be a list, e.g. " + example + ", not " + YamlMap.describe(node));
            return List.of();
        }
        List<Map.Entry<Node, String>> items = new ArrayList<>();
        for (int i = 0; i < sequence.getValue().size(); i++) {
            Node item = sequence.getValue().get(i);
            String field = m.field(key) + "[" + i + "]";
            if (item instanceof ScalarNode && !YamlMap.isNull(item)) {
                items.add(Map.entry(item, field));
            } else {
                problems.at(item, field, "must be a string, not " + YamlMap.describe(item));
            }
        }
        return items;
    }

    // ---------------------------------------------------------------- values

    /** A nested mapping, or null when absent, empty or not a mapping (reported). */
    private YamlMap section(YamlMap parent, String key, List<String> known, Map<String, String> forbidden) {
        Node node = parent.get(key);
        return node == null ? null : YamlMap.of(problems, node, parent.field(key), parent.lineOf(key), known, forbidden);
    }

    /** The text of a scalar as written (so {@code 880} and {@code "880"} both read 880), or null. */
    private String scalar(YamlMap m, String key) {
        Node node = m.get(key);
        if (node == null) {
            return null;
        }
        if (!(node instanceof ScalarNode s)) {
            problems.at(node, m.field(key), "must be a single value, not " + YamlMap.describe(node));
            return null;
        }
        return s.getValue();
    }

    /** A string with no control characters, or null (absent or reported). */
    private String string(YamlMap m, String key) {
        String value = scalar(m, key);
        if (value != null && value.chars().anyMatch(Character::isISOControl)) {
            problems.at(m.get(key), m.field(key), "must not contain control characters (tabs, line breaks)");
            return null;
        }
        return value;
    }

    private String url(YamlMap m, String key, String what) {
        String text = string(m, key);
        if (text == null) {
            if (!m.has(key)) {
                m.required(key, what);
            }
            return null;
        }
        return urlValue(m.get(key), m.field(key), m.path().equals("index")
                ? "; set index.username and index.password_env (or index.password_file)"
                : m.path().equals("pip") && key.equals("proxy") ? "; a proxy with credentials is a secret: name it"
                + " with pip.proxy_env or pip.proxy_file" : "");
    }

    /**
     * An http(s) URL with a host and no user name or password, or null (reported; a URL with credentials is never
     * echoed, and {@code credentialsHint} says where they go instead).
     */
    private String urlValue(Node node, String field, String credentialsHint) {
        String text = ((ScalarNode) node).getValue();
        if (URL_WITH_USERINFO.matcher(text).matches()) {
            // never echo it: it may hold a password
            problems.at(node, field, "must not contain a user name or password" + credentialsHint);
            return null;
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            problems.at(node, field, "'" + text + "' is not a URL (" + e.getReason() + "); write http(s)://host[:port]/path");
            return null;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            problems.at(node, field, "'" + text + "' must start with http:// or https://");
            return null;
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            problems.at(node, field, "'" + text + "' has no valid host name; write http(s)://host[:port]/path");
            return null;
        }
        return text;
    }

    private String envName(YamlMap m, String key) {
        String name = string(m, key);
        if (name != null && !ENV_NAME.matcher(name).matches()) {
            problems.at(m.get(key), m.field(key), "'" + name + "' is not an environment variable name (letters, digits"
                    + " and _, not starting with a digit)");
            return null;
        }
        return name;
    }

    private void onlyOne(YamlMap m, String a, String b) {
        if (m.has(a) && m.has(b)) {
            problems.add(Math.max(m.lineOf(a), m.lineOf(b)), m.path(), "give only one of " + m.field(a) + " and "
                    + m.field(b));
        }
    }

    /** A path on this machine: {@code ~/} is the local home, relative paths are relative to essay.yaml's directory. */
    private Path localPath(YamlMap m, String key) {
        String text = string(m, key);
        if (text == null) {
            return null;
        }
        Node node = m.get(key);
        if (text.isBlank()) {
            problems.at(node, m.field(key), "must not be empty");
            return null;
        }
        if (text.startsWith("~") && !text.equals("~") && !text.startsWith("~/")) {
            problems.at(node, m.field(key), "'" + text + "': only ~/ (your own home) is expanded; write ~/... or a full path");
            return null;
        }
        try {
            Path path = text.equals("~") ? home : text.startsWith("~/") ? home.resolve(text.substring(2)) : baseDir.resolve(text);
            return path.normalize();
        } catch (InvalidPathException e) {
            problems.at(node, m.field(key), "'" + text + "' is not a valid path: " + e.getReason());
            return null;
        }
    }

    /**
     * The plumbing every optional single value shares: {@code defaultValue} when the key is absent or has no value,
     * null when it has a value that {@code text} could not read (already reported), else what {@code read} makes of
     * the text (which reports and returns null when the text is not a valid value).
     *
     * @param text the value's text as {@link #scalar} or {@link #string} read it
     */
    private <T> T optional(YamlMap m, String key, String text, T defaultValue, Function<String, T> read) {
        if (text == null) {
            return m.has(key) ? null : defaultValue;
        }
        return read.apply(text);
    }

    /** Reports {@code message} about a list item; null, the value of an invalid item. */
    private <T> T invalid(Map.Entry<Node, String> item, String message) {
        problems.at(item.getKey(), item.getValue(), message);
        return null;
    }

    /** Reports {@code message} about the value of {@code key}; null, the value of an invalid field. */
    private <T> T invalid(YamlMap m, String key, String message) {
        problems.at(m.get(key), m.field(key), message);
        return null;
    }

    /** A path on a remote host: absolute, or {@code ~/...} for the remote user's home. */
    private String remotePath(YamlMap m, String key, String defaultValue) {
        return optional(m, key, scalar(m, key), defaultValue, text -> text.chars().anyMatch(c -> Character.isWhitespace(c)
                || Character.isISOControl(c) || Character.isSpaceChar(c))
                ? invalid(m, key, "'" + text.strip() + "' must not contain whitespace or control characters")
                : !text.startsWith("/") && !text.startsWith("~/")
                ? invalid(m, key, "'" + text + "' must be an absolute path or start with ~/ (it is a path on the remote host)")
                : text);
    }

    /** A remote program: a name looked up on PATH or a path, one word. */
    private String program(YamlMap m, String key, String defaultValue) {
        return optional(m, key, scalar(m, key), defaultValue, text -> text.isEmpty()
                || text.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))
                ? invalid(m, key, "'" + text.strip() + "' must be one program name or path, without whitespace"
                + (key.equals("nginx") ? " (for sudo set router.sudo: true)" : ""))
                : text);
    }

    private String header(YamlMap m, String key, String defaultValue, boolean emptyAllowed) {
        return optional(m, key, string(m, key), defaultValue, text -> (text.isEmpty() && emptyAllowed)
                || HEADER.matcher(text).matches() ? text
                : invalid(m, key, "'" + text + "' is not an HTTP header name"
                + (key.equals("slot_header") ? "; write a name like X-Essay-Slot, or \"\" when the service sends none"
                + " (then set router.probe)" : emptyAllowed ? "; write a name like X-Essay-Version, or \"\" to not check it"
                : "; write a name like X-Essay-Slot")));
    }

    private Integer integer(YamlMap m, String key, int defaultValue, int min, int max, String range) {
        return optional(m, key, scalar(m, key), defaultValue, text -> {
            if (!WHOLE_NUMBER.matcher(text).matches()) {
                return invalid(m, key, "must be a whole number, not '" + text + "'");
            }
            BigInteger value = new BigInteger(text.startsWith("+") ? text.substring(1) : text);
            if (value.compareTo(BigInteger.valueOf(min)) < 0 || value.compareTo(BigInteger.valueOf(max)) > 0) {
                return invalid(m, key, range + ", not " + value);
            }
            return value.intValueExact();
        });
    }

    private Boolean bool(YamlMap m, String key, boolean defaultValue) {
        Node node = m.get(key);
        if (node == null) {
            return m.has(key) ? null : defaultValue;
        }
        if (!(node instanceof ScalarNode s) || !node.getTag().equals(Tag.BOOL)) {
            boolean quoted = node instanceof ScalarNode q && !q.isPlain();
            problems.at(node, m.field(key), "must be true or false" + (quoted ? " (without quotes)" : "") + ", not "
                    + YamlMap.describe(node));
            return null;
        }
        String v = s.getValue().toLowerCase(Locale.ROOT);
        return v.equals("true") || v.equals("yes") || v.equals("on");
    }

    private Duration duration(YamlMap m, String key, Duration defaultValue) {
        return optional(m, key, scalar(m, key), defaultValue, text -> {
            Matcher matcher = DURATION.matcher(text);
            if (!matcher.matches()) {
                return invalid(m, key, "'" + text + "' is not a duration; write a whole number with a unit: 500ms, 2s or 1m");
            }
            long amount = Long.parseLong(matcher.group(1));
            return amount == 0 ? invalid(m, key, "must be more than 0, not '" + text + "'") : switch (matcher.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                default -> Duration.ofMinutes(amount);
            };
        });
    }

    /** A list of hosts ({@code roles.<role>}, {@code router.hosts}); null when invalid (reported). */
    private List<HostAddress> hosts(YamlMap m, String key, String whenEmpty) {
        Node node = m.get(key);
        String field = m.field(key);
        if (node == null || (node instanceof SequenceNode seq && seq.getValue().isEmpty())) {
            problems.add(node == null ? m.lineOf(key) : Problems.line(node), field, whenEmpty);
            return null;
        }
        if (!(node instanceof SequenceNode sequence)) {
            problems.at(node, field, "must be a list of hosts, e.g. [deploy@10.0.0.11], not " + YamlMap.describe(node));
            return null;
        }
        List<HostAddress> hosts = new ArrayList<>();
        Map<HostAddress, Integer> seen = new LinkedHashMap<>();
        int before = problems.size();
        List<Node> items = sequence.getValue();
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            String itemField = field + "[" + i + "]";
            if (!(item instanceof ScalarNode s) || YamlMap.isNull(item)) {
                problems.at(item, itemField, "must be a host user@address[:port], not " + YamlMap.describe(item));
                continue;
            }
            HostAddress host;
            try {
                host = HostAddress.parse(s.getValue());
            } catch (IllegalArgumentException e) {
                problems.at(item, itemField, e.getMessage());
                continue;
            }
            Integer first = seen.putIfAbsent(host, i);
            if (first != null) {
                problems.at(item, itemField, host + " is listed twice (also " + field + "[" + first + "]); remove one");
                continue;
            }
            hosts.add(host);
        }
        return problems.size() == before ? hosts : null;
    }

    /** {@code hooks.*}: a list of non-empty shell commands. */
    private List<String> commands(YamlMap m, String key) {
        Node node = m.get(key);
        if (node == null) {
            return m.has(key) ? null : List.of();
        }
        String field = m.field(key);
        if (!(node instanceof SequenceNode sequence)) {
            problems.at(node, field, "must be a list of shell commands, e.g. [\"python -m myapp.migrate\"], not "
                    + YamlMap.describe(node));
            return null;
        }
        List<String> commands = new ArrayList<>();
        boolean ok = true;
        List<Node> items = sequence.getValue();
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            String itemField = field + "[" + i + "]";
            if (!(item instanceof ScalarNode s) || YamlMap.isNull(item)) {
                problems.at(item, itemField, "must be a shell command (a string), not " + YamlMap.describe(item));
                ok = false;
            } else if (s.getValue().isBlank()) {
                problems.at(item, itemField, "must not be empty");
                ok = false;
            } else {
                commands.add(s.getValue());
            }
        }
        return ok ? commands : null;
    }

    private String notARole(String role) {
        return "'" + role + "' is not one of the roles (" + String.join(", ", roleNames) + ")";
    }

    private static boolean hasWhitespace(String text) {
        return text.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c));
    }

    private static Map<String, String> fabfileKeys() {
        Map<String, String> fabfile = new LinkedHashMap<>();
        Map<String, String> replacedBy = new LinkedHashMap<>();
        replacedBy.put("roledefs", "roles");
        replacedBy.put("VIRTUALENV_PREFIX", "venv.prefix");
        replacedBy.put("VENV_PORT_PREFIX_MAP", "slots");
        replacedBy.put("SUPERVISOR_CONF_TEMPLATE", "supervisor.template");
        replacedBy.put("NGINX_BIN", "router.nginx");
        replacedBy.put("NGINX_CONF", "router.config");
        replacedBy.put("NGINX_SWITCH_CONF", "router.upstream_file");
        replacedBy.put("PYPI_INDEX", "index.url");
        replacedBy.put("PROJECT", "project");
        replacedBy.put("PROCESS_COUNT", "process_count");
        replacedBy.put("DEFAULT_BRANCH", "build.branch");
        replacedBy.put("SETTINGS_BASE_FILE", "build.settings_base_file");
        for (Map.Entry<String, String> e : replacedBy.entrySet()) {
            fabfile.put(e.getKey(), "not an essay.yaml key; the fabfile's env." + e.getKey() + " is " + e.getValue()
                    + " here (see docs/migrating.md)");
        }
        for (String gone : new TreeSet<>(Set.of("GIT_SERVER", "PROJECT_OWNER", "BUILD_PATH"))) {
            fabfile.put(gone, "not an essay.yaml key; the fabfile's env." + gone + " has no counterpart: essay package"
                    + " builds the checkout it runs in (see docs/migrating.md)");
        }
        return Collections.unmodifiableMap(fabfile);
    }
}
