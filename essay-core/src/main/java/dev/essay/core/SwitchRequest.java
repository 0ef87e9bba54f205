package dev.essay.core;

/**
 * Which slot to put live.
 *
 * @param to       target slot; null for the slot that is not live (with two slots) or, on rollback, the previous one
 * @param rollback switch back to the slot that was live before the last switch
 * @param force    switch even when routers disagree about the live slot
 */
public record SwitchRequest(String to, boolean rollback, boolean force) {
    public static SwitchRequest to(String slot) {
        return new SwitchRequest(slot, false, false);
    }

    public static SwitchRequest back() {
        return new SwitchRequest(null, true, false);
    }
}
