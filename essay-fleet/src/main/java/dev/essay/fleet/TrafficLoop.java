package dev.essay.fleet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Background HTTP traffic through the router, to prove a switch drops no request: a thread sends
 * {@code GET} requests one after another, each on a NEW connection (HTTP/1.1, {@code Connection: close}),
 * and counts successes (2xx), failures (other statuses, I/O errors; the first few described) and the
 * 2xx responses per {@code X-Essay-Slot} and {@code X-Essay-Version} value. Bounded: it stops at
 * {@link #close()}, or after {@code maxRequests} requests or {@code maxDuration}, whichever comes first.
 * Waiting is on conditions ({@link #awaitRequests}, {@link #await}), never on time.
 */
public final class TrafficLoop implements AutoCloseable {
    /** Slot or version key for a 2xx response without that header. */
    public static final String NONE = "-";
    private static final int FAILURES_KEPT = 10;

    private final URI url;
    private final long maxRequests;
    private final Duration maxDuration;
    private final Duration pause;
    private final Duration requestTimeout;
    private final Thread thread;
    private final Object lock = new Object();
    private long requests;
    private long successes;
    private long failures;
    private final Map<String, Long> bySlot = new TreeMap<>();
    private final Map<String, Long> byVersion = new TreeMap<>();
    private final List<String> firstFailures = new ArrayList<>();
    /** Each time the answering slot changed: when the response completed ({@link System#nanoTime()}), and the slot. */
    private record SlotChange(long nanoTime, String slot) {
    }

    private final List<SlotChange> slotChanges = new ArrayList<>();
    private String lastSlot;
    private boolean running = true;
    private volatile boolean stopRequested;

    /** What the loop counted so far (an immutable snapshot). */
    public record Stats(long requests, long successes, long failures, Map<String, Long> bySlot,
                        Map<String, Long> byVersion, List<String> firstFailures, boolean running) {
        /** 2xx responses that named {@code slot} in X-Essay-Slot. */
        public long fromSlot(String slot) {
            return bySlot.getOrDefault(slot, 0L);
        }

        /** 2xx responses that named {@code version} in X-Essay-Version. */
        public long ofVersion(String version) {
            return byVersion.getOrDefault(version, 0L);
        }

        @Override
        public String toString() {
            return "requests=" + requests + " ok=" + successes + " failed=" + failures + " bySlot=" + bySlot
                    + " byVersion=" + byVersion + (firstFailures.isEmpty() ? "" : " firstFailures=" + firstFailures)
                    + (running ? "" : " (stopped)");
        }
    }

    private TrafficLoop(Builder builder) {
        this.url = builder.url;
        this.maxRequests = builder.maxRequests;
        this.maxDuration = builder.maxDuration;
        this.pause = builder.pause;
        this.requestTimeout = builder.requestTimeout;
        this.thread = new Thread(this::loop, "essay-traffic " + url);
        this.thread.setDaemon(true);
    }

    /** Starts a loop against {@code url} with the default bounds (see {@link Builder}). */
    public static TrafficLoop start(URI url) {
        return builder(url).start();
    }

    public static Builder builder(URI url) {
        return new Builder(url);
    }

    /** Bounds and pace of a loop. */
    public static final class Builder {
        private final URI url;
        private long maxRequests = 50_000;
        private Duration maxDuration = Duration.ofMinutes(10);
        private Duration pause = Duration.ofMillis(5);
        private Duration requestTimeout = Duration.ofSeconds(10);

        private Builder(URI url) {
            if (!"http".equals(url.getScheme()) || url.getHost() == null) {
                throw new IllegalArgumentException("TrafficLoop needs an http:// URL with a host, not " + url);
            }
            this.url = url;
        }

        /** Stop after this many requests (default 50,000). */
        public Builder maxRequests(long max) {
            this.maxRequests = max;
            return this;
        }

        /** Stop after this long (default 10 minutes). */
        public Builder maxDuration(Duration max) {
            this.maxDuration = max;
            return this;
        }

        /** Pause between two requests (default 5 ms), to keep the logs of a long test small. */
        public Builder pause(Duration pause) {
            this.pause = pause;
            return this;
        }

        /** Connect and read timeout of one request (default 10 s); a timeout counts as a failure. */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        public TrafficLoop start() {
            TrafficLoop loop = new TrafficLoop(this);
            loop.thread.start();
            return loop;
        }
    }

    public Stats stats() {
        synchronized (lock) {
            return new Stats(requests, successes, failures, Map.copyOf(bySlot), Map.copyOf(byVersion),
                    List.copyOf(firstFailures), running);
        }
    }

    public long requests() {
        synchronized (lock) {
            return requests;
        }
    }

    public long successes() {
        synchronized (lock) {
            return successes;
        }
    }

    public long failures() {
        synchronized (lock) {
            return failures;
        }
    }

    /** 2xx responses per X-Essay-Slot value ({@link #NONE} when absent). */
    public Map<String, Long> bySlot() {
        return stats().bySlot();
    }

    /** Descriptions of the first failures (at most 10). */
    public List<String> firstFailures() {
        return stats().firstFailures();
    }

    public boolean isRunning() {
        synchronized (lock) {
            return running;
        }
    }

    /**
     * When the first 2xx response from {@code slot} completed at or after {@code sinceNanoTime} (both
     * {@link System#nanoTime()}), provided another slot answered before it; empty when none did yet.
     */
    public OptionalLong firstServedBy(String slot, long sinceNanoTime) {
        synchronized (lock) {
            for (SlotChange change : slotChanges) {
                if (change.nanoTime() - sinceNanoTime >= 0 && change.slot().equals(slot)) {
                    return OptionalLong.of(change.nanoTime());
                }
            }
            return OptionalLong.empty();
        }
    }

    /** Waits until at least {@code n} requests completed in all (at most 60 s). */
    public Stats awaitRequests(long n) {
        return awaitRequests(n, Duration.ofSeconds(60));
    }

    /** Waits until at least {@code n} requests completed in all. */
    public Stats awaitRequests(long n, Duration timeout) {
        return await(s -> s.requests() >= n, timeout, "at least " + n + " requests");
    }

    /** Waits until at least {@code n} 2xx responses in all came from {@code slot} (at most 60 s). */
    public Stats awaitSlot(String slot, long n) {
        return await(s -> s.fromSlot(slot) >= n, Duration.ofSeconds(60), "at least " + n + " responses from slot " + slot);
    }

    /**
     * Waits until {@code condition} holds for the stats; throws {@link IllegalStateException} (with the stats)
     * when the timeout passes first or the loop stops with the condition still false.
     */
    public Stats await(Predicate<Stats> condition, Duration timeout, String description) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (true) {
                Stats stats = stats();
                if (condition.test(stats)) {
                    return stats;
                }
                if (!running) {
                    throw new IllegalStateException("traffic loop stopped before " + description + ": " + stats);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("no " + description + " within " + timeout + ": " + stats);
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for " + description, e);
                }
            }
        }
    }

    /** Stops the loop (the request in flight completes) and returns the final stats. */
    public Stats stop() {
        stopRequested = true;
        thread.interrupt();
        try {
            thread.join(requestTimeout.multipliedBy(2).plusSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return stats();
    }

    @Override
    public void close() {
        stop();
    }

    // ---------------------------------------------------------------------------------------------

    private void loop() {
        long end = System.nanoTime() + maxDuration.toNanos();
        try {
            for (long i = 1; i <= maxRequests && !stopRequested && System.nanoTime() - end < 0; i++) {
                record(i, request());
                if (!pause.isZero() && !stopRequested) {
                    try {
                        Thread.sleep(pause.toMillis(), pause.toNanosPart() % 1_000_000);
                    } catch (InterruptedException e) {
                        break;
                    }
                }
            }
        } finally {
            synchronized (lock) {
                running = false;
                lock.notifyAll();
            }
        }
    }

    /** One response: status (-1 on an I/O error), the two headers, or the error. */
    private record Outcome(int status, String slot, String version, String error) {
    }

    private Outcome request() {
        int port = url.getPort() == -1 ? 80 : url.getPort();
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        if (url.getRawQuery() != null) {
            path += "?" + url.getRawQuery();
        }
        int timeout = (int) requestTimeout.toMillis();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(url.getHost(), port), timeout);
            socket.setSoTimeout(timeout);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + port
                    + "\r\nUser-Agent: essay-traffic-loop\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String statusLine = readLine(in);
            if (statusLine == null || !statusLine.startsWith("HTTP/1.")) {
                return new Outcome(-1, null, null, "bad status line: " + statusLine);
            }
            String[] parts = statusLine.split(" ", 3);
            int status = Integer.parseInt(parts[1]);
            String slot = null;
            String version = null;
            for (String line; (line = readLine(in)) != null && !line.isEmpty(); ) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                    String value = line.substring(colon + 1).trim();
                    if (name.equals("x-essay-slot")) {
                        slot = value;
                    } else if (name.equals("x-essay-version")) {
                        version = value;
                    }
                }
            }
            in.transferTo(OutputStream.nullOutputStream());
            return new Outcome(status, slot, version, null);
        } catch (IOException | RuntimeException e) {
            return new Outcome(-1, null, null, e.toString());
        }
    }

    private void record(long n, Outcome outcome) {
        synchronized (lock) {
            requests++;
            if (outcome.status() >= 200 && outcome.status() < 300) {
                successes++;
                String slot = outcome.slot() == null || outcome.slot().isEmpty() ? NONE : outcome.slot();
                if (!slot.equals(lastSlot)) {
                    slotChanges.add(new SlotChange(System.nanoTime(), slot));
                    lastSlot = slot;
                }
                bySlot.merge(slot, 1L, Long::sum);
                byVersion.merge(outcome.version() == null || outcome.version().isEmpty() ? NONE : outcome.version(), 1L, Long::sum);
            } else {
                failures++;
                if (firstFailures.size() < FAILURES_KEPT) {
                    firstFailures.add("#" + n + " " + (outcome.error() != null ? outcome.error()
                            : "status " + outcome.status() + " (slot " + (outcome.slot() == null ? NONE : outcome.slot()) + ")"));
                }
            }
            lock.notifyAll();
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != -1; ) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }
}
