package io.stsbroker.client;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The private background-refresh executor of a {@link BrokerCredentials}: at most one daemon
 * thread, which ends after 30 seconds idle, so a forgotten instance leaks no thread.
 */
final class RefreshThreads {
    static final String NAME_PREFIX = "sts-broker-refresh-";
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private RefreshThreads() {
    }

    static ExecutorService newExecutor(String role) {
        String name = NAME_PREFIX + role + "-" + COUNTER.incrementAndGet();
        return new ThreadPoolExecutor(0, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    static void shutdown(ExecutorService executor) {
        executor.shutdownNow();
        try {
            // A refresh blocked in HTTP I/O is interrupted by shutdownNow; give it a moment to unwind.
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
