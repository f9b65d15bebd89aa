package io.stsbroker.testing;

import io.github.bucket4j.TimeMeter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Time that only moves when a test moves it: a {@link ScheduledExecutorService} whose delayed
 * tasks run on the test's own thread, in due order, when {@link #advance(Duration)} reaches them,
 * and the matching nanosecond ticker ({@link #nanoTime()}, also a bucket4j {@link TimeMeter}). Code
 * that schedules its waits here and reads time from here can be driven to any instant in
 * microseconds, and a test asserts what happened by then instead of how long it took.
 *
 * <p><b>Note:</b> tasks submitted with no delay ({@link #execute}) also wait for the next
 * {@code advance} (zero is enough), so nothing runs behind the test's back. Periodic scheduling is
 * not supported. Code that keeps scheduling at the same instant would spin for ever in
 * {@code advance}; past {@link #MAX_TASKS_PER_ADVANCE} tasks it fails instead.
 */
public final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService, TimeMeter {

    /** Far more than any test here runs in one advance (the busiest runs about 40,000). */
    static final int MAX_TASKS_PER_ADVANCE = 1_000_000;

    private final Object lock = new Object();
    private final PriorityQueue<Task<?>> queue = new PriorityQueue<>();
    private final boolean refusesSubMillisecondDelays;
    private final List<Long> delays = new ArrayList<>();
    private long now;
    private long sequence;
    private boolean shutdown;

    /** A scheduler that accepts any delay. */
    public ManualScheduler() {
        this(false);
    }

    /**
     * @param refusesSubMillisecondDelays throw as Vert.x timers do (Quarkus's worker pool schedules on
     *                                    them) for a positive delay under one millisecond
     */
    public ManualScheduler(boolean refusesSubMillisecondDelays) {
        this.refusesSubMillisecondDelays = refusesSubMillisecondDelays;
    }

    /** The current instant, in nanoseconds since this scheduler was made. */
    public long nanoTime() {
        synchronized (lock) {
            return now;
        }
    }

    @Override
    public long currentTimeNanos() {
        return nanoTime();
    }

    @Override
    public boolean isWallClockBased() {
        return false;
    }

    /**
     * Moves time forward by {@code d}, running every task that falls due on the way at its own
     * instant (tasks scheduled by those tasks included).
     */
    public void advance(Duration d) {
        long target;
        synchronized (lock) {
            target = now + d.toNanos();
        }
        for (int ran = 0; ; ran++) {
            if (ran == MAX_TASKS_PER_ADVANCE) {
                throw new IllegalStateException(MAX_TASKS_PER_ADVANCE + " tasks in one advance: something keeps"
                        + " scheduling without letting time pass");
            }
            Task<?> next;
            synchronized (lock) {
                next = queue.peek();
                if (next == null || next.at > target) {
                    now = target;
                    return;
                }
                queue.poll();
                now = Math.max(now, next.at);
            }
            next.run();
        }
    }

    /** Tasks waiting for their instant. */
    public int pending() {
        synchronized (lock) {
            return (int) queue.stream().filter(t -> !t.isCancelled()).count();
        }
    }

    /** Every delay asked of {@link #schedule}, in nanoseconds, in the order asked. */
    public List<Long> delaysAsked() {
        synchronized (lock) {
            return List.copyOf(delays);
        }
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return enqueue(new FutureTask<Void>(command, null), unit.toNanos(delay));
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return enqueue(new FutureTask<>(callable), unit.toNanos(delay));
    }

    @Override
    public void execute(Runnable command) {
        enqueue(new FutureTask<Void>(command, null), 0);
    }

    private <V> ScheduledFuture<V> enqueue(FutureTask<V> work, long delayNanos) {
        if (refusesSubMillisecondDelays && delayNanos > 0 && delayNanos < TimeUnit.MILLISECONDS.toNanos(1)) {
            throw new IllegalArgumentException("Cannot schedule a timer with delay < 1 ms");
        }
        synchronized (lock) {
            if (shutdown) {
                throw new java.util.concurrent.RejectedExecutionException("shut down");
            }
            delays.add(delayNanos);
            Task<V> task = new Task<>(work, now + Math.max(0, delayNanos), sequence++);
            queue.add(task);
            return task;
        }
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException("periodic tasks");
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("periodic tasks");
    }

    @Override
    public void shutdown() {
        synchronized (lock) {
            shutdown = true;
        }
    }

    @Override
    public List<Runnable> shutdownNow() {
        synchronized (lock) {
            shutdown = true;
            List<Runnable> left = new ArrayList<>(queue);
            queue.clear();
            return left;
        }
    }

    @Override
    public boolean isShutdown() {
        synchronized (lock) {
            return shutdown;
        }
    }

    @Override
    public boolean isTerminated() {
        synchronized (lock) {
            return shutdown && queue.isEmpty();
        }
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return isTerminated();
    }

    /** A task due at {@code at}; ties run in the order scheduled. */
    private final class Task<V> implements ScheduledFuture<V>, Runnable {
        private final FutureTask<V> work;
        private final long at;
        private final long seq;

        Task(FutureTask<V> work, long at, long seq) {
            this.work = work;
            this.at = at;
            this.seq = seq;
        }

        @Override
        public void run() {
            work.run();
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(at - nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            Task<?> o = (Task<?>) other;
            int byTime = Long.compare(at, o.at);
            return byTime != 0 ? byTime : Long.compare(seq, o.seq);
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            synchronized (lock) {
                queue.remove(this);
            }
            return work.cancel(mayInterruptIfRunning);
        }

        @Override
        public boolean isCancelled() {
            return work.isCancelled();
        }

        @Override
        public boolean isDone() {
            return work.isDone();
        }

        @Override
        public V get() throws InterruptedException, ExecutionException {
            return work.get();
        }

        @Override
        public V get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException,
                java.util.concurrent.TimeoutException {
            return work.get(timeout, unit);
        }
    }
}
