package io.stsbroker.policy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.SynchronizationStrategy;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.stsbroker.config.BrokerConfig;
import io.stsbroker.error.BrokerException;
import io.stsbroker.error.ErrorCode;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * How many credential requests per second each caller identity may make: a token bucket per
 * identity holding one second's worth ({@code broker.rate-limit.per-caller}, default 100, or the
 * identity's own {@code broker.rate-limit.callers."<identity>"}), refilled greedily; and, for a role
 * with {@code broker.roles.<name>.rate-limit}, one more bucket per (identity, role). A request
 * beyond either gets 429 {@code Throttling} with {@code Retry-After: 1}.
 *
 * <p>It is a policy decision about a caller, taken after authentication: the identity check runs
 * before the role is authorized (a flood of requests for roles the caller does not hold is
 * throttled too, and reveals nothing about them), the role check after it.
 *
 * <p>Cheap on the hot path: a Caffeine lookup and a bucket4j {@code tryConsume} on a synchronized
 * bucket (no allocation per admitted request; a rejected one throws a shared, stack-less
 * exception). Memory is bounded: at most {@code broker.rate-limit.max-callers} buckets of each
 * kind, and a bucket idle for a few seconds is dropped, which loses nothing because an idle bucket
 * has refilled completely by then. Buckets are per identity, so one noisy caller only empties its
 * own.
 */
@Startup
@Singleton
public class CallerRateLimiter {

    /**
     * Every limit is a whole number of requests per second, so a rejected request can always go
     * again within a second: {@code Retry-After} is 1 (whole seconds).
     */
    static final Duration RETRY_AFTER = Duration.ofSeconds(1);
    /** Longer than any bucket takes to refill from empty (one second), so expiry never loosens a limit. */
    static final Duration IDLE_EXPIRY = Duration.ofSeconds(5);

    private static final BrokerException THROTTLED = new BrokerException(ErrorCode.THROTTLING,
            "Too many requests from this caller; slow down.", null, RETRY_AFTER, null);

    private final int perCaller;
    private final Map<String, Integer> callerLimits;
    private final Map<String, Integer> roleLimits;
    private final Cache<String, Bucket> callerBuckets;
    private final Cache<RoleKey, Bucket> roleBuckets;
    private final TimeMeter time;
    private final Function<String, Bucket> newCallerBucket = this::newCallerBucket;
    private final Function<RoleKey, Bucket> newRoleBucket = this::newRoleBucket;

    /**
     * @param time the buckets' time source, also the one idle buckets expire by ({@link RateLimitTime}:
     *             {@link System#nanoTime()} in the application, a hand-moved one in tests)
     */
    @Inject
    public CallerRateLimiter(BrokerConfig config, MeterRegistry meters, TimeMeter time) {
        this.time = time;
        BrokerConfig.RateLimit rl = config.rateLimit();
        // Every limit is at least 1, as config.BrokerConfigValidator checked at start-up.
        this.perCaller = rl.perCaller();
        this.callerLimits = Map.copyOf(rl.callers());
        Map<String, Integer> roles = new HashMap<>();
        config.roles().forEach((name, role) -> role.rateLimit().ifPresent(limit -> roles.put(name, limit)));
        this.roleLimits = Map.copyOf(roles);
        // Maintenance on the calling thread (as for every cache read per request): handing it to the
        // common pool wakes a thread every few dozen reads, which costs more than the work itself.
        this.callerBuckets = Caffeine.newBuilder().executor(Runnable::run).ticker(time::currentTimeNanos)
                .maximumSize(rl.maxCallers()).expireAfterAccess(IDLE_EXPIRY).build();
        this.roleBuckets = Caffeine.newBuilder().executor(Runnable::run).ticker(time::currentTimeNanos)
                .maximumSize(rl.maxCallers()).expireAfterAccess(IDLE_EXPIRY).build();
        Gauge.builder("broker.rate.limit.callers", this, CallerRateLimiter::trackedCallers)
                .description("Caller identities whose request-rate buckets are held").register(meters);
    }

    /**
     * Counts one request of {@code identity}.
     *
     * @throws BrokerException 429 {@code Throttling} when the caller is over its limit
     */
    public void admit(String identity) {
        if (!callerBuckets.get(identity, newCallerBucket).tryConsume(1)) {
            throw THROTTLED;
        }
    }

    /**
     * Counts one request of {@code identity} for {@code roleName}; a no-op for roles without
     * {@code rate-limit}.
     *
     * @throws BrokerException 429 {@code Throttling} when the caller is over the role's limit
     */
    public void admit(String identity, String roleName) {
        if (roleLimits.containsKey(roleName)
                && !roleBuckets.get(new RoleKey(identity, roleName), newRoleBucket).tryConsume(1)) {
            throw THROTTLED;
        }
    }

    /** Identities whose buckets are held right now (after dropping expired ones). */
    public long trackedCallers() {
        callerBuckets.cleanUp();
        return callerBuckets.estimatedSize();
    }

    /** The requests per second {@code identity} may make overall. */
    public int limitFor(String identity) {
        return callerLimits.getOrDefault(identity, perCaller);
    }

    private Bucket newCallerBucket(String identity) {
        return bucket(limitFor(identity));
    }

    private Bucket newRoleBucket(RoleKey key) {
        return bucket(roleLimits.get(key.role()));
    }

    /** {@code perSecond} tokens, refilled continuously over one second; synchronized, so no allocation per use. */
    private Bucket bucket(int perSecond) {
        return Bucket.builder()
                .addLimit(limit -> limit.capacity(perSecond).refillGreedy(perSecond, Duration.ofSeconds(1)))
                .withCustomTimePrecision(time)
                .withSynchronizationStrategy(SynchronizationStrategy.SYNCHRONIZED)
                .build();
    }

    private record RoleKey(String identity, String role) {
    }
}
