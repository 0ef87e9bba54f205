package dev.essay.cli;

import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.model.HostAddress;
import dev.essay.core.model.Project;
import dev.essay.core.transport.Session;
import dev.essay.core.transport.SshSettings;
import dev.essay.core.transport.SshTransport;
import dev.essay.core.transport.Transport;

/**
 * {@link SshTransport} built on the first connection, so the key and known_hosts are read only when a
 * host is really contacted (never for a dry run, nor when the engine rejects the request first), and
 * an unreadable key becomes a usage error instead of an internal one.
 */
final class LazySshTransport implements Transport {
    private final Project.Ssh ssh;
    private SshTransport transport;

    LazySshTransport(Project.Ssh ssh) {
        this.ssh = ssh;
    }

    @Override
    public Session open(HostAddress host) {
        return transport().open(host);
    }

    private synchronized SshTransport transport() {
        if (transport == null) {
            try {
                transport = new SshTransport(SshSettings.fromProject(ssh));
            } catch (IllegalArgumentException e) {
                throw new EssayException(ExitCode.USAGE, e.getMessage(), null, null, e);
            }
        }
        return transport;
    }

    @Override
    public synchronized void close() {
        if (transport != null) {
            transport.close();
        }
    }
}
