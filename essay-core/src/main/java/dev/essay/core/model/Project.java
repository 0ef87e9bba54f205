package dev.essay.core.model;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The validated content of {@code essay.yaml}. Immutable; built by {@code dev.essay.core.config.ProjectLoader}.
 *
 * @param file         the essay.yaml it was read from (null when built in code)
 * @param name         PEP 508 project name
 * @param roles        role name to hosts, in file order
 * @param defaultRole  the role used when none is given
 * @param slots        slot name to slot, in file order
 * @param processCount processes per slot (1..10)
 * @param profile      default profile
 * @param parallelism  hosts worked on at once
 * @param env          environment values and secrets passed to the service (essay.yaml {@code env}, {@code secrets},
 *                     {@code profiles})
 * @param files        extra config files rendered into the slot on every deploy (essay.yaml {@code files})
 * @param pip          pip's options for the deploy's install (essay.yaml {@code pip})
 */
public record Project(
        Path file,
        String name,
        Index index,
        Map<String, List<HostAddress>> roles,
        String defaultRole,
        Ssh ssh,
        Map<String, Slot> slots,
        int processCount,
        Venv venv,
        String profile,
        Supervisor supervisor,
        Router router,
        Health health,
        int parallelism,
        Hooks hooks,
        Build build,
        Environment env,
        List<ConfigFile> files,
        Pip pip) {

    public Project {
        roles = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(roles));
        slots = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(slots));
        build = build == null ? Build.defaults() : build;
        env = env == null ? Environment.none() : env;
        files = files == null ? List.of() : List.copyOf(files);
        pip = pip == null ? Pip.none() : pip;
    }

    /** A project without {@code env}, {@code secrets}, {@code profiles}, {@code files} and {@code pip}. */
    public Project(Path file, String name, Index index, Map<String, List<HostAddress>> roles, String defaultRole,
                   Ssh ssh, Map<String, Slot> slots, int processCount, Venv venv, String profile,
                   Supervisor supervisor, Router router, Health health, int parallelism, Hooks hooks, Build build) {
        this(file, name, index, roles, defaultRole, ssh, slots, processCount, venv, profile, supervisor, router,
                health, parallelism, hooks, build, null, null, null);
    }

    /** A project with the default {@code build:} section. */
    public Project(Path file, String name, Index index, Map<String, List<HostAddress>> roles, String defaultRole,
                   Ssh ssh, Map<String, Slot> slots, int processCount, Venv venv, String profile,
                   Supervisor supervisor, Router router, Health health, int parallelism, Hooks hooks) {
        this(file, name, index, roles, defaultRole, ssh, slots, processCount, venv, profile, supervisor, router,
                health, parallelism, hooks, Build.defaults());
    }

    /** The directory of essay.yaml: the project's source tree (the working directory when built in code). */
    public Path directory() {
        Path f = (file == null ? Path.of("essay.yaml") : file).toAbsolutePath().normalize();
        return f.getParent();
    }

    /** The hosts of a role, or an error naming the known roles. */
    public List<HostAddress> hosts(String role) {
        List<HostAddress> hosts = roles.get(role);
        if (hosts == null) {
            throw new dev.essay.core.error.EssayException(dev.essay.core.error.ExitCode.USAGE, "no role '" + role + "' in "
                    + fileName(), "use one of the roles: " + String.join(", ", roles.keySet()));
        }
        return hosts;
    }

    public Slot slot(String slotName) {
        Slot slot = slots.get(slotName);
        if (slot == null) {
            throw new dev.essay.core.error.EssayException(dev.essay.core.error.ExitCode.USAGE, "no slot '" + slotName + "' in "
                    + fileName(), "use one of the slots: " + String.join(", ", slots.keySet()));
        }
        return slot;
    }

    public String fileName() {
        return file == null ? "essay.yaml" : file.toString();
    }

    /**
     * Where the package index is and how to authenticate (credentials only by reference).
     *
     * @param uploadUrl where {@code essay package} uploads (the legacy upload API twine uses); defaults to
     *                  {@link #defaultUploadUrl(String) the index url without a trailing simple/}
     */
    public record Index(String url, String username, String passwordEnv, Path passwordFile, boolean trustedHost,
                        String uploadUrl) {
        public Index {
            uploadUrl = uploadUrl == null && url != null ? defaultUploadUrl(url) : uploadUrl;
        }

        public Index(String url, String username, String passwordEnv, Path passwordFile, boolean trustedHost) {
            this(url, username, passwordEnv, passwordFile, trustedHost, null);
        }

        public Optional<String> user() {
            return Optional.ofNullable(username);
        }

        /**
         * {@code http://h/simple/} → {@code http://h/} (pypiserver, Nexus, Artifactory, essay's index),
         * {@code http://h/user/index/+simple/} → {@code http://h/user/index/} (devpi); any other URL is used as it is.
         */
        public static String defaultUploadUrl(String url) {
            String u = url.endsWith("/") ? url : url + "/";
            if (u.endsWith("/+simple/")) {
                return u.substring(0, u.length() - "+simple/".length());
            }
            return u.endsWith("/simple/") ? u.substring(0, u.length() - "simple/".length()) : u;
        }
    }

    /**
     * How {@code essay package} builds (essay.yaml {@code build:}).
     *
     * @param branch     the branch packaged when neither a commit nor --here is given
     * @param stampFiles files (relative to the project directory) whose {@code {{ version }}}, {@code {{ git_version }}}
     *                   and {@code {{ release_time }}} placeholders are filled in the build copy
     * @param python     the local interpreter that runs {@code -m build}
     * @param settingsBaseFile the settings file whose placeholders are filled as the fabfile tool's
     *                   {@code env.SETTINGS_BASE_FILE} was (relative to the project directory); null: the fabfile
     *                   tool's default, {@code <package>/settings.py} and {@code <package>/settings/__init__.py}
     */
    public record Build(String branch, List<String> stampFiles, String python, String settingsBaseFile) {
        public static final String DEFAULT_BRANCH = "main";
        public static final String DEFAULT_PYTHON = "python3";

        public Build {
            stampFiles = List.copyOf(stampFiles);
        }

        public Build(String branch, List<String> stampFiles, String python) {
            this(branch, stampFiles, python, null);
        }

        public static Build defaults() {
            return new Build(DEFAULT_BRANCH, List.of(), DEFAULT_PYTHON);
        }
    }

    public record Ssh(Path identity, String passphraseEnv, Path passphraseFile, Path knownHosts,
                      boolean acceptNewHostKeys, Duration connectTimeout) {
    }

    /** A slot: its name and port prefix; process i listens on {@code portPrefix + i}. */
    public record Slot(String name, String portPrefix) {
        public List<Integer> ports(int processCount) {
            return java.util.stream.IntStream.range(0, processCount)
                    .mapToObj(i -> Integer.parseInt(portPrefix + i)).toList();
        }
    }

    /**
     * @param prefix              remote directory holding one directory per slot; may start with {@code ~/}
     * @param systemSitePackages  the slots' virtualenvs see the host's system packages (Debian's python3-django, ...),
     *                            so pip takes a dependency from there instead of the index
     */
    public record Venv(String prefix, String python, boolean systemSitePackages) {
        public Venv(String prefix, String python) {
            this(prefix, python, false);
        }

        public String slotDir(String slot) {
            return prefix.endsWith("/") ? prefix + slot : prefix + "/" + slot;
        }
    }

    public record Supervisor(Path template, String supervisord, String supervisorctl) {
    }

    /**
     * @param probe where essay's include adds its own probe server ({@code 127.0.0.1:8399}), or null: requests through
     *              it answer with the upstream address nginx used, so switches are proven without the service's help
     */
    public record Router(List<HostAddress> hosts, String role, String nginx, String config, String upstreamFile,
                         String upstreamName, boolean sudo, String url, String stateDir, String probe) {
        public Router {
            hosts = List.copyOf(hosts);
        }

        public Router(List<HostAddress> hosts, String role, String nginx, String config, String upstreamFile,
                      String upstreamName, boolean sudo, String url, String stateDir) {
            this(hosts, role, nginx, config, upstreamFile, upstreamName, sudo, url, stateDir, null);
        }

        /** The URL requests go to on the router to see what nginx serves: the probe when there is one. */
        public String probeUrl(String path) {
            return probe == null ? null : "http://" + probe + path;
        }
    }

    public record Health(String path, int status, Duration timeout, int retries, Duration interval,
                         String slotHeader, String versionHeader, int quorum) {
    }

    public record Hooks(List<String> preDeploy, List<String> postDeploy) {
        public Hooks {
            preDeploy = List.copyOf(preDeploy);
            postDeploy = List.copyOf(postDeploy);
        }

        public static Hooks none() {
            return new Hooks(List.of(), List.of());
        }
    }

    /**
     * Where a secret's value is read on the machine running essay: an environment variable or a local file (exactly
     * one of the two). The value itself is never in the model.
     *
     * @param key  the name the service sees it under
     */
    public record SecretSource(String key, String env, Path file) {
        /** Where it is read, for messages: {@code the environment variable DB_PASSWORD} or {@code the file /x/key}. */
        public String describe() {
            return env != null ? "the environment variable " + env : "the file " + file;
        }
    }

    /**
     * Values passed to the service through its slot's supervisord config: {@code env} (plain) and {@code secrets}
     * (read where essay runs), with a profile's own values over them (essay.yaml {@code profiles.<name>}).
     */
    public record Environment(Map<String, String> env, Map<String, SecretSource> secrets,
                              Map<String, Environment> profiles) {
        public Environment {
            env = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(env));
            secrets = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(secrets));
            profiles = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(profiles));
        }

        public static Environment none() {
            return new Environment(Map.of(), Map.of(), Map.of());
        }

        /** The plain values for {@code profile}: the profile's over the common ones (a secret of the profile replaces one). */
        public Map<String, String> env(String profile) {
            Map<String, String> merged = new java.util.LinkedHashMap<>(env);
            Environment p = profiles.get(profile);
            if (p != null) {
                p.secrets().keySet().forEach(merged::remove);
                merged.putAll(p.env());
            }
            return merged;
        }

        /** The secrets for {@code profile}: the profile's over the common ones. */
        public Map<String, SecretSource> secrets(String profile) {
            Map<String, SecretSource> merged = new java.util.LinkedHashMap<>(secrets);
            Environment p = profiles.get(profile);
            if (p != null) {
                p.env().keySet().forEach(merged::remove);
                merged.putAll(p.secrets());
            }
            return merged;
        }
    }

    /**
     * An extra config file rendered per slot from a local template (the Fabric tool's {@code upload_conf}).
     *
     * @param template the local Jinja template
     * @param dest     where it is written, relative to the slot directory (no {@code ..}, not absolute)
     */
    public record ConfigFile(Path template, String dest) {
    }

    /**
     * pip's options for the deploy's install.
     *
     * @param extraIndexUrls indexes pip also looks in ({@code PIP_EXTRA_INDEX_URL})
     * @param trustedHosts   hosts pip trusts without valid HTTPS ({@code PIP_TRUSTED_HOST})
     * @param proxy          a proxy URL without credentials, or null
     * @param proxyEnv       an environment variable holding the proxy URL (it may hold credentials), or null
     * @param proxyFile      a local file holding the proxy URL, or null
     */
    public record Pip(List<String> extraIndexUrls, List<String> trustedHosts, String proxy, String proxyEnv,
                      Path proxyFile) {
        public Pip {
            extraIndexUrls = List.copyOf(extraIndexUrls);
            trustedHosts = List.copyOf(trustedHosts);
        }

        public static Pip none() {
            return new Pip(List.of(), List.of(), null, null, null);
        }
    }
}
