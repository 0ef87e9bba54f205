package io.jenkins.plugins.essay.plain;

import java.io.Serializable;
import java.util.function.UnaryOperator;

/**
 * {@code essayLock { ... }}: holds the release lock for the steps in its block, so that a deploy split into shards
 * across several agents ({@code essayDeploy(shard: [i, n])} in parallel branches) and the one switch after it run under
 * one lock; the shards' deploys are recorded as one ledger entry with every host.
 */
public final class LockConfig extends FleetConfig<LockConfig.Hold> {
    /** What the step is called in the Snippet Generator. */
    public static final String TITLE = "essay: hold the release lock for the steps in this block (sharded deploys)";

    private String note;

    /** What holds the lock, for essay status and the refusals of everyone else; null for the build's name alone. */
    public String getNote() {
        return note;
    }

    public void setNote(String note) {
        this.note = trim(note);
    }

    @Override
    public String name() {
        return "essay lock";
    }

    /** The lock's note: {@code essayLock in <build>}, and the step's note after it. */
    public Hold hold(String build) {
        return new Hold("essayLock in " + build + (note == null ? "" : ": " + note));
    }

    @Override
    public Hold request() {
        return new Hold(note);
    }

    @Override
    public LockConfig expand(UnaryOperator<String> env) {
        LockConfig copy = new LockConfig();
        copy.setNote(expanded(env, note));
        return withLogin(copy, env);
    }

    /** Take the release lock and keep it, noting what holds it. */
    public record Hold(String note) implements Serializable {
    }
}
