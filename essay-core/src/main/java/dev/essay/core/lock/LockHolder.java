package dev.essay.core.lock;

import java.util.LinkedHashMap;
import java.util.Map;

/** Who holds the release lock, as written in the lock directory on the router host. */
public record LockHolder(String id, String user, String cause, String action, String started) {
    public Map<String, String> fields() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("id", id);
        f.put("user", user);
        f.put("cause", cause);
        f.put("action", action);
        f.put("started", started);
        return f;
    }

    public static LockHolder fromFields(Map<String, String> f) {
        return new LockHolder(f.get("id"), f.get("user"), f.get("cause"), f.get("action"), f.get("started"));
    }

    @Override
    public String toString() {
        return user + " (" + action + ", since " + started + (cause == null || cause.isEmpty() ? "" : ", " + cause) + ")";
    }
}
