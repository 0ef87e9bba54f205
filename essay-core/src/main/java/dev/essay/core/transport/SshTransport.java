package dev.essay.core.transport;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.UserInfo;
import dev.essay.core.model.HostAddress;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SSH over JSch: one connection per host, one exec channel per round trip, scripts on stdin.
 * Host keys are always checked; unknown keys are accepted only when {@link SshSettings#acceptNewHostKeys()}.
 */
public final class SshTransport implements Transport {
    private final JSch jsch = new JSch();
    private final SshSettings settings;
    private final SshHints hints;
    private final CheckingRepository hostKeys;
    private final AtomicInteger sessionsOpened = new AtomicInteger();

    public SshTransport(SshSettings settings) {
        this(settings, SshHints.COMMAND_LINE);
    }

    /** @param hints what the errors tell the user to do, in the words of the front end (where keys and known hosts live) */
    public SshTransport(SshSettings settings, SshHints hints) {
        this.settings = settings;
        this.hints = java.util.Objects.requireNonNull(hints, "hints");
        try {
            jsch.setKnownHosts(new ByteArrayInputStream(settings.knownHosts().getBytes(StandardCharsets.UTF_8)));
            hostKeys = new CheckingRepository(jsch.getHostKeyRepository());
            jsch.setHostKeyRepository(hostKeys);
            checkPassphrase();
            jsch.addIdentity(settings.keyName(), settings.privateKey().revealBytes(), null,
                    settings.passphrase() == null ? null : settings.passphrase().revealBytes());
        } catch (JSchException e) {
            String why = String.valueOf(e.getMessage());
            throw new dev.essay.core.error.EssayException(dev.essay.core.error.ExitCode.USAGE,
                    "cannot use the SSH key " + settings.keyName() + ": "
                    + (why.contains("passphrase") || why.contains("decrypt") ? "wrong or missing passphrase" : why), null,
                    hints.unusableKey(settings.keyName()), e);
        }
    }

    /**
     * Refuses an encrypted key whose passphrase is missing or wrong now, not as "authentication failed" on every host:
     * JSch 2.x refuses it in {@code addIdentity}, but the JSch 0.2.x that Jenkins bundles accepts it there silently.
     */
    private void checkPassphrase() throws JSchException {
        com.jcraft.jsch.KeyPair key = com.jcraft.jsch.KeyPair.load(jsch, settings.privateKey().revealBytes(), null);
        try {
            if (key.isEncrypted() && (settings.passphrase() == null || !key.decrypt(settings.passphrase().revealBytes()))) {
                throw new JSchException("wrong or missing passphrase for " + settings.keyName());
            }
        } finally {
            key.dispose();
        }
    }

    /** Sessions opened so far (benchmarks compare it with the host count). */
    public int sessionsOpened() {
        return sessionsOpened.get();
    }

    @Override
    public Session open(HostAddress host) throws TransportException {
        com.jcraft.jsch.Session session;
        try {
            session = jsch.getSession(host.user(), host.address(), host.port());
            session.setConfig("StrictHostKeyChecking", "yes");
            session.setConfig("PreferredAuthentications", "publickey");
            session.setServerAliveInterval(15_000);
            session.setUserInfo(new NoPrompts());
            session.connect((int) settings.connectTimeout().toMillis());
        } catch (JSchException e) {
            throw explain(host, e);
        }
        sessionsOpened.incrementAndGet();
        return new SshSession(host, session);
    }

    private TransportException explain(HostAddress host, JSchException e) {
        String message = String.valueOf(e.getMessage());
        String offered = hostKeys.offered(host);
        if (e instanceof com.jcraft.jsch.JSchChangedHostKeyException || message.contains("HostKey has been changed")) {
            return new TransportException(host, "the host key has CHANGED (offered " + offered + "); refusing to connect",
                    hints.changedHostKey(host), e);
        }
        if (e instanceof com.jcraft.jsch.JSchUnknownHostKeyException || message.startsWith("UnknownHostKey")
                || message.contains("reject HostKey")) {
            return new TransportException(host, "the host key is not in known_hosts (offered " + offered + ")",
                    hints.unknownHostKey(host), e);
        }
        if (message.contains("Auth fail") || message.contains("USERAUTH fail")) {
            return new TransportException(host, "authentication failed for user " + host.user(),
                    hints.authenticationFailed(host, settings.keyName()), e);
        }
        if (e.getCause() instanceof java.net.ConnectException || message.contains("Connection refused")) {
            return new TransportException(host, "connection refused", "check that sshd runs on " + host.address()
                    + " port " + host.port(), e);
        }
        if (message.contains("timeout") || e.getCause() instanceof java.net.SocketTimeoutException) {
            return new TransportException(host, "no answer within " + settings.connectTimeout().toSeconds() + "s",
                    "check the address and that the host is up (ssh.connect_timeout sets the limit)", e);
        }
        return new TransportException(host, "SSH failed: " + message, "check the host and its sshd", e);
    }

    private final class SshSession implements Session {
        private final HostAddress host;
        private final com.jcraft.jsch.Session session;
        private final AtomicInteger runs = new AtomicInteger();
        /** Channels waiting for the host to open them: {@link #close} wakes them (JSch's own disconnect does not). */
        private final java.util.Set<ChannelExec> opening = ConcurrentHashMap.newKeySet();

        SshSession(HostAddress host, com.jcraft.jsch.Session session) {
            this.host = host;
            this.session = session;
        }

        @Override
        public HostAddress host() {
            return host;
        }

        @Override
        public int roundTrips() {
            return runs.get();
        }

        @Override
        public ExecResult run(RemoteScript script, LineSink lines) throws TransportException {
            runs.incrementAndGet();
            ChannelExec channel = null;
            try {
                channel = (ChannelExec) session.openChannel("exec");
                channel.setCommand(String.join(" ", RemoteScript.COMMAND));
                ByteArrayOutputStream err = new ByteArrayOutputStream();
                channel.setErrStream(err, true);
                InputStream out = channel.getInputStream();
                OutputStream in = channel.getOutputStream();
                opening.add(channel);
                try {
                    channel.connect((int) settings.channelTimeout().toMillis());
                } finally {
                    opening.remove(channel);
                }
                in.write(script.text().getBytes(StandardCharsets.UTF_8));
                in.flush();
                in.close();
                String stdout = readLines(out, lines);
                while (!channel.isClosed()) {
                    if (Thread.interrupted()) {
                        throw new InterruptedException();
                    }
                    Thread.sleep(5);
                }
                return new ExecResult(channel.getExitStatus(), stdout, err.toString(StandardCharsets.UTF_8));
            } catch (JSchException | IOException e) {
                if (!session.isConnected()) {
                    throw new TransportException(host, "the connection broke during '" + script.name() + "': "
                            + e.getMessage(), "check that the host and its sshd are up; the step may have run partly", e);
                }
                throw new TransportException(host, "'" + script.name() + "' could not run: " + e.getMessage(),
                        "the host's sshd did not start the command within " + settings.channelTimeout().toSeconds()
                                + " s: check the host's load, its sshd (MaxSessions) and /bin/sh", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TransportException(host, "interrupted during '" + script.name() + "'", null, e);
            } finally {
                if (channel != null) {
                    channel.disconnect();
                }
            }
        }

        /** Reads stdout line by line, handing each to {@code lines}; the watchdog's ticks are dropped. */
        private String readLines(InputStream out, LineSink lines) throws IOException {
            StringBuilder all = new StringBuilder();
            RemoteScript.Untick untick = new RemoteScript.Untick();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = out.read(buffer)) >= 0) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        take(untick.line(line.toString(StandardCharsets.UTF_8)), lines, all, true);
                        line.reset();
                    } else {
                        line.write(buffer[i]);
                    }
                }
            }
            String last = line.size() > 0 ? untick.line(line.toString(StandardCharsets.UTF_8)) : untick.rest();
            take(last, lines, all, false);
            return all.toString();
        }

        private static void take(String line, LineSink lines, StringBuilder all, boolean newline) {
            if (line == null) {
                return;
            }
            lines.line(line);
            all.append(line);
            if (newline) {
                all.append('\n');
            }
        }

        /**
         * Disconnects; a step waiting for its channel to open fails at once with "session is down". JSch waits for the
         * open confirmation in {@code Channel.sendChannelOpen} with {@code wait(channelTimeout)} on the channel and
         * checks the session only when woken, and its disconnect never wakes a channel that is not open yet: without
         * this, a cancel that closed the session there held the step (and the cancel) for the whole channel timeout.
         */
        @Override
        public void close() {
            session.disconnect();
            for (ChannelExec channel : opening) {
                synchronized (channel) {
                    channel.notifyAll();
                }
            }
        }
    }

    /**
     * The key's fingerprint as OpenSSH prints it ({@code ssh-keygen -lf}: {@code SHA256:} and unpadded base64), whatever
     * JSch's own format: the JSch 0.2.x that Jenkins bundles prints hex.
     */
    static String fingerprint(HostKey hostKey) {
        byte[] blob = java.util.Base64.getDecoder().decode(hostKey.getKey());
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + java.util.Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    /** Delegates to JSch's known_hosts, remembers offered keys for messages, and adds new ones only on opt-in. */
    private final class CheckingRepository implements HostKeyRepository {
        private final HostKeyRepository delegate;
        private final Map<String, String> offered = new ConcurrentHashMap<>();

        CheckingRepository(HostKeyRepository delegate) {
            this.delegate = delegate;
        }

        String offered(HostAddress host) {
            return offered.getOrDefault(hostKeyName(host.address(), host.port()), "no key");
        }

        @Override
        public int check(String host, byte[] key) {
            int result;
            synchronized (delegate) {
                result = delegate.check(host, key);
            }
            try {
                HostKey hostKey = new HostKey(host, key);
                offered.put(host, hostKey.getType() + " " + fingerprint(hostKey));
                if (result == NOT_INCLUDED && settings.acceptNewHostKeys()) {
                    add(hostKey, null);
                    record(hostKey);
                    return OK;
                }
            } catch (JSchException e) {
                return result;
            }
            return result;
        }

        private void record(HostKey hostKey) {
            if (settings.knownHostsFile() == null) {
                return;
            }
            String line = hostKey.getHost() + " " + hostKey.getType() + " " + hostKey.getKey() + "\n";
            try {
                synchronized (offered) {
                    Files.writeString(settings.knownHostsFile(), line, StandardCharsets.UTF_8,
                            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot record the new host key in " + settings.knownHostsFile(), e);
            }
        }

        @Override
        public void add(HostKey hostkey, UserInfo ui) {
            synchronized (delegate) {
                delegate.add(hostkey, ui);
            }
        }

        @Override
        public void remove(String host, String type) {
            delegate.remove(host, type);
        }

        @Override
        public void remove(String host, String type, byte[] key) {
            delegate.remove(host, type, key);
        }

        @Override
        public String getKnownHostsRepositoryID() {
            return delegate.getKnownHostsRepositoryID();
        }

        @Override
        public HostKey[] getHostKey() {
            return delegate.getHostKey();
        }

        @Override
        public HostKey[] getHostKey(String host, String type) {
            synchronized (delegate) {
                return delegate.getHostKey(host, type);
            }
        }
    }

    static String hostKeyName(String address, int port) {
        return port == 22 ? address : "[" + address + "]:" + port;
    }

    /** Never prompts: no passwords, no interactive host-key questions. */
    private static final class NoPrompts implements UserInfo {
        @Override
        public String getPassphrase() {
            return null;
        }

        @Override
        public String getPassword() {
            return null;
        }

        @Override
        public boolean promptPassword(String message) {
            return false;
        }

        @Override
        public boolean promptPassphrase(String message) {
            return false;
        }

        @Override
        public boolean promptYesNo(String message) {
            return false;
        }

        @Override
        public void showMessage(String message) {
        }
    }
}
