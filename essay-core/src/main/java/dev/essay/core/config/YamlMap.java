package dev.essay.core.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One mapping of essay.yaml with its dotted path. Creating it reports keys that are not plain names,
 * duplicate keys and (when the known keys are given) unknown keys with the closest known one.
 */
final class YamlMap {
    private final Problems problems;
    private final String path;
    private final int line;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();

    private YamlMap(Problems problems, String path, int line) {
        this.problems = problems;
        this.path = path;
        this.line = line;
    }

    /**
     * @param node      the mapping node
     * @param path      its dotted path ("" for the top level)
     * @param line      line of the key that introduces it (0 for the top level)
     * @param known     the keys it may hold, or null when any key is allowed (role and slot names)
     * @param forbidden keys that get a specific message instead of "unknown key"
     * @return the mapping, or null (with a problem reported) when the node is not a mapping
     */
    static YamlMap of(Problems problems, Node node, String path, int line, List<String> known,
                      Map<String, String> forbidden) {
        if (!(node instanceof MappingNode mapping)) {
            problems.at(node, path, "must be a mapping of keys to values, not " + describe(node));
            return null;
        }
        YamlMap map = new YamlMap(problems, path, line);
        for (NodeTuple tuple : mapping.getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode scalarKey) || keyNode.getTag().equals(Tag.NULL)) {
                problems.at(keyNode, path, "keys must be plain names, not " + describe(keyNode));
                continue;
            }
            String key = scalarKey.getValue();
            NodeTuple first = map.entries.get(key);
            if (first != null) {
                problems.at(keyNode, map.field(key), "duplicate key '" + key + "' (first on line "
                        + Problems.line(first.getKeyNode()) + "); keep one");
                continue;
            }
            if (forbidden.containsKey(key)) {
                problems.at(keyNode, map.field(key), forbidden.get(key));
                continue;
            }
            if (known != null && !known.contains(key)) {
                Optional<String> closest = Suggestions.closest(key, known);
                problems.at(keyNode, path, "unknown key '" + key + "'; " + closest.map(k -> "did you mean '" + k + "'?")
                        .orElse("known keys: " + String.join(", ", known)));
                continue;
            }
            map.entries.put(key, tuple);
        }
        return map;
    }

    /** What a node is, for messages: {@code a list}, {@code a mapping} or the scalar quoted. */
    static String describe(Node node) {
        if (node instanceof SequenceNode) {
            return "a list";
        }
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof ScalarNode s) {
            return s.getTag().equals(Tag.NULL) ? "an empty value" : "'" + s.getValue() + "'";
        }
        return "nothing";
    }

    static boolean isNull(Node node) {
        return node == null || (node instanceof ScalarNode && node.getTag().equals(Tag.NULL));
    }

    String path() {
        return path;
    }

    int line() {
        return line;
    }

    String field(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** The value, or null when the key is absent or has no value ({@code key:}, {@code ~}, {@code null}). */
    Node get(String key) {
        NodeTuple tuple = entries.get(key);
        return tuple == null || isNull(tuple.getValueNode()) ? null : tuple.getValueNode();
    }

    boolean has(String key) {
        return get(key) != null;
    }

    /** The line of the key when it is present, else the line of this mapping's own key. */
    int lineOf(String key) {
        NodeTuple tuple = entries.get(key);
        return tuple == null ? line : Problems.line(tuple.getKeyNode());
    }

    /** Key/value pairs in file order (keys already checked). */
    List<Map.Entry<String, NodeTuple>> entries() {
        return new ArrayList<>(entries.entrySet());
    }

    /** Reports that a required key is missing (or empty). */
    void required(String key, String what) {
        NodeTuple tuple = entries.get(key);
        boolean tilde = tuple != null && tuple.getValueNode() instanceof ScalarNode s && s.getValue().equals("~");
        problems.add(lineOf(key), field(key), "required; " + what + (tilde ? " (in YAML a lone ~ means no value)" : ""));
    }
}
