package dev.essay.core.plan;

import dev.essay.core.transport.RemoteScript;
import java.util.List;

/**
 * Operations sent to one host in one round trip. The rendered script runs each operation in its own
 * {@code set -e} subshell, brackets it with progress markers, and stops at the first that fails.
 *
 * <p>A watchdog runs beside the operations: it writes {@link RemoteScript#TICK} every second, and when the write
 * fails (essay's connection is gone: Ctrl-C, a killed essay, a broken network) it ends the step's processes
 * (children first), so nothing keeps working on a host that essay no longer watches, and a later release does
 * not race a forgotten one. Without it a silent remote command would run on after the connection dropped (no
 * terminal is allocated, so no SIGHUP). It ends with the script.
 *
 * @param prelude shell variable assignments shared by the operations (no side effects)
 */
public record Step(String name, String prelude, List<Operation> operations) {
    public Step {
        operations = List.copyOf(operations);
    }

    private static final String WATCHDOG = String.join("\n",
            "/bin/sh -c 'trap \"\" PIPE",
            "while printf \"%s\\n\" \"" + RemoteScript.TICK + "\" 2>/dev/null; do sleep 1 </dev/null >/dev/null 2>&1; done",
            "essay_end() { for c in $(ps -o pid= --ppid \"$1\" 2>/dev/null); do [ \"$c\" = \"$$\" ] || essay_end \"$c\"; done; kill -TERM \"$1\" 2>/dev/null; }",
            "essay_end \"$1\"' essay-watchdog \"$$\" </dev/null 2>/dev/null &",
            "essay_watchdog=$!",
            "trap 'kill \"$essay_watchdog\" 2>/dev/null' EXIT",
            "");

    public RemoteScript toScript() {
        return new RemoteScript(name, render(false), render(true));
    }

    private String render(boolean display) {
        StringBuilder s = new StringBuilder();
        s.append("# essay step: ").append(name).append('\n');
        s.append("set -u\n");
        s.append("umask 022\n");
        s.append(WATCHDOG);
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
