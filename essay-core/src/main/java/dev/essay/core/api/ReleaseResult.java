package dev.essay.core.api;

import dev.essay.core.error.PartialFailureException;
import dev.essay.core.event.TextRenderer;
import dev.essay.core.pkg.PackageResult;

/**
 * A release's outcome. A release stops at the first failed stage: when the deploy failed on some host,
 * {@code switched} is null and the live slot was not touched (a failed package or switch throws instead).
 *
 * @param pkg      what was packaged and uploaded (null in a dry run)
 * @param deploy   the deploy of that version into the slot that was not live
 * @param switched the switch to that slot, or null when the deploy failed
 */
public record ReleaseResult(PackageResult pkg, DeployResult deploy, SwitchResult switched) {
    public boolean ok() {
        return deploy.ok() && switched != null;
    }

    public String version() {
        return deploy.version();
    }

    /** Why the release stopped after a deploy that failed on some hosts, or null when the deploy was ok. */
    public PartialFailureException failure() {
        return TextRenderer.releaseFailure(version(), deploy.slot(), deploy.fleet());
    }
}
