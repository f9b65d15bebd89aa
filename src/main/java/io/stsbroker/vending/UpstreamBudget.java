package io.stsbroker.vending;

import io.github.bucket4j.Bucket;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.stsbroker.error.BrokerException;
import io.stsbroker.error.ErrorCode;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * This replica's budget of STS AssumeRole attempts ({@code broker.sts.max-calls-per-second}): a
 * token bucket refilled greedily at that rate, holding at most a tenth of a second's worth, so any
 * one-second window sees at most {@code 1.1 x rate} attempts (plus one).
 *
 * <p>An attempt that finds the bucket empty reserves the next free token and waits for it without
 * blocking a thread (bucket4j's scheduling API completes a future on {@code scheduler}). It waits
 * at most {@code maxWait}, and never past the fetch's own deadline; an attempt that would have to
 * wait longer takes no token and fails at once with 503 {@code UpstreamUnavailable} and a
 * {@code Retry-After} of the time the bucket needs. So the queue ahead of STS is bounded by
 * {@code rate x maxWait} attempts, however many callers arrive.
 *
 * <p><b>Note:</b> a reserved token stays spent when its request gives up while waiting: the budget
 * errs on the side of calling STS less.
 */
final class UpstreamBudget {

    private final int callsPerSecond;
    private final long maxWaitNanos;
    private final Bucket bucket;
    private final ScheduledExecutorService scheduler;
    private final Counter immediate;
    private final Counter delayed;
    private final Counter rejected;

    /**
     * @param callsPerSecond attempts per second, at least 1 ({@code broker.sts.max-calls-per-second})
     * @param maxWait        longest wait for a token ({@code broker.sts.budget-wait}), zero or more
     * @param scheduler      completes the waits; never blocked
     */
    UpstreamBudget(int callsPerSecond, Duration maxWait, ScheduledExecutorService scheduler, MeterRegistry meters) {
        if (callsPerSecond < 1) {
            throw new IllegalArgumentException("Invalid configuration broker.sts.max-calls-per-second='"
                    + callsPerSecond + "': must be at least 1");
        }
        if (maxWait == null || maxWait.isNegative()) {
            throw new IllegalArgumentException("Invalid configuration broker.sts.budget-wait='" + maxWait
                    + "': must be zero or positive");
        }
        this.callsPerSecond = callsPerSecond;
        this.maxWaitNanos = maxWait.toNanos();
        long burst = Math.max(1, callsPerSecond / 10);
        this.bucket = Bucket.builder()
                .addLimit(limit -> limit.capacity(burst).refillGreedy(callsPerSecond, Duration.ofSeconds(1)))
                .build();
        this.scheduler = scheduler;
        this.immediate = meters.counter("broker.upstream.budget", "result", "immediate");
        this.delayed = meters.counter("broker.upstream.budget", "result", "delayed");
        this.rejected = meters.counter("broker.upstream.budget", "result", "rejected");
    }

    /**
     * Completes when one attempt may be sent: at once when a token is free, otherwise after a
     * non-blocking wait of at most {@code maxWait} that ends before {@code deadlineNanos}
     * ({@link System#nanoTime()} scale). Fails with 503 {@code UpstreamUnavailable} when no token
     * comes in time. Lazy: each subscription asks for its own token.
     */
    Uni<Void> acquire(long deadlineNanos) {
        return Uni.createFrom().deferred(() -> {
            if (bucket.tryConsume(1)) {
                immediate.increment();
                return Uni.createFrom().voidItem();
            }
            long wait = Math.min(maxWaitNanos, deadlineNanos - System.nanoTime());
            if (wait <= 0) {
                return Uni.createFrom().failure(exhausted());
            }
            return Uni.createFrom().completionStage(bucket.asScheduler().tryConsume(1, wait, scheduler))
                    .onItem().transformToUni(granted -> {
                        if (granted) {
                            delayed.increment();
                            return Uni.createFrom().voidItem();
                        }
                        return Uni.createFrom().failure(exhausted());
                    });
        });
    }

    int callsPerSecond() {
        return callsPerSecond;
    }

    private BrokerException exhausted() {
        rejected.increment();
        long nanos = bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill();
        Duration retryAfter = Duration.ofNanos(Math.max(TimeUnit.SECONDS.toNanos(1), nanos));
        return new BrokerException(ErrorCode.UPSTREAM_UNAVAILABLE,
                "The broker's budget of calls to the token service is spent for now; try again shortly.",
                null, retryAfter, null);
    }
}
