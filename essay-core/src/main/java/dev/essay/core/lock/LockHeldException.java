package dev.essay.core.lock;

import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;

/** Another release holds the lock: working, or gone (stale), as far as can be told from here. */
public class LockHeldException extends EssayException {
    private final LockHolder holder;

    public LockHeldException(String router, LockHolder holder) {
        super(ExitCode.LOCK_HELD, "the release lock on " + router + " is held by " + holder
                        + (holder.gone().orElse(false) ? "; that process is gone: the lock is stale" : ""), null,
                suggestion(holder), null);
        this.holder = holder;
    }

    /** What to do: for a stale lock, the exact command that breaks it (and only it). */
    public static String suggestion(LockHolder holder) {
        if (holder.gone().orElse(false)) {
            return "break the stale lock with: essay unlock --id " + holder.id();
        }
        if (holder.isHold()) {
            return "a sharded release holds it (essay lock, or a Jenkins essayLock block): deploy and switch under it with"
                    + " --lock " + holder.id() + ", or wait until it ends; its holder ends it with: essay unlock --id "
                    + holder.id();
        }
        return "wait for that release to finish; if it died, break the lock with: essay unlock --id " + holder.id();
    }

    public LockHolder holder() {
        return holder;
    }
}
