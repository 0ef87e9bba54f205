package dev.essay.fleet;

import java.net.URI;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The essay.yaml of a fleet on this machine (docs/essay-yaml.md): the sample project, one role {@code web} of
 * every host, slots a and b, the fleet's nginx router. One rendering for the test fleet and the demo's
 * sandbox; each passes its own paths and the comments it shows its reader.
 */
public final class FleetConfig {
    public static final String PROJECT = "essay-sample";
    public static final String UPSTREAM_NAME = "essay_sample";
    /** Slot name to port prefix: process i of slot a listens on {@code 810i}. */
    public static final Map<String, String> SLOTS = slots();
    public static final int PROCESS_COUNT = 2;

    private FleetConfig() {
    }

    private static Map<String, String> slots() {
        Map<String, String> slots = new LinkedHashMap<>();
        slots.put("a", "810");
        slots.put("b", "811");
        return Collections.unmodifiableMap(slots);
    }

    /**
     * What differs between fleets. {@code buildPython} null: no {@code build:} section;
     * {@code pinHostKeys}: write {@code accept_new_host_keys: false}.
     */
    public record Values(List<String> header, URI indexUrl, List<FleetHost> hosts, Path identity, Path knownHosts,
            boolean pinHostKeys, String venvPrefix, String buildPython, FleetHost router, Path nginxConfig,
            Path upstreamFile, URI healthUrl, Path stateDir) {
    }

    /**
     * The essay.yaml text. {@code notes} maps a key ({@code index.url}, {@code ssh.known_hosts}, {@code venv.prefix},
     * {@code build.python}, {@code router.state_dir}) to a comment written after its value.
     */
    public static String yaml(Values v, Map<String, String> notes) {
        StringBuilder y = new StringBuilder();
        v.header().forEach(line -> y.append("# ").append(line).append('\n'));
        y.append("project: ").append(PROJECT).append('\n');
        y.append("index:\n");
        y.append("  url: ").append(v.indexUrl()).append(note(notes, "index.url")).append('\n');
        y.append("roles:\n  web:\n");
        for (FleetHost host : v.hosts()) {
            y.append("    - ").append(host.spec()).append('\n');
        }
        y.append("default_role: web\n");
        y.append("ssh:\n");
        y.append("  identity: ").append(v.identity()).append('\n');
        y.append("  known_hosts: ").append(v.knownHosts()).append(note(notes, "ssh.known_hosts")).append('\n');
        if (v.pinHostKeys()) {
            y.append("  accept_new_host_keys: false\n");
        }
        y.append("  connect_timeout: 5s\n");
        y.append("slots:\n");
        SLOTS.forEach((slot, prefix) -> y.append("  ").append(slot).append(": { port_prefix: \"").append(prefix).append("\" }\n"));
        y.append("process_count: ").append(PROCESS_COUNT).append('\n');
        y.append("venv:\n");
        y.append("  prefix: ").append(v.venvPrefix()).append(note(notes, "venv.prefix")).append('\n');
        y.append("  python: ").append(SampleBuild.PYTHON).append('\n');
        y.append("profile: prod\n");
        y.append("supervisor:\n  template: conf/supervisord.conf\n");
        if (v.buildPython() != null) {
            y.append("build:\n  python: ").append(v.buildPython()).append(note(notes, "build.python")).append('\n');
        }
        y.append("router:\n");
        y.append("  hosts: [").append(v.router().spec()).append("]\n");
        y.append("  nginx: ").append(Nginx.BINARY).append('\n');
        y.append("  config: ").append(v.nginxConfig()).append('\n');
        y.append("  upstream_file: ").append(v.upstreamFile()).append('\n');
        y.append("  upstream_name: ").append(UPSTREAM_NAME).append('\n');
        y.append("  url: ").append(v.healthUrl()).append('\n');
        y.append("  state_dir: ").append(v.stateDir()).append(note(notes, "router.state_dir")).append('\n');
        return y.toString();
    }

    private static String note(Map<String, String> notes, String key) {
        String note = notes.get(key);
        return note == null ? "" : "     # " + note;
    }
}
