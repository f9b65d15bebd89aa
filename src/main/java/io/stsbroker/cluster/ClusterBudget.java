package io.stsbroker.cluster;

import io.github.bucket4j.Bucket;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.stsbroker.error.BrokerException;
import io.stsbroker.error.ErrorCode;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The cluster's AssumeRole budget ({@code broker.cluster.max-calls-per-second}), one token taken
 * right before a call is sent. In Redis it is one key holding the earliest time (Redis's own
 * {@code TIME}, microseconds) the next call may go; a short Lua script takes a slot atomically and
 * moves that time on by {@code 1/rate}. Calls are thus spaced at least {@code 1/rate} apart across
 * all replicas, so no 1-second window holds more than {@code rate + 1}, whatever the replicas'
 * clocks say (only Redis's clock is read).
 *
 * <p>Cold first across replicas: a deferrable call (an extra variant, a refresh) also needs a slot
 * of a second key spaced {@code 2/rate} apart, so deferrable calls get at most half the budget and
 * callers asking for their first credential always have at least the other half, however many
 * deferrable calls the replicas send. A cold call takes the shared slot only: with no cold demand,
 * deferrable calls still use half the budget, never all of it.
 *
 * <p>Why a script and not bucket4j's Redis integration: bucket4j speaks to Redis through Lettuce,
 * Jedis or Redisson, a second client beside Quarkus's (its own connections, TLS and ACL settings);
 * the script is eight lines on the client the broker already configures.
 *
 * <p>While the replica is degraded it takes tokens from a local bucket of
 * {@code max-calls-per-second / max-replicas} instead (bucket4j, as the per-replica budget does).
 * A wait longer than {@code maxWait} fails at once with 503 {@code UpstreamUnavailable}.
 */
final class ClusterBudget {

    /**
     * KEYS[1] budget key, KEYS[2] the deferrable share's key; ARGV[1] microseconds per call, ARGV[2]
     * microseconds per deferrable call (0 for a cold call, which ignores the share). Returns 0 (go
     * now) or the microseconds to wait.
     */
    private static final String TAKE = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local wait = tonumber(redis.call('GET', KEYS[1]) or '0') - now
            local share = tonumber(ARGV[2])
            if share > 0 then wait = math.max(wait, tonumber(redis.call('GET', KEYS[2]) or '0') - now) end
            if wait > 0 then return wait end
            redis.call('SET', KEYS[1], tostring(now + tonumber(ARGV[1])), 'PX', 10000)
            if share > 0 then redis.call('SET', KEYS[2], tostring(now + share), 'PX', 10000) end
            return 0""";

    private final RedisCommands redis;
    private final ClusterState state;
    private final List<String> keys;
    private final long microsPerCall;
    private final Duration maxWait;
    private final Bucket local;
    private final Counter granted;
    private final Counter delayed;
    private final Counter rejected;
    private final Counter degraded;

    ClusterBudget(RedisCommands redis, ClusterState state, KeyNames names, ClusterSettings settings, Duration maxWait,
                  MeterRegistry meters) {
        this.redis = redis;
        this.state = state;
        this.keys = List.of(names.budget(), names.deferrableBudget());
        this.microsPerCall = TimeUnit.SECONDS.toMicros(1) / settings.maxCallsPerSecond();
        this.maxWait = maxWait;
        int localRate = settings.degradedCallsPerSecond();
        this.local = Bucket.builder()
                .addLimit(l -> l.capacity(1).refillGreedy(localRate, Duration.ofSeconds(1))).build();
        this.granted = meters.counter("broker.cluster.budget", "result", "immediate");
        this.delayed = meters.counter("broker.cluster.budget", "result", "delayed");
        this.rejected = meters.counter("broker.cluster.budget", "result", "rejected");
        this.degraded = meters.counter("broker.cluster.budget", "result", "local");
    }

    /** {@link #acquire(boolean)} for a cold call. */
    Uni<Void> acquire() {
        return acquire(false);
    }

    /**
     * Completes when one call may be sent now, or fails with 503 when none can within {@code maxWait}.
     *
     * @param deferrable the call takes a slot of the deferrable share too (half the budget)
     */
    Uni<Void> acquire(boolean deferrable) {
        long giveUpAt = System.nanoTime() + maxWait.toNanos();
        return take(giveUpAt, false, deferrable ? 2 * microsPerCall : 0);
    }

    private Uni<Void> take(long giveUpAt, boolean waitedBefore, long microsPerDeferrable) {
        if (state.degraded()) {
            return takeLocal(giveUpAt);
        }
        return redis.eval(TAKE, keys, microsPerCall, microsPerDeferrable)
                .onItem().transformToUni(r -> {
                    long waitMicros = r.toLong();
                    if (waitMicros == 0) {
                        (waitedBefore ? delayed : granted).increment();
                        return Uni.createFrom().voidItem();
                    }
                    return napThen(giveUpAt, TimeUnit.MICROSECONDS.toNanos(waitMicros), () -> take(giveUpAt, true, microsPerDeferrable));
                })
                // Redis failed. Degraded (a lost connection, or timeouts in a row): this call is charged
                // to the local share. One slow answer on a busy replica: ask Redis again after a slot,
                // since a local token on top of the cluster's would let the cluster exceed its budget.
                .onFailure(t -> !(t instanceof BrokerException)).recoverWithUni(() -> state.degraded()
                        ? takeLocal(giveUpAt)
                        : napThen(giveUpAt, TimeUnit.MICROSECONDS.toNanos(microsPerCall), () -> take(giveUpAt, true, microsPerDeferrable)));
    }

    private Uni<Void> takeLocal(long giveUpAt) {
        var probe = local.tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            degraded.increment();
            return Uni.createFrom().voidItem();
        }
        return napThen(giveUpAt, probe.getNanosToWaitForRefill(), () -> takeLocal(giveUpAt));
    }

    private Uni<Void> napThen(long giveUpAt, long waitNanos, java.util.function.Supplier<Uni<Void>> next) {
        // Up to a slot of jitter, so waiters do not all wake for the same slot.
        long nap = Math.max(TimeUnit.MILLISECONDS.toNanos(1),
                waitNanos + ThreadLocalRandom.current().nextLong(TimeUnit.MICROSECONDS.toNanos(microsPerCall)));
        if (System.nanoTime() + nap > giveUpAt) {
            rejected.increment();
            return Uni.createFrom().failure(new BrokerException(ErrorCode.UPSTREAM_UNAVAILABLE,
                    "The cluster's budget of calls to the token service is spent for now; try again shortly.",
                    null, Duration.ofSeconds(1), null));
        }
        return Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofNanos(nap))
                .onItem().transformToUni(ignored -> next.get());
    }
}
