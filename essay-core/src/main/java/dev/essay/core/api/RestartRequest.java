package dev.essay.core.api;

import java.io.Serializable;
import java.time.Duration;

/**
 * A rolling restart of a slot's processes: {@code batch} hosts at a time, each batch healthy before the next.
 * Plain values, {@link Serializable} (a front end may send it to where the engine runs).
 *
 * @param slot  null for the live slot
 * @param role  null for the default role
 * @param shard the hosts of the role to restart (null: every host)
 * @param batch hosts restarted at once (at least 1); on the live slot a batch never takes every host of the role
 * @param force restart even when a batch would take every host of the role, or when the routers disagree
 * @param pause on the live slot, how long to wait after a batch came back healthy before the next: nginx gives no
 *              request for its {@code fail_timeout} (10s by default) to a server it saw fail, and a process refuses
 *              connections while it restarts
 */
public record RestartRequest(String slot, String role, Shard shard, int batch, boolean force, Duration pause)
        implements Serializable {
    /** nginx's default {@code fail_timeout} (10s) and a margin. */
    public static final Duration PAUSE = Duration.ofSeconds(12);

    public RestartRequest {
        pause = pause == null ? PAUSE : pause;
        if (pause.isNegative()) {
            throw new IllegalArgumentException("the pause between batches cannot be negative: " + pause);
        }
    }

    /** With the default {@link #PAUSE}. */
    public RestartRequest(String slot, String role, Shard shard, int batch, boolean force) {
        this(slot, role, shard, batch, force, PAUSE);
    }
}
