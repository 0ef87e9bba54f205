package dev.essay.core.transport;

import java.util.List;

/**
 * A shell script sent to one host in one round trip. It travels on the SSH channel's standard
 * input to {@code /bin/sh -s}, so nothing of it (secrets included) appears on a remote command line.
 *
 * @param name    what the step is called in progress lines and errors ("probe", "deploy", "switch")
 * @param text    the exact script that runs
 * @param display the script as a dry run prints it: the same text with secrets masked
 */
public record RemoteScript(String name, String text, String display) {
    /** Lines of this prefix in a script's stdout are progress markers, not output. */
    public static final String MARKER = "##essay ";

    /**
     * The line a step's watchdog writes every second (see {@code Step}): transports drop it. It is how the remote
     * side notices that essay's connection is gone (the write fails) and ends the step's processes.
     */
    public static final String TICK = MARKER + "tick";

    /**
     * Puts a script's stdout back together line by line: drops the watchdog's ticks, also one written in the middle of
     * a line (the watchdog and a command that prints a lot, such as reading the ledger, share the pipe; a tick is one
     * small write, so it lands whole, between two of the command's writes).
     */
    public static final class Untick {
        private final StringBuilder pending = new StringBuilder();

        /** The next whole line, or null when {@code raw} was a tick, or ended with one and the line goes on. */
        public String line(String raw) {
            if (raw.endsWith(TICK)) {
                pending.append(raw, 0, raw.length() - TICK.length());
                return null;
            }
            String whole = pending + raw;
            pending.setLength(0);
            return whole;
        }

        /** What is left when the output ends without a newline after a tick, or null. */
        public String rest() {
            return pending.length() == 0 ? null : pending.toString();
        }
    }

    public static RemoteScript of(String name, String text) {
        return new RemoteScript(name, text, text);
    }

    /** The command line the remote sshd runs; the script arrives on its standard input. */
    public static final List<String> COMMAND = List.of("/bin/sh", "-s");
}
