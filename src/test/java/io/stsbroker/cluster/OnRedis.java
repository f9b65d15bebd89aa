package io.stsbroker.cluster;

import io.stsbroker.testing.RedisServer;
import io.stsbroker.testsupport.MutableClock;
import io.vertx.mutiny.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The fixture of the Redis-level cluster tests: one real redis-server per test class, emptied
 * before each test, one Vert.x, a hand-moved clock, and the {@link Replica}s a test made, closed
 * after it.
 */
abstract class OnRedis {

    static final byte[] KEY = random(32);
    static final byte[] KEY_SECRET = random(32);
    static RedisServer redis;
    static Vertx vertx;
    final MutableClock clock = new MutableClock(Instant.now());
    final List<Replica> replicas = new ArrayList<>();

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.start();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        vertx.closeAndAwait();
        redis.close();
    }

    @BeforeEach
    void emptyRedis() throws Exception {
        redis.call("FLUSHALL");
    }

    @AfterEach
    void closeReplicas() {
        replicas.forEach(Replica::close);
    }

    /** A replica that has reached Redis, closed after the test. */
    Replica replica(byte[] key, List<byte[]> previous, Duration lockTtl, int callsPerSecond, int maxReplicas) {
        Replica r = new Replica(vertx, redis, key, previous, KEY_SECRET, clock, lockTtl, callsPerSecond, maxReplicas).join();
        replicas.add(r);
        return r;
    }

    static byte[] random(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }
}
