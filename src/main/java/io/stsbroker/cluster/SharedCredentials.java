package io.stsbroker.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.stsbroker.sts.StsCredentials;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.mutiny.redis.client.Command;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;

/**
 * The shared tier behind each replica's Caffeine cache: one encrypted Redis entry per cache key, and
 * a cluster-wide single flight, so concurrent misses for one key on different replicas cause one
 * AssumeRole and every replica hands out the same credential.
 *
 * <p>{@link #load}: an entry with more than {@code refresh-ahead} left is used as it is (so a
 * refresh-ahead happens once per key cluster-wide: the first replica due refreshes, the others find
 * its fresh entry). Otherwise the replica takes the key's lock ({@code SET NX PX lock-ttl}, a random
 * fencing value), looks again, mints, and writes the entry only while its fencing value still holds
 * the lock. A replica that finds the lock taken waits for the entry, polling; if the holder crashed,
 * the lock expires after {@code lock-ttl} and the next waiter takes it.
 *
 * <p>An entry this replica cannot open (a key id it does not hold, or a failed authentication) is
 * counted in {@code broker_cluster_decrypt_failures_total{reason}}; the replica mints for itself and
 * writes only where no entry exists, so it never overwrites what the other replicas still read.
 *
 * <p>Entry TTL = the credential's expiry minus {@code min-remaining}: Redis drops it when no replica
 * may hand it out any more.
 *
 * <p>Any Redis failure degrades the replica ({@link ClusterState}) and this load mints without the
 * shared tier (the local cache still single-flights, the budget falls back to the local share).
 */
final class SharedCredentials {

    /** GET entry and PTTL lock in one round trip (both keys share a hash tag). */
    private static final String POLL = "return {redis.call('GET', KEYS[1]), redis.call('PTTL', KEYS[2])}";
    /**
     * Writes the entry only while ARGV[1] holds the lock, then releases it. ARGV[4]=1: only where no
     * entry exists (one this replica could not read). Returns 1 written, 0 lock lost, 2 entry kept.
     */
    private static final String WRITE = """
            if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
            local r = 1
            if ARGV[4] == '1' then
              if not redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3], 'NX') then r = 2 end
            else
              redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
            end
            redis.call('DEL', KEYS[2])
            return r""";
    private static final String RELEASE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
            return 0""";
    private static final String INDEX = """
            for i = 1, #KEYS do
              redis.call('SADD', KEYS[i], ARGV[1])
              if redis.call('PTTL', KEYS[i]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[i], ARGV[2]) end
            end
            return 1""";
    static final Duration POLL_INTERVAL = Duration.ofMillis(25);

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    private final RedisCommands redis;
    private final KeyNames names;
    private final EntryCipher cipher;
    private final ClusterState state;
    private final Clock clock;
    private final Duration minRemaining;
    private final Duration refreshAhead;
    private final Duration lockTtl;
    private final SecureRandom random = new SecureRandom();
    private final Counter shared;
    private final Counter minted;
    private final Counter waited;
    private final Counter unknownKey;
    private final Counter corrupt;

    SharedCredentials(RedisCommands redis, KeyNames names, EntryCipher cipher, ClusterState state, Clock clock,
                      Duration minRemaining, Duration refreshAhead, Duration lockTtl, MeterRegistry meters) {
        this.redis = redis;
        this.names = names;
        this.cipher = cipher;
        this.state = state;
        this.clock = clock;
        this.minRemaining = minRemaining;
        this.refreshAhead = refreshAhead;
        this.lockTtl = lockTtl;
        this.shared = meters.counter("broker.cluster.loads", "result", "shared");
        this.waited = meters.counter("broker.cluster.loads", "result", "waited");
        this.minted = meters.counter("broker.cluster.loads", "result", "minted");
        Counter[] failures = registerDecryptFailures(meters);
        this.unknownKey = failures[0];
        this.corrupt = failures[1];
    }

    /** {@code broker_cluster_decrypt_failures_total{reason="unknown-key"|"corrupt"}}. */
    static Counter[] registerDecryptFailures(MeterRegistry meters) {
        return new Counter[] {meters.counter("broker.cluster.decrypt.failures", "reason", "unknown-key"),
                meters.counter("broker.cluster.decrypt.failures", "reason", "corrupt")};
    }

    /**
     * The credential for {@code key}: the shared one when fresh, else minted by {@code mint} once
     * cluster-wide; without the shared tier while degraded.
     */
    Uni<StsCredentials> load(SharedKey key, Supplier<Uni<StsCredentials>> mint) {
        if (state.degraded()) {
            return mint.get();
        }
        String entry = entryName(key);
        String lock = lockName(key);
        return attempt(key, entry, lock, mint, false)
                .onFailure(RedisDown.class).recoverWithUni(() -> mint.get());
    }

    private Uni<StsCredentials> attempt(SharedKey key, String entry, String lock, Supplier<Uni<StsCredentials>> mint,
                                        boolean waitedBefore) {
        return poll(entry, lock, !waitedBefore).onItem().transformToUni(found -> {
            if (found.fresh() != null) {
                (waitedBefore ? waited : shared).increment();
                return Uni.createFrom().item(found.fresh());
            }
            if (found.lockMillis() > 0) {
                // Another replica is minting this key: wait for its entry (or for its lock to lapse).
                return Uni.createFrom().voidItem().onItem().delayIt().by(POLL_INTERVAL)
                        .onItem().transformToUni(ignored -> attempt(key, entry, lock, mint, true));
            }
            String fence = HexFormat.of().formatHex(bytes(16));
            return redis.send(Command.SET, lock, fence, "NX", "PX", lockTtl.toMillis())
                    .onFailure().transform(RedisDown::new)
                    .onItem().transformToUni(ok -> ok == null
                            ? attempt(key, entry, lock, mint, true) // lost the race for the lock: wait
                            : mintUnderLock(key, entry, lock, fence, mint));
        });
    }

    private Uni<StsCredentials> mintUnderLock(SharedKey key, String entry, String lock, String fence,
                                              Supplier<Uni<StsCredentials>> mint) {
        // Look again: the previous holder may have written the entry just before this lock was taken.
        return poll(entry, lock, false).onItem().transformToUni(found -> {
            if (found.fresh() != null) {
                shared.increment();
                return release(lock, fence).replaceWith(found.fresh());
            }
            return mint.get()
                    .onFailure().call(t -> release(lock, fence).onFailure().recoverWithNull())
                    .onItem().call(creds -> write(key, entry, lock, fence, creds, found.unreadable())
                            .onFailure().recoverWithNull()) // the credential stands; the replica is degraded
                    .onItem().invoke(() -> minted.increment());
        });
    }

    private Uni<Void> write(SharedKey key, String entry, String lock, String fence, StsCredentials creds,
                            boolean onlyIfAbsent) {
        long ttl = Duration.between(clock.instant(), creds.expiration().minus(minRemaining)).toMillis();
        if (ttl <= 0) {
            return release(lock, fence);
        }
        String sealed = cipher.seal(entry, serialize(creds));
        return redis.eval(WRITE, List.of(entry, lock), fence, sealed, ttl, onlyIfAbsent ? "1" : "0")
                .onItem().transformToUni(r -> r != null && r.toInteger() == 1
                        ? redis.eval(INDEX, List.of(names.identityIndex(key.identityTag()), names.roleIndex(key.roleTag())),
                                entry, ttl).replaceWithVoid()
                        : Uni.createFrom().voidItem());
    }

    private Uni<Void> release(String lock, String fence) {
        return redis.eval(RELEASE, List.of(lock), fence).replaceWithVoid();
    }

    /** What one look at Redis found: a fresh credential, whether the entry was unreadable, the lock's TTL. */
    private record Found(StsCredentials fresh, boolean unreadable, long lockMillis) {
    }

    /** @param count whether an unreadable entry is counted (once per load, not per look) */
    private Uni<Found> poll(String entry, String lock, boolean count) {
        return redis.eval(POLL, List.of(entry, lock))
                .onFailure().transform(RedisDown::new)
                .onItem().transform(r -> {
                    Response value = r.get(0);
                    long lockMillis = r.get(1).toLong();
                    if (value == null) {
                        return new Found(null, false, lockMillis);
                    }
                    EntryCipher.Opened opened = cipher.open(entry, value.toString());
                    if (opened instanceof EntryCipher.Plain p) {
                        StsCredentials c = deserialize(p.bytes());
                        boolean fresh = c != null && c.expiration().minus(refreshAhead).isAfter(clock.instant());
                        return new Found(fresh ? c : null, c == null, lockMillis);
                    }
                    if (count) {
                        (opened instanceof EntryCipher.UnknownKey ? unknownKey : corrupt).increment();
                    }
                    return new Found(null, true, lockMillis);
                });
    }

    String entryName(SharedKey key) {
        // One hash tag for entry and lock, so the scripts touching both work on a Redis Cluster too.
        return names.entry("{" + key.tag() + "}");
    }

    private String lockName(SharedKey key) {
        return names.lock("{" + key.tag() + "}");
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** The plaintext of an entry (encrypted before it leaves the replica). */
    record Entry(String accessKeyId, String accessKeySecret, String securityToken, long expiration, String requestId) {
    }

    static byte[] serialize(StsCredentials c) {
        try {
            return JSON.writeValueAsBytes(new Entry(c.accessKeyId(), c.accessKeySecret(), c.securityToken(),
                    c.expiration().getEpochSecond(), c.requestId()));
        } catch (IOException e) {
            throw new IllegalStateException("credential serialization failed");
        }
    }

    static StsCredentials deserialize(byte[] plain) {
        try {
            Entry e = JSON.readValue(new String(plain, StandardCharsets.UTF_8), Entry.class);
            return new StsCredentials(e.accessKeyId(), e.accessKeySecret(), e.securityToken(),
                    Instant.ofEpochSecond(e.expiration()), e.requestId());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Redis failed during a load: the load goes on without the shared tier. */
    static final class RedisDown extends RuntimeException {
        RedisDown(Throwable cause) {
            super("Redis unavailable", cause, false, false);
        }
    }
}
