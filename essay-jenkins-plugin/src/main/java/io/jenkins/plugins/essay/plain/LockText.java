package io.jenkins.plugins.essay.plain;

import dev.essay.core.ledger.LedgerEntry;
import java.util.List;

/** What an {@code essayLock} block says in the build log about the steps that ran under it. */
public final class LockText {
    private LockText() {
    }

    /**
     * One line for a ledger entry the end of the lock recorded:
     * {@code deploy 2.0.0 into slot b: ok on 3 host(s), 3 ok (2 shard(s) under one lock: shard 0/2 ok; shard 1/2 ok)}.
     */
    public static String recorded(LedgerEntry e) {
        long ok = e.hosts().stream().filter(h -> "ok".equals(h.result()) || "unchanged".equals(h.result())).count();
        return e.action() + (e.version() == null ? "" : " " + e.version()) + (e.to() == null ? "" : " into slot " + e.to())
                + ": " + e.result() + " on " + e.hosts().size() + " host(s), " + ok + " ok"
                + (e.detail() == null ? "" : " (" + e.detail() + ")");
    }

    /** The block's closing lines: what each step under the lock came to, and what the lock's end recorded. */
    public static List<String> summary(String lockId, List<String> steps, List<String> recordedAtEnd) {
        List<String> lines = new java.util.ArrayList<>();
        lines.add("released the release lock " + lockId + "; under it:");
        if (steps.isEmpty()) {
            lines.add("  no essay step ran");
        }
        steps.forEach(s -> lines.add("  " + s));
        recordedAtEnd.forEach(r -> lines.add("  recorded in the ledger: " + r));
        return lines;
    }
}
