package io.jenkins.plugins.essay.plain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.essay.core.api.DeployRequest;
import dev.essay.core.api.SwitchRequest;
import dev.essay.core.pkg.PackageRequest;
import org.junit.jupiter.api.Test;

/** What the log and the ledger say of the engine's requests. Plain: no Jenkins. */
class RequestsTest {

    @Test
    void actions() {
        assertEquals("deploy", Requests.action(DeployRequest.of("1.4.0", "b")));
        assertEquals("switch", Requests.action(SwitchRequest.to("b")));
        assertEquals("rollback", Requests.action(SwitchRequest.back()));
        assertEquals("package", Requests.action(PackageRequest.defaults()));
    }

    @Test
    void descriptions() {
        assertEquals("deploy 1.4.0 into slot b (role web) --force",
                Requests.describe(new DeployRequest("1.4.0", "b", "web", null, true)));
        assertEquals("switch to slot b", Requests.describe(SwitchRequest.to("b")));
        assertEquals("rollback", Requests.describe(SwitchRequest.back()));
        assertEquals("package branch (build.branch of essay.yaml) as the next date version",
                Requests.describe(PackageRequest.defaults()));
        assertEquals("package commit 1a2b3c as 1.4.0 +fixbug",
                Requests.describe(new PackageRequest("main", "1a2b3c", false, "1.4.0", "fixbug", false)));
        assertEquals("package the working tree as the next date version",
                Requests.describe(new PackageRequest(null, null, true, null, null, false)));
    }

    @Test
    void packageOfNoNamedSourceTakesTheCheckedOutCommit() {
        PackageRequest none = new PackageRequest(null, null, false, "1.4.0", "fixbug", false);
        assertEquals(new PackageRequest(null, "1a2b3c4", false, "1.4.0", "fixbug", false),
                Requests.packagingCheckedOut(none, " 1a2b3c4\n"));
        assertSame(none, Requests.packagingCheckedOut(none, null));
        assertSame(none, Requests.packagingCheckedOut(none, " "));
        PackageRequest branch = new PackageRequest("release", null, false, null, null, false);
        assertSame(branch, Requests.packagingCheckedOut(branch, "1a2b3c4"));
        PackageRequest here = new PackageRequest(null, null, true, null, null, false);
        assertSame(here, Requests.packagingCheckedOut(here, "1a2b3c4"));
    }
}
