package dev.essay.fleet;

import org.awaitility.core.ConditionTimeoutException;
import static org.awaitility.Awaitility.await;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Process helpers by PID (Linux {@code /proc}); signals go to exactly the PIDs given. */
public final class Pids {
    private static final Duration POLL = Duration.ofMillis(20);

    private Pids() {
    }

    /** True while the process exists and is not a zombie (a zombie has exited; only its parent's reaping is due). */
    public static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.ISO_8859_1);
            int end = stat.lastIndexOf(')');
            char state = end >= 0 && end + 2 < stat.length() ? stat.charAt(end + 2) : '?';
            return state != 'Z' && state != 'X';
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
    }

    /** The process's command line (arguments joined by spaces), or "" when it is gone. */
    public static String commandLine(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').trim();
        } catch (IOException e) {
            return "";
        }
    }

    /** The working directory of a process, if it runs and may be inspected. */
    public static Optional<Path> workingDirectory(long pid) {
        try {
            return Optional.of(Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd")));
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    /** The PID in a pid file ({@code 1234\n}), if the file holds one. */
    public static Optional<Long> readPidFile(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).trim();
            return text.matches("[0-9]{1,10}") ? Optional.of(Long.parseLong(text)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** {@code pid} and its descendants that run now (children listed after their parent). */
    public static List<Long> withDescendants(long pid) {
        Set<Long> pids = new LinkedHashSet<>();
        ProcessHandle.of(pid).ifPresent(p -> {
            pids.add(p.pid());
            p.descendants().forEach(d -> pids.add(d.pid()));
        });
        return new ArrayList<>(pids);
    }

    /** PIDs of the processes whose effective user is one of {@code users} (via {@code ps}). */
    public static List<Long> ownedBy(Collection<String> users) {
        List<Long> pids = new ArrayList<>();
        if (users.isEmpty()) {
            return pids;
        }
        LocalCommand.Result ps = LocalCommand.run(List.of("ps", "-o", "pid=", "-u", String.join(",", users)),
                Duration.ofSeconds(30));
        for (String line : ps.output().split("\n")) {
            if (line.trim().matches("[0-9]+")) {
                long pid = Long.parseLong(line.trim());
                if (running(pid)) {
                    pids.add(pid);
                }
            }
        }
        return pids;
    }

    /** Waits until none of {@code pids} runs; true when that happened before {@code timeout}. */
    public static boolean awaitExit(Collection<Long> pids, Duration timeout) {
        try {
            await("processes " + pids + " to exit").atMost(timeout).pollDelay(Duration.ZERO).pollInterval(POLL)
                    .until(() -> pids.stream().noneMatch(Pids::running));
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    /**
     * Sends SIGTERM to each of {@code pids}, waits up to {@code grace} for them to exit, then sends SIGKILL to
     * those left and waits for them too. Returns the PIDs still running after all that (normally none).
     * Never signals this JVM.
     */
    public static List<Long> terminate(Collection<Long> pids, Duration grace) {
        List<Long> targets = pids.stream().filter(pid -> pid != ProcessHandle.current().pid()).distinct().toList();
        targets.forEach(pid -> signal(pid, false));
        if (!awaitExit(targets, grace)) {
            targets.stream().filter(Pids::running).forEach(pid -> signal(pid, true));
            awaitExit(targets, Duration.ofSeconds(10));
        }
        return targets.stream().filter(Pids::running).toList();
    }

    private static void signal(long pid, boolean kill) {
        ProcessHandle.of(pid).ifPresent(p -> {
            if (kill) {
                p.destroyForcibly();
            } else {
                p.destroy();
            }
        });
    }
}
