package io.jenkins.plugins.essay.plain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.essay.core.api.DeployRequest;
import dev.essay.core.api.SwitchRequest;
import dev.essay.core.pkg.PackageRequest;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The rules the steps and the build steps share ({@link DeployConfig}, {@link SwitchConfig}, {@link PackageConfig}):
 * empty values, defaults, {@code ${PARAM}} expansion and the engine request. Plain: no Jenkins.
 */
class EssayConfigTest {
    /** Expands {@code ${NAME}} from a map, as EnvVars.expand does; unknown names stay. */
    private static UnaryOperator<String> env(Map<String, String> vars) {
        return s -> {
            String out = s;
            for (Map.Entry<String, String> v : vars.entrySet()) {
                out = out.replace("${" + v.getKey() + "}", v.getValue());
            }
            return out;
        };
    }

    @Test
    void deployTrimsEmptiesAndDefaultsTheConfig() {
        DeployConfig c = new DeployConfig(" 1.4.0 ", "b");
        c.setRole("  ");
        c.setProfile(" prod ");
        c.setCredentialsId("");
        c.setConfig("  ");
        assertEquals("1.4.0", c.getVersion());
        assertNull(c.getRole());
        assertEquals("prod", c.getProfile());
        assertNull(c.getCredentialsId());
        assertEquals("essay.yaml", c.getConfig());
        assertEquals(new DeployRequest("1.4.0", "b", null, "prod", false), c.request());
    }

    @Test
    void deployWithoutVersionOrSlotSaysWhichIsMissing() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DeployConfig(" ", "b").request());
        assertEquals("essay deploy needs a version and a slot (version: empty, slot: 'b')", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new DeployConfig("1.4.0", null).request());
        assertEquals("essay deploy needs a version and a slot (version: '1.4.0', slot: empty)", e.getMessage());
    }

    @Test
    void deployExpandsEveryTextField() {
        DeployConfig c = new DeployConfig("${VERSION}", "${SLOT}");
        c.setRole("${ROLE}");
        c.setProfile("${PROFILE}");
        c.setCredentialsId("${KEY}");
        c.setConfig("${DIR}/essay.yaml");
        c.setForce(true);
        DeployConfig x = c.expand(env(Map.of("VERSION", "1.5.0", "SLOT", "a", "ROLE", "web", "PROFILE", " ",
                "KEY", "deploy-key", "DIR", "deploy")));
        assertEquals(new DeployRequest("1.5.0", "a", "web", null, true), x.request());
        assertEquals("deploy-key", x.getCredentialsId());
        assertEquals("deploy/essay.yaml", x.getConfig());
        assertEquals("deploy-key", x.credentialsId());
        assertEquals("${VERSION}", c.getVersion(), "the configuration itself is not changed");
    }

    @Test
    void deployParameterThatExpandsToNothingIsMissing() {
        DeployConfig x = new DeployConfig("${VERSION}", "b").expand(env(Map.of("VERSION", "")));
        assertThrows(IllegalArgumentException.class, x::request);
    }

    @Test
    void switchAndRollback() {
        SwitchConfig c = new SwitchConfig();
        assertEquals(new SwitchRequest(null, false, false), c.request());
        assertEquals("essay switch", c.name());
        c.setTo(" ${SLOT} ");
        c.setRollback(true);
        c.setForce(true);
        SwitchConfig x = c.expand(env(Map.of("SLOT", "b")));
        assertEquals(new SwitchRequest("b", true, true), x.request());
        assertEquals("essay rollback", x.name());
        assertEquals("essay.yaml", x.getConfig());
    }

    @Test
    void packageRequestAndIndexLogin() {
        PackageConfig c = new PackageConfig();
        assertEquals(PackageRequest.defaults(), c.request());
        assertNull(c.credentialsId(), "no index login: essay.yaml's applies");
        c.setCommit("${GIT_COMMIT}");
        c.setBranch(" ");
        c.setHere(true);
        c.setVersion("1.4.0");
        c.setSuffix("${SUFFIX}");
        c.setIndexCredentialsId("index-upload");
        c.setConfig("deploy/essay.yaml");
        PackageConfig x = c.expand(env(Map.of("GIT_COMMIT", "1a2b3c4", "SUFFIX", "fixbug")));
        assertEquals(new PackageRequest(null, "1a2b3c4", true, "1.4.0", "fixbug", false), x.request());
        assertEquals("index-upload", x.credentialsId());
        assertEquals("deploy/essay.yaml", x.getConfig());
    }
}
