package dev.essay.core.plan;

import dev.essay.core.transport.RemoteScript;
import java.util.List;

/**
 * Operations sent to one host in one round trip. The rendered script runs each operation in its own
 * {@code set -e} subshell, brackets it with progress markers, and stops at the first that fails.
 *
 * @param prelude shell variable assignments shared by the operations (no side effects)
 */
public record Step(String name, String prelude, List<Operation> operations) {
    public Step {
        operations = List.copyOf(operations);
    }

    public RemoteScript toScript() {
        return new RemoteScript(name, render(false), render(true));
    }

    private String render(boolean display) {
        StringBuilder s = new StringBuilder();
        s.append("# essay step: ").append(name).append('\n');
        s.append("set -u\n");
        s.append("umask 022\n");
        if (!prelude.isBlank()) {
            s.append(prelude.strip()).append('\n');
        }
        for (Operation op : operations) {
            s.append('\n').append("# operation: ").append(op.name()).append('\n');
            s.append("printf '").append(RemoteScript.MARKER).append("begin %s\\n' ").append(op.name()).append('\n');
            s.append("(\nset -e\n").append((display ? op.display() : op.script()).strip()).append("\n) </dev/null\n");
            s.append("essay_rc=$?\n");
            s.append("if [ \"$essay_rc\" -ne 0 ]; then printf '").append(RemoteScript.MARKER)
                    .append("fail %s %s\\n' ").append(op.name()).append(" \"$essay_rc\"; exit \"$essay_rc\"; fi\n");
            s.append("printf '").append(RemoteScript.MARKER).append("end %s\\n' ").append(op.name()).append('\n');
        }
        return s.toString();
    }
}
