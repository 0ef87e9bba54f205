package dev.essay.core.config;

import dev.essay.core.error.ConfigException;
import dev.essay.core.error.ConfigException.Problem;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.yaml.snakeyaml.nodes.Node;

/** Collects every problem found in one file, so that all of them are reported at once. */
final class Problems {
    private final String file;
    private final List<Problem> list = new ArrayList<>();

    Problems(String file) {
        this.file = file;
    }

    /** 1-based line of a node. */
    static int line(Node node) {
        return node == null || node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    void add(int line, String field, String message) {
        list.add(new Problem(file, line, field, message));
    }

    void at(Node node, String field, String message) {
        add(line(node), field, message);
    }

    int size() {
        return list.size();
    }

    /** Throws the collected problems, ordered by line (problems without a line last), when there are any. */
    void throwIfAny() {
        if (!list.isEmpty()) {
            throw exception();
        }
    }

    ConfigException exception() {
        List<Problem> sorted = new ArrayList<>(list);
        sorted.sort(Comparator.comparingInt(p -> p.line() == 0 ? Integer.MAX_VALUE : p.line()));
        return new ConfigException(sorted);
    }
}
