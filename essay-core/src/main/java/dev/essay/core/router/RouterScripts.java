package dev.essay.core.router;

import dev.essay.core.deploy.HealthCheck;
import dev.essay.core.lock.LockHolder;
import dev.essay.core.model.Project;
import dev.essay.core.plan.Operation;
import dev.essay.core.plan.Step;
import dev.essay.core.shell.Shell;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The remote operations on a router host: lock, state, staging an include, nginx test and reload,
 * proving the switch, restoring, and the ledger. Pure: renders shell, runs nothing.
 */
public final class RouterScripts {
    private final Project project;
    private final Project.Router router;

    public RouterScripts(Project project) {
        this.project = project;
        this.router = project.router();
    }

    String prelude() {
        return "U=" + Shell.path(router.upstreamFile()) + "\n"
                + "S=" + Shell.path(router.stateDir()) + "\n"
                + "NGINX=" + Shell.quote(router.nginx()) + "\n"
                + "NGINX_CONF=" + Shell.path(router.config()) + "\n"
                + "SUDO=" + (router.sudo() ? "'sudo -n'" : "''");
    }

    private Step step(String name, Operation... ops) {
        return new Step(name, prelude(), List.of(ops));
    }

    /** Reads the live include's header, whether a switch was interrupted, and who holds the lock. */
    public Step state() {
        return step("router-state", readState());
    }

    private Operation readState() {
        return Operation.of("read-state", String.join("\n",
                "if [ -f \"$U\" ]; then printf 'header=%s\\n' \"$(grep -m1 '^# essay:' \"$U\" || true)\"; else echo 'header='; fi",
                "if [ -f \"$S/switch.journal\" ]; then echo journal=present; else echo journal=absent; fi",
                "if [ -d \"$S/lock\" ]; then echo lock=held; sed 's/^/holder./' \"$S/lock/holder\" 2>/dev/null || true; else echo lock=free; fi"));
    }

    /** Takes the lock atomically ({@code mkdir}) and reads the state in the same round trip. */
    public Step lock(LockHolder holder) {
        StringBuilder write = new StringBuilder("{\n");
        for (Map.Entry<String, String> f : holder.fields().entrySet()) {
            write.append("  printf '%s=%s\\n' ").append(f.getKey()).append(' ')
                    .append(Shell.quote(f.getValue() == null ? "" : f.getValue().replace('\n', ' '))).append('\n');
        }
        write.append("} > \"$S/lock/holder\"");
        return step("lock", Operation.of("acquire-lock", String.join("\n",
                "mkdir -p \"$S\"",
                "if mkdir \"$S/lock\" 2>/dev/null; then",
                write.toString(),
                "  echo lock=acquired",
                "else",
                "  echo lock=held",
                "  sed 's/^/holder./' \"$S/lock/holder\" 2>/dev/null || true",
                "fi")), readState());
    }

    /** Releases the lock only if this holder still has it. */
    public Step unlock(String holderId) {
        return step("unlock", Operation.of("release-lock", String.join("\n",
                "if [ -f \"$S/lock/holder\" ] && grep -qx " + Shell.quote("id=" + holderId) + " \"$S/lock/holder\"; then",
                "  rm -rf \"$S/lock\"",
                "  echo lock=released",
                "else",
                "  echo lock=not-ours",
                "fi")));
    }

    /** Removes the lock whoever holds it (explicit `essay unlock`). */
    public Step breakLock() {
        return step("break-lock", Operation.of("break-lock", String.join("\n",
                "if [ -d \"$S/lock\" ]; then sed 's/^/holder./' \"$S/lock/holder\" 2>/dev/null || true; rm -rf \"$S/lock\"; echo lock=broken; else echo lock=free; fi")));
    }

    /**
     * Puts the new include in place (written beside it, then renamed: never half-written), keeping the
     * old one, and tests the whole nginx config. If the test fails the old include is back before exit.
     */
    public Step stage(String include, String journal) {
        String delimiter = "ESSAY_UPSTREAM_" + Integer.toHexString(include.hashCode() & 0x7fffffff);
        return step("stage", Operation.of("stage-upstream", String.join("\n",
                "mkdir -p \"$S\" \"$(dirname \"$U\")\"",
                "printf '%s\\n' " + Shell.quote(journal) + " > \"$S/switch.journal\"",
                "if [ -f \"$U\" ]; then cp -p \"$U\" \"$U.essay-prev\"; rm -f \"$U.essay-prev-absent\"; else rm -f \"$U.essay-prev\"; : > \"$U.essay-prev-absent\"; fi",
                "cat > \"$U.essay-new\" <<'" + delimiter + "'",
                include + delimiter,
                "mv -f \"$U.essay-new\" \"$U\"",
                "echo \"staged $U\"")),
                Operation.of("test-nginx", String.join("\n",
                        "if ! out=$($SUDO \"$NGINX\" -c \"$NGINX_CONF\" -t 2>&1); then",
                        "  printf '%s\\n' \"$out\"",
                        "  if [ -f \"$U.essay-prev\" ]; then mv -f \"$U.essay-prev\" \"$U\"; elif [ -f \"$U.essay-prev-absent\" ]; then rm -f \"$U\"; fi",
                        "  rm -f \"$U.essay-prev-absent\" \"$S/switch.journal\"",
                        "  echo 'nginx -t failed; the previous include is back in place'",
                        "  exit 1",
                        "fi",
                        "printf '%s\\n' \"$out\"")));
    }

    /** Graceful reload: old workers finish their requests, new connections reach the new upstream. */
    public Step reload() {
        return step("reload", reloadOp());
    }

    private Operation reloadOp() {
        return Operation.of("reload-nginx", "$SUDO \"$NGINX\" -c \"$NGINX_CONF\" -s reload 2>&1");
    }

    /** Requests {@code router.url} on the router host until enough answers in a row come from the new slot. */
    public Step prove(String slot, String version, int consecutive) {
        return step("prove", Operation.of("prove-switch", HealthCheck.shell("python3", project.health(),
                List.of(router.url()), slot, project.health().versionHeader().isEmpty() ? null : version,
                Math.max(project.health().retries(), consecutive * 2), consecutive, "")));
    }

    /** Marks the switch finished (the journal tells a later run that a switch was interrupted). */
    public Step commit() {
        return step("commit", Operation.of("commit-switch", "rm -f \"$S/switch.journal\" \"$U.essay-prev-absent\"\necho committed"));
    }

    /** Puts the previous include back and reloads nginx (undoing a staged or reloaded switch). */
    public Step restore(boolean reload) {
        List<Operation> ops = new ArrayList<>();
        ops.add(Operation.of("restore-upstream", String.join("\n",
                "if [ -f \"$U.essay-prev\" ]; then mv -f \"$U.essay-prev\" \"$U\"; echo \"restored $U\";",
                "elif [ -f \"$U.essay-prev-absent\" ]; then rm -f \"$U\"; echo \"removed $U (there was none before)\";",
                "else echo 'nothing to restore'; fi",
                "rm -f \"$U.essay-prev-absent\" \"$S/switch.journal\"")));
        if (reload) {
            ops.add(Operation.of("test-nginx", "$SUDO \"$NGINX\" -c \"$NGINX_CONF\" -t 2>&1"));
            ops.add(reloadOp());
        }
        return new Step("restore", prelude(), ops);
    }

    public Step appendLedger(String json) {
        return step("ledger", Operation.of("append-ledger", String.join("\n",
                "mkdir -p \"$S\"",
                "printf '%s\\n' " + Shell.quote(json) + " >> \"$S/ledger.jsonl\"")));
    }

    public Step readLedger(int limit) {
        return step("history", Operation.of("read-ledger",
                "if [ -f \"$S/ledger.jsonl\" ]; then tail -n " + Math.max(1, limit) + " \"$S/ledger.jsonl\"; fi"));
    }
}
