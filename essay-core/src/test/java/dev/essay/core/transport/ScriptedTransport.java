package dev.essay.core.transport;

import dev.essay.core.model.HostAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;

/**
 * A transport for unit tests of the engine's orchestration: each script is answered by its step name and host from a
 * function, no process runs. Records {@code "step@address"} in order in {@link #calls}, passes every answered stdout
 * line to the caller's line sink (so progress markers reach the listener as over SSH), and refuses to connect to the
 * hosts {@link #down} names. {@link #slotALive} answers like a healthy fleet whose slot a is live.
 */
public final class ScriptedTransport implements Transport {
    public final List<String> calls = new CopyOnWriteArrayList<>();
    private final BiFunction<HostAddress, String, ExecResult> answer;
    private final Set<HostAddress> down;

    public ScriptedTransport(BiFunction<HostAddress, String, ExecResult> answer) {
        this(answer, Set.of());
    }

    private ScriptedTransport(BiFunction<HostAddress, String, ExecResult> answer, Set<HostAddress> down) {
        this.answer = answer;
        this.down = Set.copyOf(down);
    }

    /** The same answers, except that connecting to any of {@code hosts} is refused. */
    public ScriptedTransport down(Set<HostAddress> hosts) {
        return new ScriptedTransport(answer, hosts);
    }

    @Override
    public Session open(HostAddress host) {
        if (down.contains(host)) {
            throw new TransportException(host, "connection refused", "check that sshd runs on " + host.address(), null);
        }
        return Session.of(host, (script, lines) -> {
            calls.add(script.name() + "@" + host.address());
            ExecResult result = answer.apply(host, script.name());
            result.stdout().lines().forEach(lines::line);
            return result;
        });
    }

    /** A step whose operation {@code op} succeeded, printing {@code lines}. */
    public static ExecResult ok(String op, String... lines) {
        return new ExecResult(0, "##essay begin " + op + "\n" + String.join("\n", lines) + "\n##essay end " + op + "\n",
                "");
    }

    /** A step whose operation {@code op} failed with exit 1 after printing {@code line}. */
    public static ExecResult fail(String op, String line) {
        return new ExecResult(1, "##essay begin " + op + "\n" + line + "\n##essay fail " + op + " 1\n", "");
    }

    /**
     * A fleet where slot a (1.0.0) is live on the routers, the lock is free, and slot b answers healthy as 2.0.0; every
     * other step succeeds.
     */
    public static ExecResult slotALive(HostAddress host, String step) {
        String state = "##essay begin read-state\nheader=# essay: slot=a version=1.0.0\njournal=absent\nlock=free\n"
                + "##essay end read-state\n";
        return switch (step) {
            case "lock" -> new ExecResult(0, ok("acquire-lock", "lock=acquired").stdout() + state, "");
            case "router-state" -> new ExecResult(0, state, "");
            case "unlock" -> ok("release-lock", "lock=released");
            case "health" -> ok("check-health", "ok health url=http://" + host.address()
                    + ":8110/health status=200 slot=b version=2.0.0");
            default -> ok(step.replace(' ', '-'));
        };
    }
}
