package dev.essay.demo;

import dev.essay.fleet.LocalCommand;
import dev.essay.fleet.SampleBuild;
import dev.essay.fleet.FleetHost;
import dev.essay.cli.EssayCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./essay demo}: one release cycle of the sample service on a {@link Sandbox} fleet, by the real
 * {@code essay} command: deploy 1.0.0 into slot a, switch, deploy 2.0.0 into slot b, switch, roll back,
 * status, history; one request through nginx after each step shows which slot and version answer. The
 * sandbox is stopped and removed at the end, on failure and on Ctrl-C, unless {@code --keep}.
 */
@Command(name = "essay demo",
        description = {
            "Runs a release cycle of the sample service on a sandbox fleet on this machine: SSH hosts (embedded,"
                    + " on loopback), nginx as the router, a package index with essay-sample 1.0.0"
                    + " and 2.0.0. It deploys 1.0.0 into slot a, switches, deploys 2.0.0 into slot b, switches, rolls"
                    + " back, and prints status and history, all with the real essay command.",
            "Everything runs as you, in one directory (--dir), and is stopped and removed at the end (also on"
                    + " failure and Ctrl-C). See docs/demo.md."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the cycle ran (or --stop cleaned up)",
            "1:the sandbox could not start or stop, or an answer through nginx was not the expected one",
            "2:usage error",
            "3-6:an essay step failed with this exit code (docs/cli.md)",
            "130:interrupted (Ctrl-C); the sandbox was stopped"})
public final class Demo implements Callable<Integer> {
    @Option(names = "--hosts", paramLabel = "N", defaultValue = "3",
            description = "number of hosts in role web, 1 to " + Sandbox.MAX_HOSTS + " (default: ${DEFAULT-VALUE})")
    int hostCount;

    @Option(names = "--keep", description = "leave the sandbox running after the demo (also when a step fails), to try"
            + " essay on it; stop it with: ./essay demo --stop")
    boolean keep;

    @Option(names = "--stop", description = "stop a sandbox left running (--keep, or a demo that was killed) by the PIDs"
            + " it recorded, and remove it")
    boolean stop;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "the sandbox directory (default: $TMPDIR/essay-demo-$USER, TMPDIR defaulting to /tmp)")
    Path dir;

    /** Internal: the keeper JVM of a --keep sandbox (started by the demo, stopped by --stop). */
    @Option(names = "--serve", hidden = true)
    boolean serve;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
    boolean help;

    private static final String CLI = "./essay";
    private static final Pattern DATE_VERSION = Pattern.compile("\\d+\\.\\d{1,2}\\.\\d{1,2}\\.\\d+");
    private final PrintWriter out;
    private final PrintWriter err;
    private final Object stepMonitor = new Object();
    private boolean inStep;
    private volatile boolean interrupted;
    private volatile Sandbox sandbox;
    private final List<Long> seenPids = new ArrayList<>();
    private Path sandboxDir;

    public Demo() {
        this(new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    }

    Demo(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(new Demo().run(args));
    }

    /** Parses {@code args} and runs; returns the exit code. */
    int run(String... args) {
        CommandLine commandLine = new CommandLine(this);
        commandLine.setOut(out);
        commandLine.setErr(err);
        return commandLine.execute(args);
    }

    /** PIDs of every process the last sandbox started or found running (for tests: none may survive). */
    List<Long> seenPids() {
        synchronized (seenPids) {
            return List.copyOf(seenPids);
        }
    }

    /** The directory of the last sandbox. */
    Path sandboxDir() {
        return sandboxDir;
    }

    @Override
    public Integer call() {
        if (stop && (keep || serve)) {
            err.println("demo: error: --stop cannot be combined with --keep");
            return 2;
        }
        if (serve && keep) {
            err.println("demo: error: --serve is internal; it cannot be combined with --keep");
            return 2;
        }
        if (hostCount < 1 || hostCount > Sandbox.MAX_HOSTS) {
            err.println("demo: error: --hosts must be 1 to " + Sandbox.MAX_HOSTS + ", not " + hostCount);
            return 2;
        }
        try {
            sandboxDir = (dir == null ? Sandbox.defaultDir() : dir).toAbsolutePath().normalize();
            if (serve) {
                return serve();
            }
            if (stop) {
                return stopLeftover();
            }
            return demo();
        } catch (IllegalArgumentException e) {
            err.println("demo: error: " + e.getMessage());
            return 2;
        }
    }

    // ------------------------------------------------------------------------------------------ the cycle

    /**
     * One step: what it shows, the essay arguments, and the answer expected through nginx afterwards (a null
     * version: a date version y.m.d.n).
     */
    private record Step(String title, List<String> args, String slot, String version) {
        static Step of(String title, String slot, String version, String... args) {
            return new Step(title, List.of(args), slot, version);
        }
    }

    private static List<Step> steps() {
        return List.of(
                Step.of("deploy 1.0.0 into slot a (nothing is live yet)", "", null, "deploy", "1.0.0", "--slot", "a"),
                Step.of("put slot a live", "a", "1.0.0", "switch", "--to", "a"),
                Step.of("deploy 2.0.0 into slot b, while slot a keeps serving", "a", "1.0.0", "deploy", "2.0.0", "--slot", "b"),
                Step.of("switch to slot b", "b", "2.0.0", "switch", "--to", "b"),
                Step.of("roll back to the previous slot", "a", "1.0.0", "rollback"),
                Step.of("release: package the main branch with a date version, deploy it into slot b, switch", "b", null,
                        "release"),
                Step.of("status of the fleet", null, null, "status"),
                Step.of("history: the ledger on the router", null, null, "history"));
    }

    private int demo() {
        long started = System.nanoTime();
        Path sample;
        try {
            sample = SampleBuild.sampleDir();
        } catch (IllegalStateException e) {
            err.println("demo: error: " + e.getMessage());
            return 1;
        }
        Sandbox sb = Sandbox.create(sandboxDir, line -> say("sandbox: " + line));
        sandbox = sb;
        Thread hook = new Thread(this::interrupted, "essay-demo-interrupted");
        Runtime.getRuntime().addShutdownHook(hook);
        int code = 1;
        boolean booted = false;
        try {
            say("essay demo: a release cycle of essay-sample on a sandbox fleet, with the essay command");
            say("sandbox: " + sandboxDir);
            try {
                sb.boot(hostCount, sample);
                booted = true;
            } catch (IOException | RuntimeException e) {
                if (!interrupted) {
                    err.println("demo: error: the sandbox did not start: " + e.getMessage());
                }
                code = interrupted ? 130 : 1;
            }
            if (booted) {
                describe(sb, started);
                code = cycle(sb);
                if (code == 0) {
                    say("");
                    say("=== done in " + seconds(started) + " ===");
                    say("1.0.0 went live in slot a, 2.0.0 in slot b, the rollback put slot a (1.0.0) back live, and "
                            + "essay release packaged the main branch and put it live in slot b; every switch was proven"
                            + " through nginx.");
                }
            }
        } finally {
            code = finish(sb, booted, code);
            removeHook(hook);
        }
        return code;
    }

    /** Keeps the sandbox (--keep) or stops and removes it; returns the exit code, non-zero when that failed. */
    private int finish(Sandbox sb, boolean booted, int code) {
        record(sb);
        if (keep && booted && !interrupted) {
            try {
                long keeper = sb.detach();
                synchronized (seenPids) {
                    seenPids.add(keeper);
                }
                kept(sb, keeper);
                return code;
            } catch (IOException | RuntimeException e) {
                err.println("demo: error: cannot keep the sandbox running: " + e.getMessage());
                code = code == 0 ? 1 : code;
            }
        }
        if (booted) {
            say("sandbox: stopping everything it runs and removing " + sb.dir() + " ...");
        }
        try {
            String report = sb.closeAndReport();
            if (report != null) {
                say("sandbox: " + report);
            }
        } catch (RuntimeException e) {
            err.println("demo: error: " + e.getMessage());
            code = code == 0 ? 1 : code;
        }
        record(sb);
        return code;
    }

    private int cycle(Sandbox sb) {
        List<Step> steps = steps();
        for (int i = 0; i < steps.size(); i++) {
            if (interrupted) {
                return 130;
            }
            Step step = steps.get(i);
            say("");
            say("=== step " + (i + 1) + "/" + steps.size() + ": " + step.title() + " ===");
            int code = essay(sb, step.args());
            record(sb);
            if (interrupted) {
                return 130;
            }
            if (code != 0) {
                err.println("demo: error: step " + (i + 1) + " (essay " + String.join(" ", step.args()) + ") failed with exit code "
                        + code + (keep ? "; the sandbox is kept for a look" : "; stopping the sandbox (--keep keeps it for a look)"));
                return code;
            }
            if (step.slot() != null && !throughNginx(sb, step.slot(), step.version())) {
                return 1;
            }
        }
        return 0;
    }

    /** Runs the essay command in this JVM, printing to the demo's output. */
    private int essay(Sandbox sb, List<String> args) {
        List<String> full = new ArrayList<>(List.of("--config", sb.config().toString()));
        full.addAll(args);
        say("$ " + CLI + " " + String.join(" ", full));
        CommandLine cli = new CommandLine(new EssayCommand());
        cli.setOut(out);
        cli.setErr(err);
        synchronized (stepMonitor) {
            inStep = true;
        }
        try {
            return cli.execute(full.toArray(String[]::new));
        } finally {
            synchronized (stepMonitor) {
                inStep = false;
                stepMonitor.notifyAll();
            }
            out.flush();
            err.flush();
        }
    }

    /**
     * One request through nginx; prints who answered and checks it: {@code slot} "" means nothing may be live
     * yet (nginx answers 502).
     */
    private boolean throughNginx(Sandbox sb, String slot, String version) {
        URI url = sb.routerUrl();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        String answer;
        boolean ok;
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            String answeredSlot = response.headers().firstValue("X-Essay-Slot").orElse("");
            String answeredVersion = response.headers().firstValue("X-Essay-Version").orElse("");
            if (response.statusCode() == 200) {
                answer = "200 from slot " + answeredSlot + ", version " + answeredVersion + ": " + response.body().strip();
            } else {
                answer = response.statusCode() + (response.statusCode() == 502 ? " Bad Gateway: no slot is live yet" : "");
            }
            ok = slot.isEmpty() ? response.statusCode() == 502
                    : response.statusCode() == 200 && answeredSlot.equals(slot)
                    && (version == null ? DATE_VERSION.matcher(answeredVersion).matches() : answeredVersion.equals(version));
        } catch (IOException e) {
            answer = "no answer: " + e;
            ok = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        say("through nginx: GET " + url + " -> " + answer);
        if (!ok) {
            err.println("demo: error: expected " + (slot.isEmpty() ? "502 (nothing live)"
                    : "slot " + slot + " with version " + (version == null ? "y.m.d.n" : version))
                    + " through nginx");
        }
        return ok;
    }

    private void describe(Sandbox sb, long started) {
        say("sandbox: ready in " + seconds(started) + "; everything runs as " + System.getProperty("user.name") + ", on loopback:");
        if (sb.note() != null) {
            say("  note    " + sb.note());
        }
        say("  hosts   " + sb.hosts().stream().map(FleetHost::spec).collect(Collectors.joining("  "))
                + "   (SSH servers of the demo; homes in " + sb.layout().hosts() + ")");
        say("  router  " + sb.routerHost().spec() + ", nginx on " + sb.routerUrl());
        say("  index   " + sb.indexUrl() + " (essay-sample " + String.join(", ", Sandbox.VERSIONS) + ")");
        say("  config  " + sb.config());
    }

    private void kept(Sandbox sb, long keeper) {
        String config = sb.config().toString();
        say("");
        say("sandbox: kept running in " + sb.dir() + " (pid " + keeper + " serves its SSH hosts and index; nginx and the slots run on).");
        say("Try essay on it:");
        say("  " + CLI + " --config " + config + " status");
        say("  " + CLI + " --config " + config + " history");
        say("  " + CLI + " --config " + config + " switch --to b");
        say("  curl -si " + sb.routerUrl());
        say("Stop it and remove it with:");
        say("  " + CLI + " demo --stop" + Sandbox.dirOption(sb.dir()));
    }

    // ------------------------------------------------------------------------------------------ Ctrl-C

    /** Shutdown hook: lets the running essay step cancel (its own hook), then stops the sandbox. */
    private void interrupted() {
        interrupted = true;
        Sandbox sb = sandbox;
        if (sb == null) {
            return;
        }
        err.println();
        err.println("demo: interrupted; stopping the sandbox ...");
        err.flush();
        LocalCommand.shutdown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(25);
        synchronized (stepMonitor) {
            while (inStep && System.nanoTime() - deadline < 0) {
                try {
                    stepMonitor.wait(200);
                } catch (InterruptedException e) {
                    break;
                }
            }
        }
        try {
            String report = sb.closeAndReport();
            if (report != null) {
                err.println("demo: " + report);
            }
        } catch (RuntimeException e) {
            err.println("demo: error: " + e.getMessage());
        }
        err.flush();
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is exiting (Ctrl-C): the hook runs
        }
    }

    // ------------------------------------------------------------------------------------------ --stop, --serve

    private int stopLeftover() {
        Sandbox.StopResult result;
        try {
            result = Sandbox.stop(sandboxDir, line -> say("demo: " + line));
        } catch (IllegalStateException e) {
            err.println("demo: error: " + e.getMessage());
            return 1;
        }
        if (result == null) {
            say("demo: no sandbox in " + sandboxDir + "; nothing to stop");
            return 0;
        }
        synchronized (seenPids) {
            seenPids.addAll(result.stopped());
        }
        say("demo: stopped " + result.describe() + "; removed " + sandboxDir);
        if (!result.problems().isEmpty()) {
            err.println("demo: error: " + String.join("; ", result.problems()));
            return 1;
        }
        return 0;
    }

    /** The keeper of a --keep sandbox: serves its SSH hosts and index until SIGTERM, then stops everything. */
    private int serve() {
        Sandbox sb;
        try {
            sb = Sandbox.resume(sandboxDir, line -> say("keeper: " + line));
        } catch (IOException | RuntimeException e) {
            err.println("keeper: error: cannot serve " + sandboxDir + ": " + e);
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                String report = sb.closeAndReport();
                if (report != null) {
                    say("keeper: " + report);
                }
            } finally {
                stopped.countDown();
            }
        }, "essay-demo-keeper-stop"));
        say("keeper: serving " + sandboxDir + " (pid " + ProcessHandle.current().pid() + ")");
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    // ------------------------------------------------------------------------------------------ helpers

    private void record(Sandbox sb) {
        sb.recordPids();
        synchronized (seenPids) {
            for (Long pid : sb.seenPids()) {
                if (!seenPids.contains(pid)) {
                    seenPids.add(pid);
                }
            }
        }
    }

    private void say(String line) {
        out.println(line);
        out.flush();
    }

    private static String seconds(long startedNanos) {
        return String.format(Locale.ROOT, "%.1fs", (System.nanoTime() - startedNanos) / 1e9);
    }
}
