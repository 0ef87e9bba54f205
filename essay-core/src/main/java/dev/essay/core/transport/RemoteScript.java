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

    public static RemoteScript of(String name, String text) {
        return new RemoteScript(name, text, text);
    }

    /** The command line the remote sshd runs; the script arrives on its standard input. */
    public static final List<String> COMMAND = List.of("/bin/sh", "-s");
}
