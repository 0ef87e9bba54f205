package dev.essay.core.api;

import dev.essay.core.pkg.PackageRequest;
import java.io.Serializable;
import java.util.Objects;

/**
 * What {@code essay release} does in one go, under one lock: package the project, deploy the new version into a
 * slot that is not live on the router's role, switch to it.
 *
 * Plain values, {@link Serializable}: a front end may send it to where the engine runs (the Jenkins plugin sends it
 * to the agent of the build).
 *
 * @param pkg     what to package (branch, commit, working tree, version, suffix)
 * @param slot    the slot to release into; null for the slot that is not live (with two slots)
 * @param profile profile passed to the supervisord template; null for the project's profile
 */
public record ReleaseRequest(PackageRequest pkg, String slot, String profile) implements Serializable {
    public ReleaseRequest {
        Objects.requireNonNull(pkg, "pkg");
    }

    public static ReleaseRequest of(PackageRequest pkg) {
        return new ReleaseRequest(pkg, null, null);
    }
}
