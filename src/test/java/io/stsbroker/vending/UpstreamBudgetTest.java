package io.stsbroker.vending;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stsbroker.error.BrokerException;
import io.stsbroker.error.ErrorCode;
import io.stsbroker.testing.ManualScheduler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The upstream call budget on its own: pacing, the bounded wait, the deadline, and no blocked
 * threads. Time is a {@link ManualScheduler}: it moves only when a test advances it, and every wait
 * runs on the test's thread, so grants and refusals are counted at exact instants.
 */
class UpstreamBudgetTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final ManualScheduler time = new ManualScheduler();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private UpstreamBudget budget(int perSecond, Duration maxWait) {
        return new UpstreamBudget(perSecond, maxWait, time, time, meters);
    }

    private UpstreamBudget budget(int perSecond, Duration maxWait, ManualScheduler scheduler, AtomicInteger inFlight,
                                  int maxInFlight) {
        return new UpstreamBudget(perSecond, maxWait, scheduler, scheduler, meters, inFlight::get, maxInFlight);
    }

    private long far() {
        return time.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    }

    private double count(String result) {
        return meters.counter("broker.upstream.budget", "result", result).count();
    }

    @Test
    void callsBeyondTheBurstWaitWithoutBlockingAndAreSpacedAtTheRate() {
        UpstreamBudget budget = budget(20, Duration.ofSeconds(5));
        int n = 42;
        List<CompletableFuture<Long>> grants = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            grants.add(budget.acquire(far()).map(v -> time.nanoTime()).subscribeAsCompletionStage());
        }
        // Time has not moved: one token was there, the other 41 wait (and asking did not block, or
        // this line would never be reached on the only thread that moves time).
        assertThat(grants.stream().filter(CompletableFuture::isDone).count()).isEqualTo(1);
        assertThat(meters.get("broker.upstream.budget.waiting").gauge().value()).isEqualTo(41);

        time.advance(Duration.ofSeconds(5));
        List<Long> at = grants.stream().map(CompletableFuture::join).sorted().toList();
        System.out.printf("[budget] 20/s: granted at (ms) %s%n", at.stream().map(t -> t / MS).toList());

        assertThat(count("immediate")).isEqualTo(1);
        assertThat(count("delayed")).isEqualTo(41);
        assertThat(count("rejected")).isZero();
        assertThat(meters.get("broker.upstream.budget.waiting").gauge().value()).isZero();
        // One token holds one call: never two grants closer than 1/rate (50 ms)...
        for (int i = 1; i < n; i++) {
            assertThat(at.get(i) - at.get(i - 1)).as("gap before grant %d", i).isGreaterThanOrEqualTo(50 * MS);
        }
        // ...so any one second holds at most the rate plus the token held (20 + 1).
        for (long from : at) {
            assertThat(at.stream().filter(t -> t >= from && t < from + TimeUnit.SECONDS.toNanos(1)).count())
                    .as("grants in the second after %d ms", from / MS).isLessThanOrEqualTo(21);
        }
        assertThat(at.get(n - 1)).isGreaterThanOrEqualTo(41 * 50 * MS);
    }

    @Test
    void aWaiterSleepsUntilItsTokenIsDueAndWakesOnce() {
        UpstreamBudget budget = budget(10, Duration.ofSeconds(1));
        assertThat(budget.acquire(far()).subscribeAsCompletionStage()).isCompleted();
        CompletableFuture<Void> second = budget.acquire(far()).subscribeAsCompletionStage();
        // The next token is 100 ms away: one nap of 100 ms plus up to one interval of jitter, never
        // a wake-up before the token is there.
        assertThat(time.delaysAsked()).singleElement().satisfies(d -> assertThat(d).isBetween(100 * MS, 200 * MS));
        time.advance(Duration.ofMillis(200));
        assertThat(second).isCompleted();
        assertThat(time.delaysAsked()).hasSize(1);
    }

    @Test
    void noTokenIsTakenWhileEveryConnectionIsBusy() {
        AtomicInteger inFlight = new AtomicInteger(2);
        UpstreamBudget budget = budget(1000, Duration.ofSeconds(5), time, inFlight, 2);
        CompletableFuture<Void> call = budget.acquire(far()).subscribeAsCompletionStage();
        time.advance(Duration.ofSeconds(3));
        assertThat(call).as("tokens are free, connections are not").isNotDone();
        inFlight.set(1);
        // Busy waiters look again every token interval (1 ms) plus up to one interval of jitter.
        time.advance(Duration.ofMillis(2));
        assertThat(call).isCompleted();
        assertThat(count("delayed")).isEqualTo(1);
    }

    @Test
    void waitsAtAHighRateWorkOnASchedulerThatRefusesDelaysUnderOneMillisecond() {
        // Quarkus's worker pool schedules on Vert.x timers, which throw for delays under 1 ms.
        ManualScheduler vertxLike = new ManualScheduler(true);
        UpstreamBudget budget = new UpstreamBudget(1_000_000, Duration.ofSeconds(2), vertxLike, vertxLike, meters);
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            calls.add(budget.acquire(vertxLike.nanoTime() + TimeUnit.MINUTES.toNanos(1)).subscribeAsCompletionStage());
        }
        vertxLike.advance(Duration.ofSeconds(2));
        assertThat(calls).allSatisfy(c -> assertThat(c).isCompleted());
        assertThat(vertxLike.delaysAsked()).isNotEmpty().allSatisfy(d -> assertThat(d).isGreaterThanOrEqualTo(MS));
    }

    @Test
    void aWaitWithLessThanOneMillisecondLeftEndsAsACountedRefusalNotAnUnexpectedError() {
        ManualScheduler vertxLike = new ManualScheduler(true);
        // Every connection busy, so each attempt waits; 10 us per token, so it starts waiting with well
        // under a millisecond left before its deadline.
        UpstreamBudget budget = budget(100_000, Duration.ofSeconds(2), vertxLike, new AtomicInteger(1), 1);
        int attempts = 20;
        for (int i = 0; i < attempts; i++) {
            CompletableFuture<Void> call = budget.acquire(vertxLike.nanoTime() + TimeUnit.MICROSECONDS.toNanos(600))
                    .subscribeAsCompletionStage();
            assertThat(call).as("refused at once, no timer asked").isCompletedExceptionally();
            assertThat(catchThrowable(call::join).getCause()).isInstanceOfSatisfying(BrokerException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
                assertThat(e.retryAfter()).isPresent();
            });
        }
        assertThat(vertxLike.delaysAsked()).isEmpty();
        assertThat(count("rejected")).isEqualTo(attempts);
    }

    @Test
    void aColdAttemptTakesTheNextTokenAheadOfDeferrableOnesThatWaitedLonger() {
        AtomicInteger inFlight = new AtomicInteger(1);
        UpstreamBudget budget = budget(20, Duration.ofSeconds(5), time, inFlight, 1);
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String name = "deferrable-" + i;
            calls.add(budget.acquire(far(), FetchPriority.DEFERRABLE).invoke(() -> order.add(name)).subscribeAsCompletionStage());
            time.advance(Duration.ofMillis(10));
        }
        calls.add(budget.acquire(far(), FetchPriority.COLD).invoke(() -> order.add("cold")).subscribeAsCompletionStage());
        // The connection frees up only now: all four wait for the same tokens.
        inFlight.set(0);
        time.advance(Duration.ofSeconds(5));
        assertThat(calls).allSatisfy(c -> assertThat(c).isCompleted());
        assertThat(order).hasSize(4).first().isEqualTo("cold");
    }

    @Test
    void aDeferrableAttemptWaitsWhileACallerIsColdEvenWithATokenFree() {
        AtomicInteger inFlight = new AtomicInteger(1);
        UpstreamBudget budget = budget(20, Duration.ofSeconds(5), time, inFlight, 1);
        CompletableFuture<Void> cold = budget.acquire(far(), FetchPriority.COLD).subscribeAsCompletionStage();
        inFlight.set(0);
        // The token is there and the connection free, but a cold caller waits for it.
        CompletableFuture<Void> deferrable = budget.acquire(far(), FetchPriority.DEFERRABLE).subscribeAsCompletionStage();
        assertThat(deferrable).isNotDone();
        time.advance(Duration.ofSeconds(1));
        assertThat(cold).isCompleted();
        assertThat(deferrable).isCompleted();
    }

    @Test
    void aColdAttemptJudgesItsWaitByTheColdWaitersAheadOnly() {
        AtomicInteger inFlight = new AtomicInteger(1);
        UpstreamBudget budget = budget(10, Duration.ofMillis(350), time, inFlight, 1);
        List<CompletableFuture<Void>> deferrable = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            deferrable.add(budget.acquire(far(), FetchPriority.DEFERRABLE).subscribeAsCompletionStage());
        }
        // Three deferrable waiters queue 300 ms; a fourth deferrable one would queue 400 ms, past the bound...
        assertThat(budget.acquire(far(), FetchPriority.DEFERRABLE).subscribeAsCompletionStage()).isCompletedExceptionally();
        // ...but a cold one is behind no cold waiter: it waits, and gets a token.
        CompletableFuture<Void> cold = budget.acquire(far(), FetchPriority.COLD).subscribeAsCompletionStage();
        assertThat(cold).isNotDone();
        inFlight.set(0);
        time.advance(Duration.ofMillis(350));
        assertThat(cold).isCompleted();
        assertThat(deferrable).allSatisfy(d -> assertThat(d).isDone());
    }

    @Test
    void aCallThatWouldWaitLongerThanTheBoundFailsAtOnceWith503AndRetryAfter() {
        UpstreamBudget budget = budget(10, Duration.ofMillis(350));
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            calls.add(budget.acquire(far()).subscribeAsCompletionStage());
        }
        // 1 token now, then one every 100 ms: 3 more fit in 350 ms; the other 6 are refused before
        // time moves at all.
        assertThat(calls.stream().filter(CompletableFuture::isCompletedExceptionally).count()).isEqualTo(6);
        assertThat(calls.stream().filter(f -> f.isDone() && !f.isCompletedExceptionally()).count()).isEqualTo(1);
        assertThat(count("rejected")).isEqualTo(6);
        Throwable t = catchThrowable(calls.get(9)::join);
        assertThat(t).isInstanceOf(CompletionException.class);
        assertThat(t.getCause()).isInstanceOfSatisfying(BrokerException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
            // Three waiters ahead of it and itself, 100 ms each: shorter than a second, so one second.
            assertThat(e.retryAfter()).contains(Duration.ofSeconds(1));
            assertThat(e.upstreamCode()).isEmpty();
        });

        // By the bound every waiter has its answer; no more grants than tokens (1 + 3 in 350 ms). The
        // jitter decides whether a waiter wakes in time for the third refill, so 2 or 3 waiters win.
        time.advance(Duration.ofMillis(350));
        assertThat(calls).allSatisfy(c -> assertThat(c).isDone());
        long granted = calls.stream().filter(f -> !f.isCompletedExceptionally()).count();
        assertThat(granted).isBetween(3L, 4L);
        assertThat(count("immediate") + count("delayed")).isEqualTo(granted);
        assertThat(count("rejected")).isEqualTo(10 - granted);
    }

    @Test
    void theRetryAfterOfARefusalIsTheQueueItWouldHaveWaitedIn() {
        UpstreamBudget budget = budget(2, Duration.ofSeconds(2));
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            calls.add(budget.acquire(far()).subscribeAsCompletionStage());
        }
        // One at once, four fit in 2 s at 500 ms each (the 4th queues exactly 2 s), the sixth would queue 2.5 s.
        assertThat(calls.subList(0, 5)).noneSatisfy(c -> assertThat(c).isCompletedExceptionally());
        assertThat(catchThrowable(calls.get(5)::join).getCause()).isInstanceOfSatisfying(BrokerException.class,
                e -> assertThat(e.retryAfter()).contains(Duration.ofMillis(2_500)));
    }

    @Test
    void theWaitNeverOutlastsTheRequestDeadline() {
        UpstreamBudget budget = budget(1, Duration.ofSeconds(5));
        assertThat(budget.acquire(far()).subscribeAsCompletionStage()).isCompleted();
        // The next token is a second away, but the request has only 50 ms left: refused at once.
        CompletableFuture<Void> late = budget.acquire(time.nanoTime() + 50 * MS).subscribeAsCompletionStage();
        assertThat(late).isCompletedExceptionally();
        assertThat(catchThrowable(late::join).getCause()).isInstanceOfSatisfying(BrokerException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE));
    }

    @Test
    void aWaiterGivesUpAtItsDeadlineToTheMillisecond() {
        // Connections stay busy, so no token is ever taken; the deadline (300 ms) comes before maxWait.
        UpstreamBudget budget = budget(1000, Duration.ofSeconds(5), time, new AtomicInteger(1), 1);
        CompletableFuture<Void> call = budget.acquire(time.nanoTime() + 300 * MS).subscribeAsCompletionStage();
        time.advance(Duration.ofMillis(299));
        assertThat(call).isNotDone();
        time.advance(Duration.ofMillis(1));
        assertThat(call).isCompletedExceptionally();
        assertThat(count("rejected")).isEqualTo(1);
        assertThat(meters.get("broker.upstream.budget.waiting").gauge().value()).isZero();
    }

    @Test
    void aWaiterGivesUpAtMaxWaitWhenTheDeadlineIsLater() {
        UpstreamBudget budget = budget(1000, Duration.ofMillis(200), time, new AtomicInteger(1), 1);
        CompletableFuture<Void> call = budget.acquire(far()).subscribeAsCompletionStage();
        time.advance(Duration.ofMillis(199));
        assertThat(call).isNotDone();
        time.advance(Duration.ofMillis(1));
        assertThat(call).isCompletedExceptionally();
    }
}
