package io.stsbroker.vending;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.stsbroker.error.BrokerException;
import io.stsbroker.error.ErrorCode;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * This replica's budget of STS AssumeRole attempts ({@code broker.sts.max-calls-per-second}): a
 * bucket4j token bucket of one token refilled greedily at that rate, so attempts are spaced at
 * least {@code 1/rate} apart (20 ms at 50/s) and any one-second window holds at most
 * {@code rate + 1} of them. No bursts: the quota it protects is counted per second by Alibaba
 * across all replicas, and a burst on top of the rate could only push that count over.
 *
 * <p>An attempt that finds the bucket empty waits without blocking a thread: it is delayed
 * (Mutiny {@code delayIt} on {@code scheduler}) until the next token is due and then tries to take
 * it, again and again until it gets one or its time is up. A token is taken only at the moment the
 * attempt goes, never reserved ahead: a scheduler that wakes several waiters late (a busy event
 * loop) lets through only the tokens that are really there, so late wake-ups cannot bunch calls.
 *
 * <p>An attempt waits at most {@code maxWait}, and never past the fetch's own deadline. One that
 * would have to queue longer than that (judged from the waiters ahead of it) fails at once with 503
 * {@code UpstreamUnavailable} and a {@code Retry-After} of about that queue's length, so at most
 * {@code rate x maxWait} attempts ever wait, however many callers arrive.
 *
 * <p>An attempt also waits while {@code maxInFlight} calls are unanswered (all connections to STS
 * busy): a token is taken only when the call can go on the wire at once. Otherwise calls would wait
 * in the HTTP client's connection queue and leave in a bunch when a slow STS answers several
 * together, and STS would count more calls in a second than the rate (docs/BENCHMARKS.md).
 *
 * <p>Waiters have a {@link FetchPriority}: while a {@link FetchPriority#COLD} attempt waits, no
 * {@link FetchPriority#DEFERRABLE} one takes a token, and a cold attempt judges its queue by the
 * cold waiters ahead of it only. So a caller asking for its first credential is served before a
 * flood of extra variants or a wave of refreshes, and is refused only when cold callers alone
 * fill the wait.
 *
 * <p>Time is read from a bucket4j {@link TimeMeter} and waits are scheduled on {@code scheduler}:
 * {@link TimeMeter#SYSTEM_NANOTIME} and Quarkus's worker pool in the application, a test's
 * hand-moved ticker and scheduler in tests, so pacing is asserted exactly rather than timed.
 *
 * <p>A refusal is counted ({@code broker_upstream_budget_total{result="rejected"}}) and logged at
 * WARN at most once a second, with the number refused since the last line.
 */
final class UpstreamBudget {

    private static final Logger LOG = Logger.getLogger(UpstreamBudget.class);
    /**
     * The shortest timer: Quarkus's worker pool schedules on Vert.x timers, which refuse delays
     * under 1 ms ({@code IllegalArgumentException}).
     */
    static final long MIN_NAP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final int callsPerSecond;
    private final long maxWaitNanos;
    private final long nanosPerToken;
    private final Bucket bucket;
    private final TimeMeter time;
    private final ScheduledExecutorService scheduler;
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger waitingCold = new AtomicInteger();
    private final ThrottledLog refusals = new ThrottledLog(LOG, Duration.ofSeconds(1));
    private final IntSupplier inFlight;
    private final int maxInFlight;
    private final Counter immediate;
    private final Counter delayed;
    private final Counter rejected;

    /**
     * @param callsPerSecond attempts per second, at least 1 ({@code broker.sts.max-calls-per-second})
     * @param maxWait        longest wait for a token ({@code broker.sts.budget-wait}), zero or more
     * @param scheduler      runs the delayed re-tries; never blocked
     */
    UpstreamBudget(int callsPerSecond, Duration maxWait, ScheduledExecutorService scheduler, MeterRegistry meters) {
        this(callsPerSecond, maxWait, scheduler, TimeMeter.SYSTEM_NANOTIME, meters);
    }

    /** A budget on {@code time} with no limit on calls in flight. */
    UpstreamBudget(int callsPerSecond, Duration maxWait, ScheduledExecutorService scheduler, TimeMeter time,
                   MeterRegistry meters) {
        this(callsPerSecond, maxWait, scheduler, time, meters, () -> 0, Integer.MAX_VALUE);
    }

    /**
     * @param time        the time the bucket refills by and deadlines are read in, nanoseconds; the
     *                    scheduler's delays pass in the same time
     * @param inFlight    calls sent and not yet answered
     * @param maxInFlight no token is taken while {@code inFlight} is at this (the connection pool's size)
     */
    UpstreamBudget(int callsPerSecond, Duration maxWait, ScheduledExecutorService scheduler, TimeMeter time,
                   MeterRegistry meters, IntSupplier inFlight, int maxInFlight) {
        this.callsPerSecond = callsPerSecond;
        this.maxWaitNanos = maxWait.toNanos();
        this.nanosPerToken = TimeUnit.SECONDS.toNanos(1) / callsPerSecond;
        this.bucket = Bucket.builder()
                .addLimit(limit -> limit.capacity(1).refillGreedy(callsPerSecond, Duration.ofSeconds(1)))
                .withCustomTimePrecision(time)
                .build();
        this.time = time;
        this.scheduler = scheduler;
        this.inFlight = inFlight;
        this.maxInFlight = maxInFlight;
        this.immediate = meters.counter("broker.upstream.budget", "result", "immediate");
        this.delayed = meters.counter("broker.upstream.budget", "result", "delayed");
        this.rejected = meters.counter("broker.upstream.budget", "result", "rejected");
        Gauge.builder("broker.upstream.budget.waiting", waiting, AtomicInteger::get)
                .description("AssumeRole attempts waiting for the upstream call budget").register(meters);
    }

    /** {@link #acquire(long, FetchPriority)} for a {@link FetchPriority#COLD} attempt. */
    Uni<Void> acquire(long deadlineNanos) {
        return acquire(deadlineNanos, FetchPriority.COLD);
    }

    /**
     * Completes when one attempt may be sent: at once when a token is free (and, for a deferrable
     * attempt, no cold one waits), otherwise after a non-blocking wait of at most {@code maxWait}
     * that ends before {@code deadlineNanos} (in the budget's time: {@link System#nanoTime()} in the
     * application). Fails with 503 {@code UpstreamUnavailable} when no token comes in time. Lazy: each subscription asks for its
     * own token.
     */
    Uni<Void> acquire(long deadlineNanos, FetchPriority priority) {
        boolean cold = priority == FetchPriority.COLD;
        return Uni.createFrom().deferred(() -> {
            if (inFlight.getAsInt() < maxInFlight && (cold || waitingCold.get() == 0) && bucket.tryConsume(1)) {
                immediate.increment();
                return Uni.createFrom().voidItem();
            }
            long now = time.currentTimeNanos();
            long giveUpAt = Math.min(now + maxWaitNanos, deadlineNanos);
            long queue = queueAhead(cold);
            if (now + queue > giveUpAt) {
                return Uni.createFrom().failure(exhausted(queue));
            }
            waiting.incrementAndGet();
            if (cold) {
                waitingCold.incrementAndGet();
            }
            return waitForToken(giveUpAt, cold)
                    .onItem().invoke(() -> delayed.increment())
                    .onTermination().invoke(() -> {
                        waiting.decrementAndGet();
                        if (cold) {
                            waitingCold.decrementAndGet();
                        }
                    });
        });
    }

    int callsPerSecond() {
        return callsPerSecond;
    }

    /** How long a new waiter would queue: behind every waiter, or behind the cold ones only if it is cold. */
    private long queueAhead(boolean cold) {
        return ((cold ? waitingCold.get() : waiting.get()) + 1L) * nanosPerToken;
    }

    /** Sleeps (without a thread) until the next token is due, then tries to take it; repeats until {@code giveUpAt}. */
    private Uni<Void> waitForToken(long giveUpAt, boolean cold) {
        return Uni.createFrom().deferred(() -> {
            long untilToken;
            if (inFlight.getAsInt() >= maxInFlight || (!cold && waitingCold.get() > 0)) {
                // No connection free, or a cold caller waits: look again in a token's time.
                untilToken = nanosPerToken;
            } else {
                ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
                if (probe.isConsumed()) {
                    return Uni.createFrom().voidItem();
                }
                untilToken = probe.getNanosToWaitForRefill();
            }
            // Up to one token interval of jitter, so waiters do not all wake for the same token.
            long nap = Math.max(MIN_NAP_NANOS, untilToken + ThreadLocalRandom.current().nextLong(nanosPerToken));
            long left = giveUpAt - time.currentTimeNanos();
            if (left < MIN_NAP_NANOS) {
                // Less time left than the shortest timer: this attempt's wait is over (a refusal, not a
                // timer the scheduler would refuse).
                return Uni.createFrom().failure(exhausted(queueAhead(cold)));
            }
            return Uni.createFrom().voidItem()
                    .onItem().delayIt().onExecutor(scheduler).by(Duration.ofNanos(Math.min(nap, left)))
                    .onItem().transformToUni(ignored -> waitForToken(giveUpAt, cold));
        });
    }

    private BrokerException exhausted(long queueNanos) {
        rejected.increment();
        refusals.warn("Upstream call budget spent (broker.sts.max-calls-per-second=%d): %d AssumeRole attempt(s)"
                + " refused with 503 since the last line", callsPerSecond);
        Duration retryAfter = Duration.ofNanos(Math.max(TimeUnit.SECONDS.toNanos(1), queueNanos));
        return new BrokerException(ErrorCode.UPSTREAM_UNAVAILABLE,
                "The broker's budget of calls to the token service is spent for now; try again shortly.",
                null, retryAfter, null);
    }
}
