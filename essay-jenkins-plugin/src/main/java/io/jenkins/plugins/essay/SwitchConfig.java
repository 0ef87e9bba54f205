package io.jenkins.plugins.essay;

import dev.essay.core.SwitchRequest;
import java.util.function.UnaryOperator;

/** {@code essaySwitch} and "essay: switch / roll back": put a slot live, or the previous one back. */
final class SwitchConfig extends FleetConfig<SwitchRequest> {
    /** What the step and the build step are called in the job configuration and the Snippet Generator. */
    static final String TITLE = "essay: switch the live slot, or roll back";

    private String to;
    private boolean rollback;

    /** The slot to put live; null for the slot that is not live (with two slots) or, on rollback, the previous one. */
    String getTo() {
        return to;
    }

    void setTo(String to) {
        this.to = trim(to);
    }

    boolean isRollback() {
        return rollback;
    }

    void setRollback(boolean rollback) {
        this.rollback = rollback;
    }

    @Override
    String name() {
        return rollback ? "essay rollback" : "essay switch";
    }

    @Override
    SwitchRequest request() {
        return new SwitchRequest(to, rollback, isForce());
    }

    @Override
    SwitchConfig expand(UnaryOperator<String> env) {
        SwitchConfig copy = new SwitchConfig();
        copy.setTo(expanded(env, to));
        copy.setRollback(rollback);
        return withLogin(copy, env);
    }
}
