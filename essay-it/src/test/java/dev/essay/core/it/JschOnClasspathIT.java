package dev.essay.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.jcraft.jsch.JSch;
import org.junit.jupiter.api.Test;

/**
 * The integration tests run on the JSch they say they run on: the build's own in the default execution, the one the
 * Jenkins jsch API plugin bundles in the {@code jenkins-jsch} execution (essay-it/pom.xml). Without this, a pom
 * change could quietly run both on the same library.
 */
class JschOnClasspathIT {
    @Test
    void theJschLoadedIsTheOneThisExecutionNames() {
        String expected = System.getProperty("essay.jsch.expected");
        assertThat(expected).as("system property essay.jsch.expected, set by essay-it/pom.xml").isNotBlank();
        String jar = JSch.class.getProtectionDomain().getCodeSource().getLocation().getPath();
        assertThat(jar).as("the jar JSch was loaded from").endsWith("/jsch-" + expected + ".jar");
    }
}
