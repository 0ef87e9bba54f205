package dev.essay.cli;

import org.awaitility.core.ConditionTimeoutException;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.essay.core.Engine;
import dev.essay.core.api.DeployRequest;
import dev.essay.core.api.ReleaseRequest;
import dev.essay.core.api.SwitchRequest;
import dev.essay.core.config.ProjectLoader;
import dev.essay.core.model.Actor;
import dev.essay.core.model.HostAddress;
import dev.essay.core.model.Project;
import dev.essay.core.transport.HoldingTransport;
import dev.essay.core.transport.RewritingSession;
import dev.essay.core.transport.Session;
import dev.essay.core.transport.SshSettings;
import dev.essay.core.transport.SshTransport;
import dev.essay.core.transport.Transport;
import dev.essay.fleet.DrillLog;
import dev.essay.fleet.FleetBackend;
import dev.essay.fleet.LocalCommand;
import dev.essay.fleet.SampleBuild;
import dev.essay.fleet.TestFleet;
import dev.essay.fleet.TrafficLoop;
import dev.essay.fleet.junit.WithFleet;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertionError;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash points: essay interrupted at every step boundary of deploy, switch, rollback and release, by the engine's
 * cancel, SIGINT, SIGTERM and SIGKILL of the essay command, on one fleet, each case starting from a known state.
 *
 * <p>The boundaries come from the plan itself, never from a list here: "just before operation O of step S" for every
 * (S, O) that the flow's dry run prints and that a real, uninterrupted run of the flow sends (recorded by a transport
 * decorator: the dry run does not send the ledger step, and the real run alone shows what a dry run skips). A new step
 * or operation is covered without editing this test. The {@link HoldingTransport} knob holds the flow there.
 *
 * <p>After the interrupt, with a request loop through nginx all along: the held remote shells end (the watchdog);
 * (a) the slot {@code essay status} reports live is the slot nginx serves, also after a plain {@code nginx -s reload};
 * (b) no request on a new connection failed; (c) the lock is free, or held by a holder that {@code essay status}
 * shows as dead and {@code essay unlock} clears; (d) {@code essay history} has the interrupted attempt with its
 * outcome.
 *
 * <p>Budget: every distinct boundary meets all four interrupts once, in the first flow that has it (switch, deploy,
 * release, rollback), and every step of every flow meets SIGKILL at least once. {@code -Dessay.crashpoints=full} runs
 * all four on every boundary of every flow; {@code -Dessay.crashpoints.only=TEXT} runs only the cases whose name
 * contains TEXT.
 */
@WithFleet(hosts = 2, published = {"1.0.0", "2.0.0", "3.0.0"}, needs = FleetBackend.OPENSSH,
        because = "holds steps in a directory the Unix users of the hosts share")
class CrashPointIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> OUTCOMES = Set.of("cancelled", "undone", "refused", "failed", "interrupted", "ok");
    private static final List<String> DEPLOY_VERSIONS = List.of("2.0.0", "3.0.0");
    private static final Duration WAIT = Duration.ofMinutes(3);

    @TempDir
    static Path tmp;
    static TestFleet fleet;
    static Path config;
    static Path releaseConfig;
    static Path holds;
    static final AtomicLong requests = new AtomicLong();
    static final AtomicLong failedRequests = new AtomicLong();
    static final List<String> failures = new ArrayList<>();
    static int combinations;
    static int casesRun;
    static int boundaryCount;
    /** What essay status said at the end of the last case, when nothing changed since (saves a status per case). */
    static JsonNode lastStatus;

    enum Interrupt {
        CANCEL("engine cancel"), SIGINT("SIGINT"), SIGTERM("SIGTERM"), SIGKILL("SIGKILL");

        final String label;

        Interrupt(String label) {
            this.label = label;
        }
    }

    /**
     * A flow: its command line, how the engine runs it in this JVM, and the ledger action of its attempt (a release is
     * one {@code release} entry whatever its end; {@code essay unlock} records a killed one under that action too).
     */
    enum Flow {
        SWITCH("switch", List.of("switch")), ROLLBACK("rollback", List.of("rollback")), DEPLOY("deploy", List.of("deploy")),
        RELEASE("release", List.of("release"));

        final String name;
        final List<String> actions;

        Flow(String name, List<String> actions) {
            this.name = name;
            this.actions = actions;
        }

        Path config() {
            return this == RELEASE ? releaseConfig : config;
        }

        List<String> args(String version) {
            return switch (this) {
                case DEPLOY -> List.of("deploy", version, "--slot", "b");
                case SWITCH -> List.of("switch", "--to", "b");
                case ROLLBACK -> List.of("rollback");
                case RELEASE -> List.of("release");
            };
        }

        void run(Engine engine, String version, Console console) {
            switch (this) {
                case DEPLOY -> engine.deploy(DeployRequest.of(version, "b"));
                case SWITCH -> engine.switchSlot(SwitchRequest.to("b"));
                case ROLLBACK -> engine.switchSlot(SwitchRequest.back());
                case RELEASE -> engine.release(ReleaseRequest.of(new SourceOptions().request(false)),
                        PackageCommand.packager(engine.project(), console));
            }
        }
    }

    /** Just before operation {@code operation} of step {@code step} starts. */
    record Boundary(String step, String operation) {
        @Override
        public String toString() {
            return step + ":" + operation;
        }
    }

    record Case(Flow flow, Boundary boundary, Interrupt interrupt) {
        @Override
        public String toString() {
            return flow.name + "/" + boundary + " x " + interrupt.label;
        }
    }

    @BeforeAll
    static void boot() throws Exception {
        config = fleet.writeConfig();
        // The release project is made by `essay new` (as in ReleaseIT), named like the sample so it shares the slots.
        Path project = tmp.resolve("release-project");
        Cli.Run created = Cli.run("new", TestFleet.PROJECT, "--dir", project.toString());
        assertThat(created.exit()).as(created.all()).isZero();
        releaseConfig = project.resolve("essay.yaml");
        Files.writeString(releaseConfig, fleet.configYaml() + "build:\n  python: " + SampleBuild.PYTHON + "\n");
        holds = Files.createDirectories(Path.of("/tmp", "essay-crashpoints-" + TestFleet.NAMESPACE));
        Files.setPosixFilePermissions(holds, PosixFilePermissions.fromString("rwxrwxrwx"));
        for (String[] command : List.of(new String[] {"deploy", "1.0.0", "--slot", "a"}, new String[] {"deploy", "2.0.0", "--slot", "b"},
                new String[] {"switch", "--to", "b"}, new String[] {"switch", "--to", "a"})) {
            essay(command);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        String summary = String.format(Locale.ROOT, "CrashPointIT: %d boundaries x %d interrupts = %d combinations; %d cases run,"
                + " %d failed; %d requests through nginx, %d failed", boundaryCount, Interrupt.values().length, combinations,
                casesRun, failures.size(), requests.get(), failedRequests.get());
        System.out.println(summary);
        failures.forEach(f -> System.out.println("  FAILED " + f));
        if (casesRun > 0) {
            DrillLog.record("CrashPointIT (" + boundaryCount + " boundaries x " + Interrupt.values().length + " interrupts: "
                    + casesRun + " of " + combinations + " cases run, " + failures.size() + " failed)", requests.get(), failedRequests.get());
        }
    }

    @TestFactory
    Stream<DynamicTest> everyStepBoundaryInterruptedEveryWay() throws Exception {
        Map<Flow, List<Boundary>> boundaries = new LinkedHashMap<>();
        long reading = System.nanoTime();
        for (Flow flow : Flow.values()) {
            boundaries.put(flow, boundaries(flow));
            restore(Flow.SWITCH);
        }
        System.out.printf(Locale.ROOT, "crash points: the boundaries of %d flows read in %.1f s%n", boundaries.size(),
                (System.nanoTime() - reading) / 1e9);
        boolean full = "full".equals(System.getProperty("essay.crashpoints"));
        List<Case> cases = new ArrayList<>();
        // By default each distinct boundary (step, operation) meets every interrupt once, in the first flow that has it
        // (switch, deploy, release, rollback: rollback's and most of release's boundaries are switch's and deploy's,
        // run by the same code); and every step of every flow meets SIGKILL at least once.
        Set<String> covered = new java.util.HashSet<>();
        for (Flow flow : List.of(Flow.SWITCH, Flow.DEPLOY, Flow.RELEASE, Flow.ROLLBACK)) {
            List<Boundary> list = boundaries.get(flow);
            System.out.println("crash points of " + flow.name + ": " + list);
            Set<String> killedSteps = new java.util.HashSet<>();
            for (Boundary b : list) {
                for (Interrupt interrupt : Interrupt.values()) {
                    boolean firstTime = covered.add(b.step() + "/" + b.operation() + " x " + interrupt);
                    boolean stepKill = interrupt == Interrupt.SIGKILL && killedSteps.add(b.step());
                    if (full || firstTime || stepKill) {
                        cases.add(new Case(flow, b, interrupt));
                    }
                }
            }
        }
        String only = System.getProperty("essay.crashpoints.only", "");
        cases.removeIf(c -> !c.toString().contains(only));
        boundaryCount = boundaries.values().stream().mapToInt(List::size).sum();
        combinations = boundaryCount * Interrupt.values().length;
        System.out.println("crash points: " + cases.size() + " cases of " + boundaryCount + " boundaries x "
                + Interrupt.values().length + " interrupts");
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            casesRun++;
            long start = System.nanoTime();
            try {
                crash(c);
            } catch (AssertionError | Exception e) {
                List<String> errors = e instanceof SoftAssertionError soft ? soft.getErrors() : List.of(String.valueOf(e.getMessage()));
                String failure = c + ": " + errors.stream().map(CrashPointIT::brief).reduce((a, b) -> a + " | " + b).orElse("");
                failures.add(failure);
                System.out.println("crash point FAILED " + failure);
                throw e;
            } finally {
                System.out.printf(Locale.ROOT, "crash point %s took %.1f s%n", c, (System.nanoTime() - start) / 1e9);
            }
        }));
    }

    /** One line for a failed assertion: its description and the end of what it saw. */
    private static String brief(String error) {
        String flat = error.strip().replaceAll("\\s+", " ").replaceAll(" at CrashPointIT\\..*$", "");
        int end = flat.indexOf("] ");
        return end < 0 || flat.length() - end < 400 ? flat : flat.substring(0, end + 1) + " ..." + flat.substring(flat.length() - 300);
    }

    // ------------------------------------------------------------------------------------------ boundaries

    /** The flow's boundaries: what a real uninterrupted run sends, in order, then what only its dry run prints. */
    private static List<Boundary> boundaries(Flow flow) throws Exception {
        String version = flow == Flow.DEPLOY ? versionNotIn(slotBVersion(status())) : null;
        List<String> dry = new ArrayList<>(List.of("--config", flow.config().toString(), "--dry-run"));
        dry.addAll(flow.args(version));
        Cli.Run printed = Cli.run(dry.toArray(String[]::new));
        assertThat(printed.exit()).as(printed.all()).isZero();
        Set<Boundary> planned = new LinkedHashSet<>();
        String step = null;
        for (String line : printed.out().split("\n")) {
            if (line.startsWith("== ") && line.endsWith(" ==")) {
                step = line.substring(line.lastIndexOf(": ") + 2, line.length() - 3);
            } else if (line.startsWith("# operation: ") && step != null) {
                planned.add(new Boundary(step, line.substring("# operation: ".length())));
            }
        }
        Set<Boundary> sent = new LinkedHashSet<>();
        Console console = new Console(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        flow.run(engine(flow, console, t -> new Recording(t, sent)), version, console);
        assertThat(planned).as("the dry run of " + flow.name + " prints operations").isNotEmpty();
        List<Boundary> all = new ArrayList<>(sent);
        planned.stream().filter(b -> !sent.contains(b)).forEach(all::add);
        return all;
    }

    /** Notes every (step, operation) of every script sent, in order. */
    private record Recording(Transport delegate, Set<Boundary> sent) implements Transport {
        @Override
        public Session open(HostAddress host) {
            return new RewritingSession(delegate.open(host), script -> {
                synchronized (sent) {
                    script.text().lines().filter(l -> l.startsWith("# operation: "))
                            .forEach(l -> sent.add(new Boundary(script.name(), l.substring("# operation: ".length()))));
                }
                return script;
            });
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    private static Engine engine(Flow flow, Console console, UnaryOperator<Transport> wrap) {
        Project project = ProjectLoader.load(flow.config());
        return Engine.builder(project).transport(wrap.apply(new SshTransport(SshSettings.fromProject(project.ssh()))))
                .listener(console).actor(new Actor("crash-points", "CrashPointIT")).build();
    }

    // ------------------------------------------------------------------------------------------ one case

    /** The essay run being interrupted: the command in its own JVM, or the engine on a thread of this one. */
    private interface Run {
        void interrupt();

        /** Waits for the run to end; returns how it ended. */
        String awaitEnd() throws Exception;

        boolean ended();

        String output();

        /** Ends the run by force (cleanup after a failed case). */
        void stop();
    }

    private static void crash(Case c) throws Exception {
        Phases phases = new Phases();
        JsonNode known = restore(c.flow());
        phases.mark("restore");
        String version = c.flow() == Flow.DEPLOY ? versionNotIn(slotBVersion(known)) : null;
        int ledgerBefore = history().size();
        phases.mark("history");
        Path dir = Files.createTempDirectory(holds, "case-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        SoftAssertions soft = new SoftAssertions();
        Run run = null;
        try (TrafficLoop traffic = fleet.traffic()) {
            traffic.awaitRequests(3);
            run = start(c, dir, version);
            Run started = run;
            await("the run to reach " + c.boundary()).atMost(WAIT)
                    .until(() -> Files.exists(dir.resolve("reached")) || started.ended());
            assertThat(dir.resolve("reached")).as("the run ended before reaching %s:%n%s", c.boundary(), run.output()).exists();
            phases.mark("reach");
            run.interrupt();
            String ended = run.awaitEnd();
            phases.mark("end");
            System.out.println(c + ": " + ended);
            soft.assertThat(heldShellsEnd(dir)).as("the watchdog ends the held remote shells once essay's connection is gone")
                    .isTrue();

            phases.mark("watchdog");
            // the next command: essay status; when a lock is left behind, it must name a dead holder, and essay unlock
            // (which also undoes what that holder left half done) clears it
            JsonNode state = status();
            String holder = router(state).path("lock_holder").asText(null);
            if (holder != null) {
                Cli.Run text = Cli.run("--config", config.toString(), "status");
                soft.assertThat(text.out()).as("(c) the lock is held by %s after the run ended: essay status shows that holder"
                        + " as dead", holder).contains(holder).containsPattern("(?i)(dead|stale|not running|gone)");
                Cli.Run unlock = Cli.run("--config", config.toString(), "unlock");
                soft.assertThat(unlock.exit()).as("(c) essay unlock: %s", unlock.all()).isZero();
                Cli.Run again = Cli.run("--config", config.toString(), "unlock");
                soft.assertThat(again.out()).as("(c) the lock is free after essay unlock").contains("the release lock was free");
                state = status();
            }
            String live = live(state);
            soft.assertThat(served(live)).as("(a) after the interrupt: essay status says slot %s is live; nginx serves", live)
                    .isEqualTo(live);
            phases.mark("status-served");
            fleet.reloadNginx();
            soft.assertThat(served(live)).as("(a) after a plain nginx -s reload: essay status says slot %s is live;"
                    + " nginx serves", live).isEqualTo(live);
            phases.mark("reload-served");
            lastStatus = holder == null ? state : null;
            phases.mark("lock");
            List<JsonNode> ledger = history();
            soft.assertThat(ledger.size()).as("(d) essay history keeps the %d entries it had before the case", ledgerBefore)
                    .isGreaterThanOrEqualTo(ledgerBefore);
            List<JsonNode> added = ledger.subList(Math.min(ledgerBefore, ledger.size()), ledger.size());
            // killed before its lock step began, an attempt has touched nothing and no process is left to record it
            boolean unrecordable = c.interrupt() == Interrupt.SIGKILL && holder == null
                    && c.boundary().operation().equals("acquire-lock");
            soft.assertThat(unrecordable || added.stream().anyMatch(e -> c.flow().actions.contains(e.path("action").asText())
                    && OUTCOMES.contains(e.path("result").asText())))
                    .as("(d) essay history has the interrupted %s with an outcome; new entries: %s", c.flow().name, added).isTrue();

            phases.mark("history");
            TrafficLoop.Stats stats = traffic.awaitRequests(traffic.requests() + 5);
            phases.mark("traffic");
            System.out.println(c + " phases: " + phases);
            requests.addAndGet(stats.requests());
            failedRequests.addAndGet(stats.failures());
            soft.assertThat(stats.failures()).as("(b) failed requests through nginx: %s", stats.firstFailures()).isZero();
            if (!soft.wasSuccess()) {
                System.out.println(c + " output:\n" + run.output());
            }
            soft.assertAll();
        } finally {
            Files.writeString(dir.resolve("release"), "");
            if (run != null && !run.ended()) {
                run.stop();
            }
            stopHeldShells(dir);
            for (String file : List.of("reached", "release")) {
                Files.deleteIfExists(dir.resolve(file));
            }
            Files.delete(dir);
        }
    }

    /** Where a case's time goes (printed, never asserted). */
    private static final class Phases {
        private final StringBuilder text = new StringBuilder();
        private long last = System.nanoTime();

        void mark(String phase) {
            long now = System.nanoTime();
            text.append(String.format(Locale.ROOT, " %s %.1fs", phase, (now - last) / 1e9));
            last = now;
        }

        @Override
        public String toString() {
            return text.toString().strip();
        }
    }

    private static Run start(Case c, Path dir, String version) throws Exception {
        if (c.interrupt() == Interrupt.CANCEL) {
            StringWriter out = new StringWriter();
            Console console = new Console(new PrintWriter(out, true), new PrintWriter(out, true));
            Engine engine = engine(c.flow(), console,
                    t -> new HoldingTransport(t, c.boundary().step(), c.boundary().operation(), dir.toString()));
            String[] outcome = {"running"};
            Thread thread = new Thread(() -> {
                try {
                    c.flow().run(engine, version, console);
                    outcome[0] = "returned";
                } catch (RuntimeException e) {
                    outcome[0] = "threw " + e;
                }
            }, "crash-point " + c);
            thread.start();
            return new Run() {
                @Override
                public void interrupt() {
                    engine.cancel();
                }

                @Override
                public String awaitEnd() throws Exception {
                    thread.join(WAIT.toMillis());
                    assertThat(thread.isAlive()).as("the engine's %s ends after cancel: %s", c.flow().name, out).isFalse();
                    return outcome[0];
                }

                @Override
                public boolean ended() {
                    return !thread.isAlive();
                }

                @Override
                public String output() {
                    return out.toString();
                }

                @Override
                public void stop() {
                    engine.cancel();
                }
            };
        }
        Child child = Child.start(tmp, Map.of(HoldingTransport.VARIABLE, c.boundary().step() + "/" + c.boundary().operation() + "@" + dir),
                c.flow().config(), c.flow().args(version).toArray(String[]::new));
        return new Run() {
            @Override
            public void interrupt() {
                child.signal(c.interrupt().label.substring(3));
            }

            @Override
            public String awaitEnd() throws Exception {
                return "exit " + child.waitFor();
            }

            @Override
            public boolean ended() {
                return !child.process().isAlive();
            }

            @Override
            public String output() {
                return child.output();
            }

            @Override
            public void stop() {
                child.process().destroyForcibly();
            }
        };
    }

    // ------------------------------------------------------------------------------------------ state

    /**
     * The known state before a case: the lock free, slot a live with nothing left of an interrupted switch, the
     * router's previous slot b, and (except before a deploy, which redeploys it anyway) slot b healthy on one version on
     * every host (deployed again if not). Returns what essay status says then.
     */
    private static JsonNode restore(Flow next) throws Exception {
        JsonNode s = lastStatus != null ? lastStatus : status();
        lastStatus = null;
        if (!router(s).path("lock_holder").isNull()) {
            essay("unlock");
        }
        if (!"a".equals(live(s)) || router(s).path("interrupted_switch").asBoolean()) {
            Cli.Run sw = Cli.run("--config", config.toString(), "switch", "--to", "a");
            s = status();
            assertThat(live(s)).as("restore: slot a live again: %s", sw.all()).isEqualTo("a");
            assertThat(router(s).path("interrupted_switch").asBoolean()).as("restore: no interrupted switch: %s", sw.all()).isFalse();
        }
        boolean bNeeded = next != Flow.DEPLOY || !"b".equals(router(s).path("previous_slot").asText(null));
        if (bNeeded && slotBVersion(s) == null) {
            essay("deploy", "2.0.0", "--slot", "b");
            s = status();
        }
        if (!"b".equals(router(s).path("previous_slot").asText(null))) {
            essay("switch", "--to", "b");
            essay("switch", "--to", "a");
            s = status();
        }
        return s;
    }

    /** The version slot b runs healthy on every host, or null when the hosts disagree or one is not healthy. */
    private static String slotBVersion(JsonNode status) {
        Set<String> versions = new LinkedHashSet<>();
        for (JsonNode host : status.path("hosts")) {
            for (JsonNode slot : host.path("slots")) {
                if ("b".equals(slot.path("slot").asText())) {
                    versions.add(slot.path("healthy").asBoolean() ? slot.path("version").asText(null) : null);
                }
            }
        }
        return versions.size() == 1 ? versions.iterator().next() : null;
    }

    /** A version to deploy into slot b that is not what it runs ({@code current}), so every operation runs. */
    private static String versionNotIn(String current) {
        return DEPLOY_VERSIONS.stream().filter(v -> !v.equals(current)).findFirst().orElseThrow();
    }

    private static void essay(String... args) {
        List<String> argv = new ArrayList<>(List.of("--config", config.toString()));
        argv.addAll(List.of(args));
        Cli.Run run = Cli.run(argv.toArray(String[]::new));
        assertThat(run.exit()).as("essay %s: %s", String.join(" ", args), run.all()).isZero();
    }

    /** {@code essay status --json}: exit 0, or 3 when it reports the fleet degraded (a stale lock, say). */
    private static JsonNode status() throws Exception {
        Cli.Run run = Cli.run("--config", config.toString(), "status", "--json");
        assertThat(run.exit()).as(run.all()).isIn(0, 3);
        return JSON.readTree(run.out());
    }

    private static JsonNode router(JsonNode status) {
        return status.path("routers").path(0);
    }

    /** The slot essay reports live: what it saw nginx serve (the include's slot when nginx could not be asked). */
    private static String live(JsonNode status) {
        return status.path("live").path("slot").asText(router(status).path("live_slot").asText(null));
    }

    private static List<JsonNode> history() throws Exception {
        Cli.Run run = Cli.run("--config", config.toString(), "history", "--json", "--limit", "100000");
        assertThat(run.exit()).as(run.all()).isZero();
        List<JsonNode> entries = new ArrayList<>();
        JSON.readTree(run.out()).forEach(entries::add);
        return entries;
    }

    // ------------------------------------------------------------------------------------------ nginx and processes

    /**
     * The slot nginx serves: {@code expected} once ten requests in a row (each on a new connection) name it, within
     * the deadline (a reload lets old workers finish); otherwise what the last requests named.
     */
    private static String served(String expected) {
        List<String> last = new ArrayList<>();
        int[] inARow = {0};
        try {
            await("nginx to serve slot " + expected + " ten times in a row").atMost(Duration.ofSeconds(15))
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).until(() -> {
                        String slot = askSlot();
                        last.add(slot);
                        if (last.size() > 10) {
                            last.remove(0);
                        }
                        inARow[0] = slot != null && slot.equals(expected) ? inARow[0] + 1 : 0;
                        return inARow[0] == 10;
                    });
            return expected;
        } catch (ConditionTimeoutException e) {
            return String.join(",", last.stream().map(String::valueOf).toList());
        }
    }

    /** One GET through nginx on a new connection: the X-Essay-Slot it names, or what went wrong. */
    private static String askSlot() {
        try (Socket socket = new Socket("127.0.0.1", fleet.routerUrl().getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String head = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("x-essay-slot:")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
                if (line.isEmpty()) {
                    break;
                }
            }
            return "(no slot: " + head.lines().findFirst().orElse("no answer") + ")";
        } catch (java.io.IOException e) {
            return "(" + e + ")";
        }
    }

    private static List<Long> heldShells(Path dir) {
        LocalCommand.Result r = LocalCommand.run(List.of("pgrep", "-f", "essay-test-hold " + dir), Duration.ofSeconds(10));
        return r.output().lines().map(String::strip).filter(l -> l.matches("\\d+")).map(Long::parseLong).toList();
    }

    private static boolean heldShellsEnd(Path dir) {
        try {
            await("the held shells in " + dir + " to end").atMost(Duration.ofSeconds(30)).until(() -> heldShells(dir).isEmpty());
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    private static void stopHeldShells(Path dir) {
        for (long pid : heldShells(dir)) {
            LocalCommand.run(List.of("kill", "-KILL", Long.toString(pid)), Duration.ofSeconds(10));
        }
    }
}
