package io.stsbroker.vending;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stsbroker.error.BrokerException;
import io.stsbroker.error.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The upstream call budget on its own: pacing, the bounded wait, the deadline, and no blocked threads. */
class UpstreamBudgetTest {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private UpstreamBudget budget(int perSecond, Duration maxWait) {
        return new UpstreamBudget(perSecond, maxWait, scheduler, new SimpleMeterRegistry());
    }

    private static long far() {
        return System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    }

    @Test
    void callsBeyondTheBurstWaitWithoutBlockingAndAreSpacedAtTheRate() {
        // Warm-up on a budget of its own: class loading would otherwise count as blocking.
        UpstreamBudget warmUp = budget(1000, Duration.ofSeconds(1));
        for (int i = 0; i < 300; i++) {
            warmUp.acquire(far()).await().atMost(Duration.ofSeconds(5));
        }
        UpstreamBudget budget = budget(20, Duration.ofSeconds(5));
        int n = 42;
        long start = System.nanoTime();
        List<CompletableFuture<Long>> grants = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            grants.add(budget.acquire(far()).map(v -> System.nanoTime()).subscribeAsCompletionStage());
        }
        long subscribedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        List<Long> at = grants.stream().map(CompletableFuture::join)
                .map(t -> TimeUnit.NANOSECONDS.toMillis(t - start)).sorted().toList();

        System.out.printf("[budget] 20/s: %d acquisitions subscribed in %d ms; granted at (ms) %s%n", n, subscribedMillis, at);
        // Blocking until each grant would take 2 s for 42 calls at 20/s; 1 s leaves room for a
        // descheduled thread on a loaded 2-core machine and still tells the two apart.
        assertThat(subscribedMillis).as("asking never blocks the caller").isLessThan(1_000);
        // One at once, then one every 50 ms: the 42nd at about 2 s. The lower bound is the rate
        // (a slow machine only makes grants later, never earlier); the upper one only shows that
        // waiters are not stuck, so it is generous: timers firing late cannot make it flake.
        assertThat(at.get(n - 1)).isBetween(1_900L, 15_000L);
        // In any one-second window: at most the rate plus the one token held (20 + 1), plus one for timing.
        for (long from : at) {
            long count = at.stream().filter(t -> t >= from && t < from + 1_000).count();
            assertThat(count).as("grants in the second after %d ms", from).isLessThanOrEqualTo(22);
        }
    }

    @Test
    void noTokenIsTakenWhileEveryConnectionIsBusy() {
        java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger(2);
        UpstreamBudget budget = new UpstreamBudget(1000, Duration.ofSeconds(5), scheduler, new SimpleMeterRegistry(),
                inFlight::get, 2);
        CompletableFuture<Void> call = budget.acquire(far()).subscribeAsCompletionStage();
        long busyUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
        while (System.nanoTime() < busyUntil) {
            assertThat(call).as("tokens are free, connections are not").isNotDone();
            Thread.onSpinWait();
        }
        inFlight.set(1);
        call.orTimeout(2, TimeUnit.SECONDS).join();
        assertThat(call).isCompleted();
    }

    @Test
    void waitsAtAHighRateWorkOnASchedulerThatRefusesDelaysUnderOneMillisecond() {
        // Quarkus's worker pool schedules on Vert.x timers, which throw for delays under 1 ms.
        ScheduledExecutorService vertxLike = new java.util.concurrent.ScheduledThreadPoolExecutor(1) {
            @Override
            public java.util.concurrent.ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
                if (unit.toNanos(delay) < TimeUnit.MILLISECONDS.toNanos(1)) {
                    throw new IllegalArgumentException("Cannot schedule a timer with delay < 1 ms");
                }
                return super.schedule(command, delay, unit);
            }
        };
        try {
            UpstreamBudget budget = new UpstreamBudget(1_000_000, Duration.ofSeconds(2), vertxLike, new SimpleMeterRegistry());
            List<CompletableFuture<Void>> calls = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                calls.add(budget.acquire(far()).subscribeAsCompletionStage());
            }
            calls.forEach(c -> c.orTimeout(5, TimeUnit.SECONDS).join());
        } finally {
            vertxLike.shutdownNow();
        }
    }

    /** Like Quarkus's worker pool, which schedules on Vert.x timers: a delay under 1 ms throws. */
    private static ScheduledExecutorService vertxLikeScheduler() {
        return new java.util.concurrent.ScheduledThreadPoolExecutor(1) {
            @Override
            public java.util.concurrent.ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
                if (unit.toNanos(delay) < TimeUnit.MILLISECONDS.toNanos(1)) {
                    throw new IllegalArgumentException("Cannot schedule a timer with delay < 1 ms");
                }
                return super.schedule(command, delay, unit);
            }
        };
    }

    @Test
    void aWaitWithLessThanOneMillisecondLeftEndsAsACountedRefusalNotAnUnexpectedError() {
        ScheduledExecutorService vertxLike = vertxLikeScheduler();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try {
            // Every connection busy, so each attempt waits; 10 us per token, so it may start waiting
            // with well under a millisecond left before its deadline.
            UpstreamBudget budget = new UpstreamBudget(100_000, Duration.ofSeconds(2), vertxLike, meters, () -> 1, 1);
            int attempts = 20;
            for (int i = 0; i < attempts; i++) {
                Throwable t = catchThrowable(() -> budget.acquire(System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(600))
                        .await().atMost(Duration.ofSeconds(3)));
                assertThat(t).isInstanceOfSatisfying(BrokerException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
                    assertThat(e.retryAfter()).isPresent();
                });
            }
            assertThat(meters.counter("broker.upstream.budget", "result", "rejected").count()).isEqualTo(attempts);
        } finally {
            vertxLike.shutdownNow();
        }
    }

    @Test
    void aColdAttemptTakesTheNextTokenAheadOfDeferrableOnesThatWaitedLonger() {
        java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger(1);
        UpstreamBudget budget = new UpstreamBudget(20, Duration.ofSeconds(5), scheduler, new SimpleMeterRegistry(),
                inFlight::get, 1);
        List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String name = "deferrable-" + i;
            calls.add(budget.acquire(far(), FetchPriority.DEFERRABLE).invoke(() -> order.add(name)).subscribeAsCompletionStage());
        }
        calls.add(budget.acquire(far(), FetchPriority.COLD).invoke(() -> order.add("cold")).subscribeAsCompletionStage());
        // The connection frees up only now: all four wait for the same tokens.
        inFlight.set(0);
        calls.forEach(c -> c.orTimeout(5, TimeUnit.SECONDS).join());
        assertThat(order).hasSize(4).first().isEqualTo("cold");
    }

    @Test
    void aCallThatWouldWaitLongerThanTheBoundFailsAtOnceWith503AndRetryAfter() {
        UpstreamBudget budget = budget(10, Duration.ofMillis(350));
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            calls.add(budget.acquire(far()).subscribeAsCompletionStage());
        }
        // 1 token now, then one every 100 ms: 3 more fit in 350 ms; the other 6 are refused at once.
        long refusedAtOnce = calls.stream().filter(CompletableFuture::isCompletedExceptionally).count();
        long refusedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        long granted = calls.stream().filter(f -> catchThrowable(f::join) == null).count();
        System.out.printf("[budget] 10/s, wait <= 350 ms: %d granted, %d refused within %d ms%n",
                granted, refusedAtOnce, refusedMillis);
        // On a busy machine a waiter can wake too late for its token, so 3 is possible too.
        assertThat(granted).isBetween(3L, 4L);
        assertThat(refusedAtOnce).isEqualTo(6);

        Throwable t = catchThrowable(calls.get(9)::join);
        assertThat(t).isInstanceOf(CompletionException.class);
        assertThat(t.getCause()).isInstanceOfSatisfying(BrokerException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
            assertThat(e.retryAfter()).hasValueSatisfying(d -> assertThat(d).isGreaterThanOrEqualTo(Duration.ofSeconds(1)));
            assertThat(e.upstreamCode()).isEmpty();
        });
    }

    @Test
    void theWaitNeverOutlastsTheRequestDeadline() {
        UpstreamBudget budget = budget(1, Duration.ofSeconds(5));
        assertThat(budget.acquire(far()).await().atMost(Duration.ofSeconds(1))).isNull();
        // The next token is a second away, but the request has only 50 ms left. No timing is
        // asserted: a wait that ignored the deadline would get that token within maxWait (5 s) and
        // succeed, so the failure itself proves the deadline was honoured.
        Throwable t = catchThrowable(() -> budget.acquire(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50))
                .await().atMost(Duration.ofSeconds(3)));
        assertThat(t).isInstanceOfSatisfying(BrokerException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE));
    }

    @Test
    void invalidSettingsNameTheProperty() {
        assertThat(catchThrowable(() -> budget(0, Duration.ZERO)))
                .hasMessageContaining("broker.sts.max-calls-per-second").hasMessageContaining("'0'");
        assertThat(catchThrowable(() -> budget(5, Duration.ofSeconds(-1))))
                .hasMessageContaining("broker.sts.budget-wait");
    }
}
