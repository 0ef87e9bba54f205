package io.jenkins.plugins.essay;

import dev.essay.core.Engine;
import dev.essay.core.config.ProjectLoader;
import dev.essay.core.error.EssayException;
import dev.essay.core.ledger.LedgerEntry;
import dev.essay.core.model.Project;
import dev.essay.core.transport.SshTransport;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import io.jenkins.plugins.essay.plain.Connection;
import io.jenkins.plugins.essay.plain.JenkinsSshHints;
import io.jenkins.plugins.essay.plain.LockText;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import jenkins.MasterToSlaveFileCallable;

/**
 * On the agent next to essay.yaml, for an {@code essayLock} block: takes the release lock and keeps it
 * ({@code Engine.hold}, returning its id as the only element), or ends it ({@code Engine.release}, returning a line per
 * deploy of its shards it recorded). Only JDK types cross the channel back; a failure comes back as an
 * {@link IOException} whose message says what happened and what to do.
 */
final class RemoteLock extends MasterToSlaveFileCallable<List<String>> {
    private static final long serialVersionUID = 1L;

    private final Connection connection;
    /** The note of the lock to take; null when ending one. */
    private final String note;
    /** The id of the lock to end; null when taking one. */
    private final String release;
    private final TaskListener listener;

    private RemoteLock(Connection connection, String note, String release, TaskListener listener) {
        this.connection = connection;
        this.note = note;
        this.release = release;
        this.listener = listener;
    }

    static RemoteLock hold(Connection connection, String note, TaskListener listener) {
        return new RemoteLock(connection, note, null, listener);
    }

    static RemoteLock release(Connection connection, String lockId, TaskListener listener) {
        return new RemoteLock(connection, null, lockId, listener);
    }

    @Override
    public List<String> invoke(File essayYaml, VirtualChannel channel) throws IOException {
        PrintStream log = listener.getLogger();
        try {
            Project project = ProjectLoader.load(essayYaml.toPath());
            Duration timeout = project.ssh() == null ? null : project.ssh().connectTimeout();
            try (SshTransport transport = new SshTransport(connection.ssh().settings(timeout), new JenkinsSshHints())) {
                Engine engine = Engine.builder(project).transport(transport).listener(new RemoteEssay.LogListener(log))
                        .actor(connection.actor()).build();
                if (release == null) {
                    return List.of(engine.hold(note).id());
                }
                List<String> recorded = new ArrayList<>();
                for (LedgerEntry e : engine.release(release)) {
                    recorded.add(LockText.recorded(e));
                }
                return recorded;
            }
        } catch (EssayException e) {
            throw new IOException(e.getMessage() + (e.suggestion() == null ? "" : "; " + e.suggestion()));
        } catch (RuntimeException e) {
            throw new IOException(String.valueOf(e.getMessage()));
        } finally {
            log.flush();
        }
    }

    @Override
    public String toString() {
        return release == null ? "essay lock (" + note + ")" : "essay unlock " + release;
    }
}
