package io.stsbroker.cluster;

import io.stsbroker.sts.StsCredentials;
import io.stsbroker.vending.CredentialKey;
import io.stsbroker.vending.FetchPriority;
import io.stsbroker.vending.LocalMintQuota;
import io.stsbroker.vending.MintQuota;
import io.stsbroker.testing.RedisServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/** The per-caller mint limits across replicas, on a real redis-server: each replica's quota decides in Redis. */
class SharedMintQuotaTest extends OnRedis {

    static final String ROLE = "acs:ram::1234567890123456:role/cluster-lab";
    static final String OTHER_ROLE = "acs:ram::1234567890123456:role/cluster-lab-b";

    /** One replica's quota at these limits, with the local quota it falls back to. */
    record Quota(Replica replica, SharedMintQuota shared, LocalMintQuota local) {

        MintQuota.Decision admit(CredentialKey key) {
            AtomicReference<FetchPriority> started = new AtomicReference<>();
            MintQuota.Decision d = shared.admit(key, k -> -1, started::set, local).toCompletableFuture().join();
            // start is called exactly when the mint is admitted, with the decided priority
            assertThat(started.get()).isEqualTo(d instanceof MintQuota.Admitted a ? a.priority() : null);
            return d;
        }
    }

    Quota quota(int mintsPerMinute, int maxVariants) {
        Replica r = replica(KEY, List.of(), Duration.ofSeconds(10), 1000, 3);
        return new Quota(r, new SharedMintQuota(r.commands, r.names, r.state, mintsPerMinute, maxVariants,
                Replica.MIN_REMAINING), new LocalMintQuota(mintsPerMinute, maxVariants, 1000));
    }

    static CredentialKey key(String identity, String role, long durationSeconds) {
        return new CredentialKey(role, identity, durationSeconds, "{\"Statement\":[\"plain-policy-text\"]}", "");
    }

    static MintQuota.Admitted admitted(FetchPriority p) {
        return new MintQuota.Admitted(p);
    }

    @Test
    void aCallersMintsOnThreeReplicasAreLimitedToMintsPerCallerInTotal() {
        List<Quota> all = List.of(quota(6, 100), quota(6, 100), quota(6, 100));
        String caller = "system:serviceaccount:quota:minter";
        List<MintQuota.Decision> decisions = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            decisions.add(all.get(i % 3).admit(key(caller, ROLE, 2000 + i)));
        }
        assertThat(decisions.subList(0, 6)).allMatch(d -> d instanceof MintQuota.Admitted);
        assertThat(decisions.subList(6, 9)).allSatisfy(d -> assertThat(d).isInstanceOfSatisfying(
                MintQuota.TooManyMints.class, m -> assertThat(m.retryAfter()).isBetween(Duration.ofSeconds(9), Duration.ofSeconds(10))));
        // Another caller has its own bucket.
        assertThat(all.get(0).admit(key("system:serviceaccount:quota:other", ROLE, 2000))).isEqualTo(admitted(FetchPriority.COLD));
    }

    @Test
    void aCallersVariantsOnThreeReplicasAreCappedInTotalAndAVariantPastItsFloorDropsOut() {
        List<Quota> all = List.of(quota(100, 3), quota(100, 3), quota(100, 3));
        String caller = "system:serviceaccount:quota:variants";
        assertThat(all.get(0).admit(key(caller, ROLE, 2000))).isEqualTo(admitted(FetchPriority.COLD));
        assertThat(all.get(1).admit(key(caller, ROLE, 2001))).isEqualTo(admitted(FetchPriority.DEFERRABLE));
        assertThat(all.get(2).admit(key(caller, ROLE, 2002))).isEqualTo(admitted(FetchPriority.DEFERRABLE));
        MintQuota.Decision fourth = all.get(0).admit(key(caller, ROLE, 2003));
        // Held at most its duration minus the 20-minute floor until the credential's own time is known.
        assertThat(fourth).isInstanceOfSatisfying(MintQuota.TooManyVariants.class, v -> {
            assertThat(v.max()).isEqualTo(3);
            assertThat(v.retryAfter()).isBetween(Duration.ofSeconds(2000 - 1200 - 5), Duration.ofSeconds(2000 - 1200));
        });
        // Variants are counted per role.
        assertThat(all.get(1).admit(key(caller, OTHER_ROLE, 2003))).isEqualTo(admitted(FetchPriority.COLD));

        // The first variant's credential turns out to be at its floor already: it leaves the count.
        StsCredentials atFloor = new StsCredentials("STS.x", "s", "t", Instant.now().plus(Replica.MIN_REMAINING).minusSeconds(1), "r");
        all.get(2).shared().held(key(caller, ROLE, 2000), atFloor).await().atMost(Duration.ofSeconds(5));
        assertThat(all.get(0).admit(key(caller, ROLE, 2003))).isEqualTo(admitted(FetchPriority.DEFERRABLE));
        assertThat(all.get(1).admit(key(caller, ROLE, 2004))).isInstanceOf(MintQuota.TooManyVariants.class);

        // A replica whose cache dropped a variant (a failed mint) frees its slot for the whole cluster.
        all.get(1).shared().forget(key(caller, ROLE, 2001)).await().atMost(Duration.ofSeconds(5));
        assertThat(all.get(2).admit(key(caller, ROLE, 2004))).isEqualTo(admitted(FetchPriority.DEFERRABLE));
    }

    @Test
    void aVariantAnotherReplicaHoldsOrIsMintingIsNeitherChargedNorCountedAgain() {
        List<Quota> all = List.of(quota(2, 2), quota(2, 2), quota(2, 2));
        String caller = "system:serviceaccount:quota:joiner";
        CredentialKey only = key(caller, ROLE, 3600);
        assertThat(all.get(0).admit(only)).isEqualTo(admitted(FetchPriority.COLD));
        // The same variant on the other replicas: the shared tier answers it, no token is taken.
        for (int i = 0; i < 5; i++) {
            assertThat(all.get(1 + i % 2).admit(only)).isEqualTo(admitted(FetchPriority.COLD));
        }
        assertThat(all.get(1).admit(key(caller, ROLE, 3000))).isEqualTo(admitted(FetchPriority.DEFERRABLE));
        assertThat(all.get(2).admit(key(caller, OTHER_ROLE, 3000))).as("two mints a minute, both spent")
                .isInstanceOf(MintQuota.TooManyMints.class);
    }

    @Test
    void aDegradedReplicaFallsBackToItsOwnLocalLimitsAndWritesNothing() throws Exception {
        Quota a = quota(2, 10);
        Quota b = quota(2, 10);
        String caller = "system:serviceaccount:quota:degraded";
        a.replica().state.failed(new IOException("connection lost"));
        b.replica().state.failed(new IOException("connection lost"));
        for (Quota q : List.of(a, b)) {
            assertThat(q.admit(key(caller, ROLE, 2000))).isInstanceOf(MintQuota.Admitted.class);
            assertThat(q.admit(key(caller, ROLE, 2001))).isInstanceOf(MintQuota.Admitted.class);
            assertThat(q.admit(key(caller, ROLE, 2002))).as("the local limit, per replica").isInstanceOf(MintQuota.TooManyMints.class);
        }
        assertThat(redis.dump().keySet()).noneMatch(k -> k.contains("mints") || k.contains("variants"));
    }

    @Test
    void aRedisLostDuringADecisionLeavesItToTheLocalQuota() throws Exception {
        Quota a = quota(1, 10);
        redis.kill();
        try {
            assertThat(a.admit(key("system:serviceaccount:quota:lost", ROLE, 2000))).isEqualTo(admitted(FetchPriority.COLD));
            assertThat(a.replica().state.degraded()).isTrue();
            assertThat(a.admit(key("system:serviceaccount:quota:lost", ROLE, 2001))).isInstanceOf(MintQuota.TooManyMints.class);
        } finally {
            redis.restart();
        }
    }

    @Test
    void aMintThatFailsToStartIsNotRetriedThroughTheLocalQuota() {
        Quota a = quota(20, 10);
        AtomicInteger starts = new AtomicInteger();
        Throwable failure = catchThrowable(() -> a.shared().admit(
                key("system:serviceaccount:quota:failing-start", ROLE, 2000), k -> -1, priority -> {
                    starts.incrementAndGet();
                    throw new IllegalStateException("the mint could not start");
                }, a.local()).toCompletableFuture().join());
        assertThat(failure).hasRootCauseMessage("the mint could not start");
        assertThat(starts).as("one decision, one start").hasValue(1);
        assertThat(a.replica().state.degraded()).isFalse();
    }

    @Test
    void redisHoldsNeitherTheCallerNorTheRoleNorThePolicyInPlainTextAndEveryMintKeyExpires() throws Exception {
        List<Quota> all = List.of(quota(20, 10), quota(20, 10));
        String caller = "system:serviceaccount:quota:very-private-name";
        String monitored;
        try (RedisServer.Monitor monitor = redis.monitor()) {
            all.get(0).admit(key(caller, ROLE, 2000));
            all.get(1).admit(key(caller, ROLE, 2001));
            all.get(1).admit(key(caller, ROLE, 2000));
            all.get(0).shared().held(key(caller, ROLE, 2000),
                    new StsCredentials("STS.x", "s", "t", Instant.now().plusSeconds(2000), "r")).await().atMost(Duration.ofSeconds(5));
            all.get(0).shared().forget(key(caller, ROLE, 2001)).await().atMost(Duration.ofSeconds(5));
            redis.call("ECHO", "monitor-end-marker");
            await().atMost(Duration.ofSeconds(10)).until(() -> monitor.text().contains("monitor-end-marker"));
            monitored = monitor.text();
        }
        Map<String, String> dump = redis.dump();
        assertThat(dump.keySet()).anyMatch(k -> k.startsWith("test:mints:{")).anyMatch(k -> k.startsWith("test:variants:{"));
        assertThat(monitored).contains("ZADD").contains("ZREM");
        for (String text : List.of(monitored, dump.toString())) {
            assertThat(text).doesNotContain("very-private-name").doesNotContain("cluster-lab").doesNotContain("plain-policy-text");
        }
        for (String k : dump.keySet().stream().filter(k -> k.contains("mints") || k.contains("variants")).toList()) {
            assertThat(Long.parseLong(String.valueOf(redis.call("PTTL", k)))).as(k).isPositive();
        }
    }
}
