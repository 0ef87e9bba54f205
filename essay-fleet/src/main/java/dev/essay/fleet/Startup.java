package dev.essay.fleet;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/** Waits for a server the fleet started (sshd, nginx) to answer, failing at once when its process exits. */
final class Startup {
    private Startup() {
    }

    /** One attempt to talk to the server: null when it answered as it should, else what it answered. */
    interface Probe {
        String attempt() throws IOException;
    }

    /**
     * Tries {@code probe} every 50 ms until it succeeds; throws, naming {@code name}, what it last saw and
     * {@code diagnostics} (the server's logs), when {@code process} exits first or {@code timeout} passes.
     */
    static void awaitAnswer(String name, Process process, Duration timeout, Probe probe, Supplier<String> diagnostics) {
        AtomicReference<String> last = new AtomicReference<>("no attempt yet");
        try {
            await(name + " to answer").atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
                    .failFast(() -> !process.isAlive())
                    .until(() -> {
                        try {
                            String seen = probe.attempt();
                            last.set(seen);
                            return seen == null;
                        } catch (IOException e) {
                            last.set(e.toString());
                            return false;
                        }
                    });
        } catch (TerminalFailureException e) {
            throw new IllegalStateException(name + " exited with status " + process.exitValue() + ":\n" + diagnostics.get());
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException(name + " did not answer within " + timeout.toSeconds() + "s (" + last.get() + "):\n"
                    + diagnostics.get());
        }
    }
}
