package io.jenkins.plugins.essay.plain;

import dev.essay.core.api.RestartRequest;
import dev.essay.core.api.Shard;
import dev.essay.core.api.StopStartRequest;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * {@code essayRestart}, {@code essayStop} and {@code essayStart}: the day-2 commands that change a slot's processes
 * ({@code essay restart}, {@code essay stop}, {@code essay start}), under the release lock and in the ledger.
 */
public final class SlotCommandConfig extends FleetConfig<Serializable> {
    /** Which command. */
    public enum Command {
        RESTART("restart", "essay: rolling restart of a slot (the live slot by default)"),
        STOP("stop", "essay: stop a slot that is not live"),
        START("start", "essay: start a slot that is not live");

        private final String action;
        private final String title;

        Command(String action, String title) {
            this.action = action;
            this.title = title;
        }

        /** The ledger's word for it. */
        public String action() {
            return action;
        }

        /** What the step is called in the Snippet Generator. */
        public String title() {
            return title;
        }
    }

    /** The default number of hosts a restart takes at a time. */
    public static final int DEFAULT_BATCH = 1;

    private final Command command;
    private String slot;
    private String role;
    private List<String> hosts;
    private int batch = DEFAULT_BATCH;
    private Integer pause;

    public SlotCommandConfig(Command command) {
        this.command = command;
    }

    public Command command() {
        return command;
    }

    /** The slot; null for the live one (restart only: stop and start need it). */
    public String getSlot() {
        return slot;
    }

    public void setSlot(String slot) {
        this.slot = trim(slot);
    }

    public String getRole() {
        return role;
    }

    public void setRole(String role) {
        this.role = trim(role);
    }

    /** The hosts of the role to act on; null for all of them. */
    public List<String> getHosts() {
        return hosts == null ? null : new ArrayList<>(hosts);
    }

    public void setHosts(List<String> hosts) {
        this.hosts = trimmed(hosts);
    }

    /** Hosts a restart takes at a time. */
    public int getBatch() {
        return batch;
    }

    public void setBatch(int batch) {
        this.batch = batch;
    }

    /** Seconds a restart of the live slot waits between batches; null for the engine's default. */
    public Integer getPause() {
        return pause;
    }

    public void setPause(Integer pause) {
        this.pause = pause;
    }

    @Override
    public String name() {
        return "essay " + command.action();
    }

    /**
     * The engine's request: a {@link RestartRequest}, or a {@link StopStart}.
     *
     * @throws IllegalArgumentException naming the field, when stop or start has no slot, a restart's batch is below 1
     *                                  or its pause negative
     */
    @Override
    public Serializable request() {
        Shard part = hosts == null ? null : Shard.named(hosts);
        if (command == Command.RESTART) {
            if (batch < 1) {
                throw new IllegalArgumentException(name() + ": batch is the number of hosts restarted at a time, at least"
                        + " 1, not " + batch);
            }
            if (pause != null && pause < 0) {
                throw new IllegalArgumentException(name() + ": pause is seconds between batches, 0 or more, not " + pause);
            }
            return new RestartRequest(slot, role, part, batch, isForce(), pause == null ? null : Duration.ofSeconds(pause));
        }
        if (slot == null) {
            throw new IllegalArgumentException(name() + " needs the slot to " + command.action() + " (slot: 'b')");
        }
        return new StopStart(command == Command.START, new StopStartRequest(slot, role, part, isForce()));
    }

    @Override
    public SlotCommandConfig expand(UnaryOperator<String> env) {
        SlotCommandConfig copy = new SlotCommandConfig(command);
        copy.setSlot(expanded(env, slot));
        copy.setRole(expanded(env, role));
        copy.setHosts(hosts == null ? null : hosts.stream().map(h -> expanded(env, h)).toList());
        copy.setBatch(batch);
        copy.setPause(pause);
        return withLogin(copy, env);
    }

    /** {@code essay start} ({@code start}) or {@code essay stop} of a slot: the engine's request, and which. */
    public record StopStart(boolean start, StopStartRequest request) implements Serializable {
        public String action() {
            return start ? "start" : "stop";
        }
    }
}
