package dev.essay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.essay.core.DeployResult;
import dev.essay.core.model.HostAddress;
import dev.essay.core.run.FleetResult;
import dev.essay.core.run.HostResult;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hint that ends a failed deploy says what happened, and mentions skipping only when some host is done. */
class DeployCommandTest {
    static final HostAddress WEB1 = HostAddress.parse("deploy@127.0.2.11");
    static final HostAddress WEB2 = HostAddress.parse("deploy@127.0.2.12");
    static final String INDEX = "http://127.0.0.1:8081/simple/";

    private static DeployResult deploy(HostResult... hosts) {
        return new DeployResult("9.9.9", "b", "web", new FleetResult("deploy", List.of(hosts)));
    }

    private static HostResult failed(HostAddress host, String error) {
        return new HostResult(host, HostResult.Status.FAILED, Duration.ofSeconds(1), null, error);
    }

    @Test
    void aVersionPipCannotFindIsNotOnTheIndexAndNothingIsSaidAboutSkipping() {
        String pip = ": pip-install failed\nERROR: No matching distribution found for essay-sample==9.9.9";
        String hint = DeployCommand.failureHint(deploy(failed(WEB1, WEB1 + pip), failed(WEB2, WEB2 + pip)), INDEX);
        assertThat(hint).startsWith("9.9.9 is not on the index " + INDEX).contains("essay versions lists what is")
                .doesNotContain("skipped");
    }

    @Test
    void hostsAlreadyDoneAreSaidToBeSkippedOnlyWhenThereAreSome() {
        HostResult ok = new HostResult(WEB1, HostResult.Status.OK, Duration.ofSeconds(1), "installed 9.9.9", null);
        assertThat(DeployCommand.failureHint(deploy(ok, failed(WEB2, WEB2 + ": wait-healthy failed")), INDEX))
                .startsWith("fix those hosts").endsWith("; the 1 host(s) that already run 9.9.9 are skipped");
        assertThat(DeployCommand.failureHint(deploy(failed(WEB1, WEB1 + ": wait-healthy failed"),
                failed(WEB2, WEB2 + ": wait-healthy failed")), INDEX))
                .isEqualTo("fix those hosts (their output is above) and run the same deploy again");
    }
}
