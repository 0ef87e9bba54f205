package dev.essay.core.run;

import dev.essay.core.model.HostAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one task per host with bounded parallelism and keeps a result for every host: one host's
 * failure never stops the others. Interrupting the calling thread cancels the tasks.
 */
public final class FleetRunner {
    private final int parallelism;

    public FleetRunner(int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1");
        }
        this.parallelism = parallelism;
    }

    @FunctionalInterface
    public interface HostTask<T> {
        T run(HostAddress host) throws Exception;
    }

    /** A task's value or the exception it threw, per host. */
    public record Outcome<T>(HostAddress host, T value, Throwable error) {
        public boolean ok() {
            return error == null;
        }
    }

    public <T> List<Outcome<T>> run(List<HostAddress> hosts, HostTask<T> task) throws InterruptedException {
        if (hosts.isEmpty()) {
            return List.of();
        }
        AtomicInteger counter = new AtomicInteger();
        ThreadFactory threads = r -> {
            Thread t = new Thread(r, "essay-host-" + counter.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, hosts.size()), threads);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (HostAddress host : hosts) {
                futures.add(pool.submit(() -> task.run(host)));
            }
            List<Outcome<T>> outcomes = new ArrayList<>();
            for (int i = 0; i < hosts.size(); i++) {
                try {
                    outcomes.add(new Outcome<>(hosts.get(i), futures.get(i).get(), null));
                } catch (ExecutionException e) {
                    outcomes.add(new Outcome<>(hosts.get(i), null, e.getCause()));
                }
            }
            return outcomes;
        } catch (InterruptedException e) {
            pool.shutdownNow();
            throw e;
        } finally {
            pool.shutdownNow();
        }
    }
}
