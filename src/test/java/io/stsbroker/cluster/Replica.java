package io.stsbroker.cluster;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.stsbroker.sts.StsCredentials;
import io.stsbroker.testing.RedisServer;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * One replica's cluster parts (outside Quarkus) on a real Redis: its own Redis client, state,
 * shared tier, budget and invalidations, and a counting stand-in for the upstream source that
 * mints distinct credentials.
 */
final class Replica implements AutoCloseable {

    static final Duration MIN_REMAINING = Duration.ofMinutes(20);
    static final Duration REFRESH_AHEAD = Duration.ofMinutes(30);

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final ClusterState state = new ClusterState(meters);
    final Redis client;
    final RedisCommands commands;
    final KeyNames names;
    final EntryCipher cipher;
    final SharedCredentials shared;
    final ClusterBudget budget;
    final Invalidations invalidations;
    final AtomicInteger mints = new AtomicInteger();
    final Queue<String> locallyInvalidated = new ConcurrentLinkedQueue<>();
    final Clock clock;

    Replica(Vertx vertx, RedisServer redis, byte[] key, List<byte[]> previous, byte[] keySecret, Clock clock,
            Duration lockTtl, int callsPerSecond, int maxReplicas) {
        this.clock = clock;
        // As application.yml sets the broker's client: a queue deep enough for a cold-start herd.
        this.client = Redis.createClient(vertx, new RedisOptions().setConnectionString(redis.uri())
                .setMaxPoolSize(8).setMaxPoolWaiting(4096));
        this.commands = new RedisCommands(client, Duration.ofSeconds(2), state);
        this.names = new KeyNames(keySecret, "test:");
        this.cipher = new EntryCipher(key, previous);
        this.shared = new SharedCredentials(commands, names, cipher, state, clock, MIN_REMAINING, REFRESH_AHEAD,
                lockTtl, meters);
        ClusterSettings s = new ClusterSettings(key, previous, keySecret, "test:", callsPerSecond, maxReplicas,
                lockTtl, Duration.ofSeconds(1), Duration.ofMillis(500));
        this.budget = new ClusterBudget(commands, state, names, s, Duration.ofSeconds(30), meters);
        this.invalidations = new Invalidations(commands, names, cipher, state, (role, id) -> {
            locallyInvalidated.add(role + "|" + id);
            return 1L;
        }, meters);
    }

    /** Reaches Redis (ending the initial degraded state) and subscribes to invalidations. */
    Replica join() {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        do {
            // The first command of a new client may outlast the timeout on a busy machine: the next tick retries.
            invalidations.sync().await().atMost(Duration.ofSeconds(5));
        } while (state.degraded() && System.nanoTime() < deadline);
        if (state.degraded()) {
            throw new AssertionError("replica did not reach Redis");
        }
        return this;
    }

    SharedKey key(String identity) {
        return SharedKey.of(names, "acs:ram::1234567890123456:role/cluster-lab", identity, 3600, "", "");
    }

    /** A mint as STS would answer: a new AccessKeyId each time, valid for an hour from the clock. */
    Supplier<Uni<StsCredentials>> upstream() {
        return () -> Uni.createFrom().item(() -> {
            int n = mints.incrementAndGet();
            return new StsCredentials("STS.cluster" + System.identityHashCode(this) + "n" + n,
                    "secret-" + n + "-" + System.nanoTime(), "token-" + n + "-" + System.nanoTime(),
                    Instant.now(clock).plus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                    "req-" + n);
        });
    }

    StsCredentials load(String identity) {
        return shared.load(key(identity), upstream()).await().atMost(Duration.ofSeconds(20));
    }

    double counter(String name, String tag, String value) {
        var c = meters.find(name).tag(tag, value).counter();
        return c == null ? 0 : c.count();
    }

    @Override
    public void close() {
        client.close();
    }
}
