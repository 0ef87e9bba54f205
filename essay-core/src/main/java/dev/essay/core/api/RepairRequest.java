package dev.essay.core.api;

import java.io.Serializable;

/**
 * What to repair: the live slot on every host of {@code role}, the drifted hosts {@code batch} at a time.
 *
 * Plain values, {@link Serializable}: a front end may send it to where the engine runs (the Jenkins plugin sends it
 * to the agent of the build).
 *
 * @param role  null for the role of the router (the hosts the live slot is served from)
 * @param batch how many drifted hosts are redeployed at once (at least 1)
 */
public record RepairRequest(String role, int batch) implements Serializable {
    /** The router's role, one host at a time. */
    public static RepairRequest defaults() {
        return new RepairRequest(null, 1);
    }
}
