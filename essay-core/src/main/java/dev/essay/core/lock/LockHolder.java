package dev.essay.core.lock;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Who holds the release lock, as written in the lock directory on the router host: the user and what they run,
 * and the process that runs it (machine, PID and that process's start time), so that a holder that is gone can be
 * told apart from one that is working.
 */
public record LockHolder(String id, String user, String cause, String action, String started, String machine, Long pid,
                         String pidStarted) {
    public LockHolder(String id, String user, String cause, String action, String started) {
        this(id, user, cause, action, started, null, null, null);
    }

    /** A holder for this process: this machine's name, this JVM's PID and start time. */
    public static LockHolder forThisProcess(String id, String user, String cause, String action, String started) {
        ProcessHandle self = ProcessHandle.current();
        return new LockHolder(id, user, cause, action, started, Machine.name(), self.pid(),
                self.info().startInstant().map(Instant::toString).orElse(null));
    }

    public Map<String, String> fields() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("id", id);
        f.put("user", user);
        f.put("cause", cause);
        f.put("action", action);
        f.put("started", started);
        if (machine != null) {
            f.put("machine", machine);
        }
        if (pid != null) {
            f.put("pid", String.valueOf(pid));
        }
        if (pidStarted != null) {
            f.put("pid_started", pidStarted);
        }
        return f;
    }

    public static LockHolder fromFields(Map<String, String> f) {
        String pid = f.get("pid");
        return new LockHolder(f.get("id"), f.get("user"), f.get("cause"), f.get("action"), f.get("started"),
                blank(f.get("machine")), pid != null && pid.matches("[0-9]{1,18}") ? Long.valueOf(pid) : null,
                blank(f.get("pid_started")));
    }

    /**
     * Whether the holder's process is gone: known only on the machine it ran on (same name, its PID not running, or
     * running but started at another time: a reused PID). Empty when it cannot be told from here.
     */
    public Optional<Boolean> gone() {
        if (machine == null || pid == null || !machine.equals(Machine.name())) {
            return Optional.empty();
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !process.get().isAlive()) {
            return Optional.of(true);
        }
        Optional<String> start = process.get().info().startInstant().map(Instant::toString);
        return Optional.of(pidStarted != null && start.isPresent() && !start.get().equals(pidStarted));
    }

    /** What a lock held for a sharded release ({@code Engine.hold}) says it does: the first word of its action. */
    public static final String HOLD = "hold";

    /** Whether this holds the lock for a sharded release ({@code essay lock}, Jenkins' essayLock) rather than running. */
    public boolean isHold() {
        return action != null && action.split(" ")[0].equals(HOLD);
    }

    /** The process, for messages: {@code pid 4242 on ci-7}, or "" when not recorded. */
    public String process() {
        return pid == null ? "" : "pid " + pid + (machine == null ? "" : " on " + machine);
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    @Override
    public String toString() {
        return user + " (" + action + ", since " + started + (cause == null || cause.isEmpty() ? "" : ", " + cause)
                + (pid == null ? "" : ", " + process()) + ")";
    }
}
