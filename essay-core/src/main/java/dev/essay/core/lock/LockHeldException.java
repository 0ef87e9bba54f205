package dev.essay.core.lock;

import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;

/** Another release holds the lock. */
public class LockHeldException extends EssayException {
    private final LockHolder holder;

    public LockHeldException(String router, LockHolder holder) {
        super(ExitCode.LOCK_HELD, "the release lock on " + router + " is held by " + holder, null,
                "wait for that release to finish; if it died, break the lock with `essay unlock`", null);
        this.holder = holder;
    }

    public LockHolder holder() {
        return holder;
    }
}
