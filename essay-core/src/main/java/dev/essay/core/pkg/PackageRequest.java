package dev.essay.core.pkg;

import java.io.Serializable;

/**
 * What {@code essay package} is asked to build.
 *
 * Plain values, {@link Serializable}: a front end may send it to where the engine runs (the Jenkins plugin sends it
 * to the agent of the build).
 *
 * @param branch  the branch to package (null: {@code build.branch} of essay.yaml); ignored when a commit is given
 * @param commit  a commit (id, tag or other revision) to package; wins over the branch
 * @param here    package the working tree as it is instead of a clean checkout
 * @param version an explicit PEP 440 version (null: the next date version)
 * @param suffix  a label appended as a PEP 440 local version ({@code 6.11.28.3+fixbug}), or null
 * @param json    the caller wants machine-readable output (front ends only)
 */
public record PackageRequest(String branch, String commit, boolean here, String version, String suffix, boolean json)
        implements Serializable {
    public static PackageRequest defaults() {
        return new PackageRequest(null, null, false, null, null, false);
    }
}
