package dev.essay.core.router;

import dev.essay.core.ledger.LedgerEntry;
import dev.essay.core.lock.LockHolder;
import dev.essay.core.model.Project;
import dev.essay.core.plan.Operation;
import dev.essay.core.plan.Step;
import dev.essay.core.shell.Shell;
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

    /** Reads the live include's header and servers, whether a switch was interrupted, who holds the lock, and what nginx serves. */
    public Step state() {
        return step("router-state", readState(), observe());
    }

    private Operation readState() {
        return Operation.of("read-state", String.join("\n",
                "if [ -f \"$U\" ]; then printf 'header=%s\\n' \"$(grep -m1 '^# essay:' \"$U\" || true)\"; echo include=present;"
                        + " sed -n 's/^[[:space:]]*server[[:space:]][[:space:]]*\\([^;[:space:]]*\\).*/server=\\1/p' \"$U\";"
                        + " else echo 'header='; echo include=absent; fi",
                "if [ -f \"$S/switch.journal\" ]; then echo journal=present; sed -n '1s/^/journal.text=/p' \"$S/switch.journal\"; else echo journal=absent; fi",
                "if [ -d \"$S/lock\" ]; then echo lock=held; sed 's/^/holder./' \"$S/lock/holder\" 2>/dev/null || true; else echo lock=free; fi"));
    }

    /** Asks through nginx which slot answers (see {@link Observation}); never fails the step. */
    private Operation observe() {
        int count = Math.min(20, Math.max(3, 2 * project.hosts(router.role()).size() * project.processCount()));
        return Operation.of("observe-nginx", Observation.shell(project, count, null, 0, 0));
    }

    /**
     * Takes the lock atomically ({@code mkdir}) and reads the state in the same round trip. Under the lock, a backup
     * of the include that no journal names (left by a run killed while staging) is removed: only a journaled switch
     * may ever put a backup back.
     */
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
                "  if [ ! -f \"$S/switch.journal\" ]; then rm -f \"$U.essay-prev\" \"$U.essay-prev.tmp\" \"$U.essay-prev-absent\" \"$U.essay-new\"; fi",
                "else",
                "  echo lock=held",
                "  sed 's/^/holder./' \"$S/lock/holder\" 2>/dev/null || true",
                "fi")), readState(), observe());
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

    /**
     * Removes the lock (explicit `essay unlock`, or the end of a held lock): whoever holds it, or with an id only that
     * holder's. The shards' deploy entries kept under it are printed first ({@code shard=<json>} lines), so that the
     * caller records them.
     */
    public Step breakLock(String id) {
        String ours = id == null ? "" : " && grep -qx " + Shell.quote("id=" + id) + " \"$S/lock/holder\"";
        return step("break-lock", Operation.of("break-lock", String.join("\n",
                "if [ -d \"$S/lock\" ]" + ours + "; then sed 's/^/holder./' \"$S/lock/holder\" 2>/dev/null || true;"
                        + " sed 's/^/shard=/' \"$S/lock/shards.jsonl\" 2>/dev/null || true;"
                        + " rm -rf \"$S/lock\"; echo lock=broken; elif [ -d \"$S/lock\" ]; then echo lock=other; else echo lock=free; fi")));
    }

    /**
     * Keeps a shard's deploy entry under the held lock {@code lockId} (one JSON line in the lock directory; an entry
     * whose id is there already is kept once), to be merged with the other shards' into one ledger entry; prints
     * {@code shard=kept}, or {@code shard=no-lock} when the lock is no longer that holder's.
     */
    public Step keepShard(String lockId, String json, String entryId) {
        return step("ledger", Operation.of("keep-shard", String.join("\n",
                "F=\"$S/lock/shards.jsonl\"",
                "if [ -f \"$S/lock/holder\" ] && grep -qx " + Shell.quote("id=" + lockId) + " \"$S/lock/holder\"; then",
                "  if [ -f \"$F\" ] && grep -qF " + Shell.quote("\"id\":\"" + entryId + "\"") + " \"$F\"; then echo shard=kept; exit 0; fi",
                "  printf '%s\\n' " + Shell.quote(json) + " >> \"$F\"",
                "  echo shard=kept",
                "else",
                "  echo shard=no-lock",
                "fi")));
    }

    /** Prints the shards' deploy entries kept under the held lock {@code lockId} ({@code shard=<json>} lines). */
    public Step readShards(String lockId) {
        return step("ledger", Operation.of("read-shards", String.join("\n",
                "if [ -f \"$S/lock/holder\" ] && grep -qx " + Shell.quote("id=" + lockId) + " \"$S/lock/holder\"; then",
                "  sed 's/^/shard=/' \"$S/lock/shards.jsonl\" 2>/dev/null || true",
                "fi")));
    }

    /** Forgets the shards' entries kept under the held lock {@code lockId} once they are in the ledger. */
    public Step clearShards(String lockId) {
        return step("ledger", Operation.of("clear-shards", String.join("\n",
                "if [ -f \"$S/lock/holder\" ] && grep -qx " + Shell.quote("id=" + lockId) + " \"$S/lock/holder\"; then",
                "  rm -f \"$S/lock/shards.jsonl\"",
                "fi")));
    }

    /**
     * Puts the new include in place (written beside it, then renamed: never half-written) and tests the whole nginx
     * config; if the test fails the old include is back before exit. The order makes an interruption at any line
     * safe: the backup is complete before the journal names it, and the journal exists before the include changes,
     * so {@link #restore} puts back exactly what this switch replaced, and nothing when it replaced nothing.
     */
    public Step stage(String include, String journal) {
        String delimiter = "ESSAY_UPSTREAM_" + Integer.toHexString(include.hashCode() & 0x7fffffff);
        return step("stage", Operation.of("stage-upstream", String.join("\n",
                "mkdir -p \"$S\" \"$(dirname \"$U\")\"",
                "if [ -f \"$S/switch.journal\" ]; then echo 'an interrupted switch is not undone yet; run the command again'; exit 1; fi",
                "rm -f \"$U.essay-prev\" \"$U.essay-prev-absent\"",
                "if [ -f \"$U\" ]; then cp -p \"$U\" \"$U.essay-prev.tmp\"; mv -f \"$U.essay-prev.tmp\" \"$U.essay-prev\"; else : > \"$U.essay-prev-absent\"; fi",
                "printf '%s\\n' " + Shell.quote(journal) + " > \"$S/switch.journal.tmp\"",
                "mv -f \"$S/switch.journal.tmp\" \"$S/switch.journal\"",
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

    /** Asks through nginx until enough answers in a row come from the new slot (see {@link Observation}). */
    public Step prove(String slot, int consecutive) {
        return step("prove", Operation.of("prove-switch", Observation.shell(project, 0, slot, consecutive,
                Math.max(project.health().retries(), consecutive * 2))));
    }

    /** Marks the switch finished: its backup goes, then its journal (a journal without a backup restores nothing). */
    public Step commit() {
        return step("commit", Operation.of("commit-switch",
                "rm -f \"$U.essay-prev\" \"$U.essay-prev-absent\"\nrm -f \"$S/switch.journal\"\necho committed"));
    }

    /**
     * Undoes a switch that did not finish, and only such a switch: with its journal present, puts the include it
     * replaced back (or removes the include when there was none), then tests and reloads nginx if the include changed
     * (nginx may have loaded it, or may load it on any later reload). The journal goes once the include is back, so a
     * reload that fails here is reported but not retried by the next command (which sees what nginx serves). Without
     * a journal it changes nothing: a backup no journal names is not this switch's. Prints {@code restored=yes|no} and
     * {@code changed=yes|no}.
     */
    public Step restore() {
        return step("restore", Operation.of("restore-upstream", String.join("\n",
                "changed=no",
                "if [ -f \"$S/switch.journal\" ]; then",
                "  if [ -f \"$U.essay-prev\" ]; then",
                "    if ! cmp -s \"$U.essay-prev\" \"$U\"; then changed=yes; fi",
                "    mv -f \"$U.essay-prev\" \"$U\"",
                "  elif [ -f \"$U.essay-prev-absent\" ]; then",
                "    if [ -f \"$U\" ]; then changed=yes; fi",
                "    rm -f \"$U\"",
                "  fi",
                "  rm -f \"$U.essay-prev-absent\" \"$U.essay-new\" \"$S/switch.journal\"",
                "  echo restored=yes",
                "else",
                "  rm -f \"$S/switch.journal\"",
                "  echo restored=no",
                "fi",
                "echo changed=$changed",
                "if [ \"$changed\" = yes ]; then",
                "  $SUDO \"$NGINX\" -c \"$NGINX_CONF\" -t 2>&1",
                "  $SUDO \"$NGINX\" -c \"$NGINX_CONF\" -s reload 2>&1",
                "  echo reloaded=yes",
                "fi")));
    }

    /**
     * Appends one entry. Idempotent by {@code id} (an append retried after its connection broke is not written twice),
     * and an entry always starts on a line of its own (a torn earlier line does not swallow it).
     */
    public Step appendLedger(String json, String id) {
        return step("ledger", Operation.of("append-ledger", String.join("\n",
                "mkdir -p \"$S\"",
                "L=\"$S/ledger.jsonl\"",
                "if [ -f \"$L\" ] && tail -n 200 \"$L\" | grep -qF " + Shell.quote("\"id\":\"" + id + "\"") + "; then echo 'already recorded'; exit 0; fi",
                "if [ -s \"$L\" ] && [ -n \"$(tail -c 1 \"$L\")\" ]; then echo >> \"$L\"; fi",
                "printf '%s\\n' " + Shell.quote(json) + " >> \"$L\"")));
    }

    public Step readLedger(int limit) {
        return step("history", Operation.of("read-ledger",
                "if [ -f \"$S/ledger.jsonl\" ]; then tail -n " + Math.max(1, limit) + " \"$S/ledger.jsonl\"; fi"));
    }

    /**
     * The newest {@code limit} release, switch, rollback and adopt entries of the ledger
     * ({@link LedgerEntry#LIVE_ACTIONS}), oldest first (one JSON object per line): the newest successful one put the
     * live slot live, with the version {@code essay repair} restores.
     */
    public Step switches(int limit) {
        return step("ledger-switches", Operation.of("read-switches",
                "if [ -f \"$S/ledger.jsonl\" ]; then grep -E '\"action\":\"(" + String.join("|", LedgerEntry.LIVE_ACTIONS)
                        + ")\"' \"$S/ledger.jsonl\""
                        + " | tail -n " + Math.max(1, limit) + "; fi"));
    }
}
