package dev.essay.fleet;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.command.CommandFactory;

/**
 * What one sandbox host does with an SSH exec request, the way OpenSSH's sshd does it for a user whose
 * login shell is {@code /bin/sh}: runs {@code /bin/sh -c <command>} as the current user, in the host's
 * home directory, with the host's environment only ({@code HOME}, {@code USER}, a system {@code PATH},
 * {@code ESSAY_SAMPLE_HOST}, ...: nothing of the demo JVM's environment, nothing the client asks to set),
 * wiring the channel to the process: stdin (until EOF), stdout, stderr and the exit status.
 *
 * <p>MINA's {@code ProcessShellCommandFactory} splits the command on spaces instead of giving it to a
 * shell, passes the JVM's whole environment, cannot set the working directory, and polls the streams; hence
 * this small factory. Every process it starts is tracked, so {@link #close()} can stop what is still
 * running (with its descendants) when the host goes away.
 */
final class HostCommandFactory implements CommandFactory, AutoCloseable {
    private final String hostName;
    private final Path home;
    private final Path pidDir;
    private final Map<String, String> environment;
    private final Set<Process> running = ConcurrentHashMap.newKeySet();
    private final ExecutorService pumps;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param hostName    for thread names and messages ({@code h1}, {@code router})
     * @param home        the host's home directory: {@code HOME} and the working directory
     * @param environment the host's environment besides {@code HOME}, e.g. {@code ESSAY_SAMPLE_HOST}
     * @param pidDir      where a pid file names each command while it runs (for a cleanup after this JVM was
     *                    killed), or null
     */
    HostCommandFactory(String hostName, String user, Path home, Map<String, String> environment, Path pidDir) {
        this.hostName = hostName;
        this.home = home;
        this.pidDir = pidDir;
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HOME", home.toString());
        env.put("USER", user);
        env.put("LOGNAME", user);
        env.put("SHELL", "/bin/sh");
        env.put("PATH", LocalCommand.PATH);
        env.put("LANG", "C.UTF-8");
        env.putAll(environment);
        this.environment = Map.copyOf(env);
        AtomicInteger threads = new AtomicInteger();
        this.pumps = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "essay-demo-" + hostName + "-exec-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    Map<String, String> environment() {
        return environment;
    }

    @Override
    public Command createCommand(ChannelSession channel, String command) {
        return new HostCommand(command);
    }

    /** PIDs of the commands running now and of their descendants. */
    List<Long> runningPids() {
        List<Long> pids = new ArrayList<>();
        for (Process p : running) {
            pids.addAll(Pids.withDescendants(p.pid()));
        }
        return pids;
    }

    /** Stops every command still running (and its descendants), then the pump threads. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Pids.terminate(runningPids(), Duration.ofSeconds(5));
        pumps.shutdownNow();
    }

    private final class HostCommand implements Command {
        private final String command;
        private InputStream in;
        private OutputStream out;
        private OutputStream err;
        private ExitCallback exit;
        private volatile Process process;

        HostCommand(String command) {
            this.command = command;
        }

        @Override
        public void setInputStream(InputStream in) {
            this.in = in;
        }

        @Override
        public void setOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void setErrorStream(OutputStream err) {
            this.err = err;
        }

        @Override
        public void setExitCallback(ExitCallback callback) {
            this.exit = callback;
        }

        @Override
        public void start(ChannelSession channel, Environment env) throws IOException {
            if (closed.get()) {
                throw new IOException("host " + hostName + " is shutting down");
            }
            ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", command).directory(home.toFile());
            builder.environment().clear();
            builder.environment().putAll(environment);
            Process p = builder.start();
            process = p;
            running.add(p);
            writePidFile(p);
            pumps.execute(() -> feed(p));
            pumps.execute(() -> finish(p));
        }

        /** Channel stdin to the process until EOF (essay sends its script, then EOF). */
        private void feed(Process p) {
            byte[] buffer = new byte[8192];
            try (OutputStream stdin = p.getOutputStream()) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    stdin.write(buffer, 0, n);
                    stdin.flush();
                }
            } catch (IOException e) {
                // the process stopped reading (exited) or the channel closed
            }
        }

        /** Pumps stdout and stderr until EOF, waits for the exit, then reports the status to the client. */
        private void finish(Process p) {
            int status;
            try {
                var stderr = pumps.submit(() -> pump(p.getErrorStream(), err));
                pump(p.getInputStream(), out);
                status = p.waitFor();
                stderr.get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                status = p.isAlive() ? 255 : p.exitValue();
            } finally {
                running.remove(p);
                deletePidFile(p);
            }
            exit.onExit(status);
        }

        private Void pump(InputStream from, OutputStream to) {
            byte[] buffer = new byte[8192];
            try (from) {
                for (int n; (n = from.read(buffer)) >= 0; ) {
                    to.write(buffer, 0, n);
                    to.flush();
                }
            } catch (IOException e) {
                // the channel closed under us; the exit status still goes out if it can
            }
            return null;
        }

        /** The channel closed (the client went away or the server stops): the command and its children stop. */
        @Override
        public void destroy(ChannelSession channel) {
            Process p = process;
            if (p != null && p.isAlive()) {
                Pids.terminate(Pids.withDescendants(p.pid()), Duration.ofSeconds(5));
            }
        }
    }

    private Path pidFile(Process p) {
        return pidDir.resolve(hostName + "-" + p.pid() + ".pid");
    }

    private void writePidFile(Process p) {
        if (pidDir != null) {
            try {
                Files.createDirectories(pidDir);
                Files.writeString(pidFile(p), p.pid() + "\n");
            } catch (IOException e) {
                // the sandbox is going away; the process is tracked in memory all the same
            }
        }
    }

    private void deletePidFile(Process p) {
        if (pidDir != null) {
            try {
                Files.deleteIfExists(pidFile(p));
            } catch (IOException e) {
                // nothing to clean up then
            }
        }
    }

    @Override
    public String toString() {
        return "commands of " + hostName + " (/bin/sh -c, HOME=" + home + ")";
    }
}
