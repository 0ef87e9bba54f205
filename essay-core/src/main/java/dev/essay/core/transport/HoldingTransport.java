package dev.essay.core.transport;

import dev.essay.core.model.HostAddress;
import dev.essay.core.shell.Shell;

/**
 * Testing knob: holds the first script of one step sent to each host just before one of its operations begins (a
 * retry after the interrupt, on a new session, runs unheld), so a test can interrupt
 * essay at exactly that step boundary. The script sent for step {@code step} gets, right before the begin marker of
 * {@code operation}, a child process that touches {@code DIR/reached} and waits while {@code DIR/release} does not
 * exist. The step's watchdog ends it like any other child when essay's connection is gone. Scripts of other steps,
 * and what a dry run prints ({@link RemoteScript#display()}), are unchanged.
 *
 * <p>Set in essay's own process by the environment variable {@value #VARIABLE} = {@code STEP/OPERATION@DIR}, or by
 * the system property of that name where a test cannot set the environment (a {@code JenkinsRule} test runs the
 * Jenkins plugin's engine in its own JVM; see {@link #fromEnvironment}); never set it outside tests.
 */
public final class HoldingTransport implements Transport {
    public static final String VARIABLE = "ESSAY_TEST_HOLD";

    private final Transport delegate;
    private final String step;
    private final String operation;
    private final String dir;
    private final java.util.Set<HostAddress> held = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public HoldingTransport(Transport delegate, String step, String operation, String dir) {
        this.delegate = delegate;
        this.step = step;
        this.operation = operation;
        this.dir = dir;
    }

    /**
     * {@code transport} held as the environment variable (else the system property) {@value #VARIABLE} says, or
     * {@code transport} itself when neither is set.
     */
    public static Transport fromEnvironment(Transport transport) {
        String spec = System.getenv(VARIABLE);
        if (spec == null || spec.isBlank()) {
            spec = System.getProperty(VARIABLE);
        }
        if (spec == null || spec.isBlank() || transport.dryRun()) {
            return transport;
        }
        int slash = spec.indexOf('/');
        int at = spec.indexOf('@', slash + 1);
        if (slash <= 0 || at <= slash + 1 || at == spec.length() - 1) {
            throw new IllegalArgumentException(VARIABLE + " must be STEP/OPERATION@DIR, not: " + spec);
        }
        return new HoldingTransport(transport, spec.substring(0, slash), spec.substring(slash + 1, at), spec.substring(at + 1));
    }

    /** The script with the hold inserted before {@code operation}'s begin marker, if it is that step's. */
    RemoteScript hold(RemoteScript script) {
        String marker = "\n# operation: " + operation + "\n";
        int at = script.text().indexOf(marker);
        if (!script.name().equals(step) || at < 0) {
            return script;
        }
        int insert = at + marker.length();
        String wait = "/bin/sh -c 'touch \"$1/reached\"; while [ ! -e \"$1/release\" ]; do sleep 0.05; done' essay-test-hold "
                + Shell.quote(dir) + " </dev/null\n";
        return new RemoteScript(script.name(), script.text().substring(0, insert) + wait + script.text().substring(insert),
                script.display());
    }

    @Override
    public Session open(HostAddress host) throws TransportException {
        return new RewritingSession(delegate.open(host), script -> {
            RemoteScript holding = hold(script);
            return holding != script && held.add(host) ? holding : script;
        });
    }

    @Override
    public boolean dryRun() {
        return delegate.dryRun();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
