package io.stsbroker.cluster;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Response;
import io.stsbroker.sts.StsCredentials;
import io.stsbroker.vending.CredentialKey;
import io.stsbroker.vending.FetchPriority;
import io.stsbroker.vending.MintQuota;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * The per-caller mint limits across replicas, in Redis, one script per decision on Redis's own
 * {@code TIME}:
 * <ul>
 *   <li>the mint bucket ({@code broker.rate-limit.mints-per-caller} a minute) is one key per caller
 *       holding its GCRA time (the time the bucket is full again, minus its capacity), which is
 *       exactly a bucket of that many refilled evenly over a minute;</li>
 *   <li>the variants ({@code broker.cache.max-variants-per-caller}) are a sorted set per (caller,
 *       role) of HMAC'd cache-key tags scored by the time each leaves (the credential's expiry minus
 *       {@code min-remaining}); members past their time drop out at the next decision.</li>
 * </ul>
 * A request for a variant the set holds (minted, or being minted, on any replica) is not a new
 * mint: the shared tier answers it, so it is neither counted nor charged, as a join of an in-flight
 * mint is on one replica. Key names come from {@link KeyNames} (HMACs, never an identity), and
 * every key carries a TTL, so an idle caller leaves nothing behind.
 *
 * <p>A variant is first scored at the longest its credential can live ({@code durationSeconds}
 * minus {@code min-remaining}); each load (mint, refresh or shared read) then sets the credential's
 * own time, and a replica whose cache drops the key (a failed mint, eviction, expiry or
 * invalidation) removes it.
 */
final class SharedMintQuota {

    /**
     * KEYS[1] the caller's mint bucket, KEYS[2] its variants of the role. ARGV[1] the variant's tag,
     * ARGV[2] milliseconds per mint, ARGV[3] mints per minute, ARGV[4] the most variants, ARGV[5]
     * milliseconds the new variant is first held for. Returns {0 admitted, other variants} or
     * {1 known variant, other variants} or {2 variant cap, ms until one leaves} or {3 mint limit, ms
     * until a token}.
     */
    private static final String ADMIT = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
            local n = redis.call('ZCARD', KEYS[2])
            if redis.call('ZSCORE', KEYS[2], ARGV[1]) then return {1, n - 1} end
            if n >= tonumber(ARGV[4]) then
              local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
              return {2, tonumber(first[2]) - now}
            end
            local step = tonumber(ARGV[2])
            local tat = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
            local late = tat - now - (tonumber(ARGV[3]) - 1) * step
            if late > 0 then return {3, math.ceil(late)} end
            redis.call('SET', KEYS[1], string.format('%.3f', tat + step), 'PX', math.ceil(tat + step - now) + 1000)
            local hold = tonumber(ARGV[5])
            redis.call('ZADD', KEYS[2], now + hold, ARGV[1])
            if redis.call('PTTL', KEYS[2]) < hold then redis.call('PEXPIRE', KEYS[2], hold) end
            return {0, n}""";
    /** KEYS[1] variants; ARGV[1] tag, ARGV[2] epoch ms it leaves. Updates a member only if present. */
    private static final String HELD = """
            local t = redis.call('TIME')
            local left = tonumber(ARGV[2]) - (tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
            if left <= 0 then redis.call('ZREM', KEYS[1], ARGV[1]) return 0 end
            redis.call('ZADD', KEYS[1], 'XX', ARGV[2], ARGV[1])
            if redis.call('PTTL', KEYS[1]) < left then redis.call('PEXPIRE', KEYS[1], math.ceil(left)) end
            return 1""";
    /** The shortest a new variant is first held for, whatever its duration. */
    private static final Duration MIN_HOLD = Duration.ofMinutes(1);

    private final RedisCommands redis;
    private final KeyNames names;
    private final ClusterState state;
    private final double millisPerMint;
    private final int mintsPerMinute;
    private final int maxVariants;
    private final Duration minRemaining;

    SharedMintQuota(RedisCommands redis, KeyNames names, ClusterState state, int mintsPerMinute, int maxVariants,
                    Duration minRemaining) {
        this.redis = redis;
        this.names = names;
        this.state = state;
        this.millisPerMint = 60_000.0 / mintsPerMinute;
        this.mintsPerMinute = mintsPerMinute;
        this.maxVariants = maxVariants;
        this.minRemaining = minRemaining;
    }

    /**
     * Decides one mint of {@code key} for the whole cluster and, when admitted, calls {@code start}.
     * While the replica is degraded, or when Redis fails before deciding ({@code start} not yet
     * called), {@code local} decides for this replica alone.
     */
    CompletionStage<MintQuota.Decision> admit(CredentialKey key, ToLongFunction<CredentialKey> heldFor,
                                              Consumer<FetchPriority> start, MintQuota local) {
        if (state.degraded()) {
            return local.admit(key, heldFor, start);
        }
        // Only a failure of Redis itself falls back: once start has run, a failure is the mint's own,
        // and asking the local quota would start a second mint.
        return ask(sharedKey(key), key.durationSeconds())
                .onItemOrFailure().transformToUni((r, redisFailed) -> redisFailed != null
                        ? Uni.createFrom().completionStage(() -> local.admit(key, heldFor, start))
                        : Uni.createFrom().item(() -> decision(r, start)))
                .subscribeAsCompletionStage();
    }

    private Uni<Response> ask(SharedKey key, long durationSeconds) {
        long hold = Math.max(MIN_HOLD.toMillis(), Duration.ofSeconds(durationSeconds).minus(minRemaining).toMillis());
        return redis.eval(ADMIT, List.of(names.mints(key.identityTag()), variants(key)), key.tag(),
                String.format(Locale.ROOT, "%.3f", millisPerMint), mintsPerMinute, maxVariants, hold);
    }

    private MintQuota.Decision decision(Response r, Consumer<FetchPriority> start) {
        int code = r.get(0).toInteger();
        long value = r.get(1).toLong();
        return switch (code) {
            case 0, 1 -> {
                FetchPriority priority = value == 0 ? FetchPriority.COLD : FetchPriority.DEFERRABLE;
                start.accept(priority);
                yield new MintQuota.Admitted(priority);
            }
            case 2 -> new MintQuota.TooManyVariants(maxVariants, Duration.ofMillis(Math.max(0, value)));
            default -> new MintQuota.TooManyMints(Duration.ofMillis(value));
        };
    }

    /**
     * {@code key}'s credential was loaded (minted, refreshed or read): its variant, if counted,
     * leaves at the credential's own floor. Nothing while degraded.
     */
    Uni<Void> held(CredentialKey key, StsCredentials creds) {
        if (state.degraded()) {
            return Uni.createFrom().voidItem();
        }
        SharedKey sk = sharedKey(key);
        long leaves = creds.expiration().minus(minRemaining).toEpochMilli();
        return redis.eval(HELD, List.of(variants(sk)), sk.tag(), leaves).replaceWithVoid();
    }

    /** This replica's cache dropped {@code key}: it no longer counts as held. Nothing while degraded. */
    Uni<Void> forget(CredentialKey key) {
        if (state.degraded()) {
            return Uni.createFrom().voidItem();
        }
        SharedKey sk = sharedKey(key);
        return redis.send(Command.ZREM, variants(sk), sk.tag()).replaceWithVoid();
    }

    private SharedKey sharedKey(CredentialKey key) {
        return SharedKey.of(names, key.roleArn(), key.identity(), key.durationSeconds(), key.policy(), key.externalId());
    }

    private String variants(SharedKey key) {
        return names.variants(key.identityTag(), key.roleTag());
    }
}
