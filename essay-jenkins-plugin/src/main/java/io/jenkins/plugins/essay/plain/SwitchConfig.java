package io.jenkins.plugins.essay.plain;

import dev.essay.core.api.SwitchRequest;
import java.util.function.UnaryOperator;

/** {@code essaySwitch} and "essay: switch / roll back": put a slot live, or the previous one back. */
public final class SwitchConfig extends FleetConfig<SwitchRequest> {
    /** What the step and the build step are called in the job configuration and the Snippet Generator. */
    public static final String TITLE = "essay: switch the live slot, or roll back";

    private String to;
    private boolean rollback;

    /** The slot to put live; null for the slot that is not live (with two slots) or, on rollback, the previous one. */
    public String getTo() {
        return to;
    }

    public void setTo(String to) {
        this.to = trim(to);
    }

    public boolean isRollback() {
        return rollback;
    }

    public void setRollback(boolean rollback) {
        this.rollback = rollback;
    }

    @Override
    public String name() {
        return rollback ? "essay rollback" : "essay switch";
    }

    @Override
    public SwitchRequest request() {
        return new SwitchRequest(to, rollback, isForce());
    }

    @Override
    public SwitchConfig expand(UnaryOperator<String> env) {
        SwitchConfig copy = new SwitchConfig();
        copy.setTo(expanded(env, to));
        copy.setRollback(rollback);
        return withLogin(copy, env);
    }
}
