package io.stsbroker.cluster;

import io.smallrye.mutiny.Uni;
import io.stsbroker.sts.StsCredentials;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The cluster budget, invalidations and the degraded mode, on a real redis-server. */
class ClusterRedisTest extends OnRedis {

    static final String ROLE = "acs:ram::1234567890123456:role/cluster-lab";

    Replica replica(int callsPerSecond, int maxReplicas) {
        return replica(KEY, List.of(), Duration.ofSeconds(10), callsPerSecond, maxReplicas);
    }

    @Test
    void callsFromThreeReplicasNeverExceedTheClusterBudgetInAnyOneSecondWindow() {
        int rate = 20;
        List<Replica> all = List.of(replica(rate, 3), replica(rate, 3), replica(rate, 3));
        List<Long> sentAt = Collections.synchronizedList(new ArrayList<>());
        // 75 calls asked for at once, spread over the replicas; each is "sent" when its token comes.
        List<Uni<Void>> calls = IntStream.range(0, 75).mapToObj(i -> all.get(i % 3).budget.acquire()
                .onItem().invoke(() -> sentAt.add(System.nanoTime()))).toList();
        Uni.join().all(calls).andFailFast().await().atMost(Duration.ofSeconds(30));

        assertThat(sentAt).hasSize(75);
        assertThat(maxInAnyWindow(sentAt, TimeUnit.SECONDS.toNanos(1))).isLessThanOrEqualTo(rate + 1);
        assertThat(all.stream().mapToDouble(r -> r.counter("broker.cluster.budget", "result", "local")).sum()).isZero();
    }

    @Test
    void deferrableCallsFromThreeReplicasTakeAtMostHalfTheBudgetSoColdCallsGoFirst() {
        int rate = 20;
        List<Replica> all = List.of(replica(rate, 3), replica(rate, 3), replica(rate, 3));
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        List<Long> deferrableAt = Collections.synchronizedList(new ArrayList<>());
        List<Long> sentAt = Collections.synchronizedList(new ArrayList<>());
        // 60 extra variants or refreshes and 10 first credentials asked for at once over the replicas.
        List<Uni<Void>> calls = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            boolean deferrable = i % 7 != 0;
            calls.add(all.get(i % 3).budget.acquire(deferrable).onItem().invoke(() -> {
                order.add(deferrable ? "D" : "C");
                sentAt.add(System.nanoTime());
                if (deferrable) {
                    deferrableAt.add(System.nanoTime());
                }
            }));
        }
        Uni.join().all(calls).andFailFast().await().atMost(Duration.ofSeconds(30));

        assertThat(order).hasSize(70);
        // Deferrable calls never hold more than half the budget, all calls never more than all of it.
        assertThat(maxInAnyWindow(deferrableAt, TimeUnit.SECONDS.toNanos(1))).isLessThanOrEqualTo(rate / 2 + 1);
        assertThat(maxInAnyWindow(sentAt, TimeUnit.SECONDS.toNanos(1))).isLessThanOrEqualTo(rate + 1);
        // So the 10 cold calls are served within the first 35 of 70 grants (in a fair draw the last
        // of them would come near the end).
        assertThat(order.lastIndexOf("C")).as(order::toString).isLessThan(35);
    }

    static int maxInAnyWindow(List<Long> times, long windowNanos) {
        List<Long> sorted = new ArrayList<>(times);
        Collections.sort(sorted);
        int max = 0;
        for (int i = 0, j = 0; i < sorted.size(); i++) {
            while (sorted.get(i) - sorted.get(j) >= windowNanos) {
                j++;
            }
            max = Math.max(max, i - j + 1);
        }
        return max;
    }

    @Test
    void invalidationOnOneReplicaDeletesTheSharedEntryAndReachesTheOthers() throws Exception {
        Replica a = replica(1000, 3);
        Replica b = replica(1000, 3);
        String identity = "system:serviceaccount:inv:app";
        StsCredentials before = a.load(identity);
        assertThat(b.load(identity).accessKeyId()).isEqualTo(before.accessKeyId());

        a.invalidations.publish(ROLE, identity).await().atMost(Duration.ofSeconds(5));

        await().atMost(Duration.ofSeconds(10)).until(() -> b.locallyInvalidated.contains(ROLE + "|" + identity));
        assertThat(redis.call("GET", a.shared.entryName(a.key(identity)))).isNull();
        assertThat(b.load(identity).accessKeyId()).isNotEqualTo(before.accessKeyId());
        assertThat(b.counter("broker.cluster.invalidations", "source", "message")).isEqualTo(1);
    }

    @Test
    void aReplicaThatMissedAMessageDropsItsLocalCacheAtTheNextSync() throws Exception {
        Replica a = replica(1000, 3);
        Replica b = replica(1000, 3);
        // b's subscription is cut (as on a reconnect) and the message published meanwhile is lost to it.
        redis.call("CLIENT", "KILL", "TYPE", "pubsub");
        a.invalidations.publish(null, "system:serviceaccount:inv:missed").await().atMost(Duration.ofSeconds(5));

        b.invalidations.sync().await().atMost(Duration.ofSeconds(5));

        assertThat(b.locallyInvalidated).contains("null|null");
        assertThat(b.counter("broker.cluster.invalidations", "source", "catch-up")).isEqualTo(1);
    }

    @Test
    void aRedisThatLostItsDataStartsANewEpochWithoutDroppingLocalCaches() throws Exception {
        Replica a = replica(1000, 3);
        redis.call("FLUSHALL");
        a.invalidations.sync().await().atMost(Duration.ofSeconds(5));
        assertThat(a.locallyInvalidated).isEmpty();
        assertThat(a.counter("broker.cluster.invalidations", "source", "catch-up")).isZero();
    }

    @Test
    void withRedisDownLoadsMintLocallyWithinTheLocalShareAndTheClusterHealsWithoutRestart() throws Exception {
        Replica a = replica(30, 3);
        StsCredentials warm = a.load("system:serviceaccount:outage:warm");
        redis.kill();
        try {
            StsCredentials cold = a.load("system:serviceaccount:outage:cold");
            assertThat(cold.accessKeyId()).isNotEqualTo(warm.accessKeyId());
            assertThat(a.state.degraded()).isTrue();
            assertThat(a.meters.get("broker.cluster.degraded").gauge().value()).isEqualTo(1.0);
            // The local share is 30 / 3 = 10 calls/s: 25 calls take at least 2 s, and no window holds more than 11.
            List<Long> sentAt = Collections.synchronizedList(new ArrayList<>());
            Uni.join().all(IntStream.range(0, 25).mapToObj(i -> a.budget.acquire()
                    .onItem().invoke(() -> sentAt.add(System.nanoTime()))).toList()).andFailFast()
                    .await().atMost(Duration.ofSeconds(30));
            assertThat(maxInAnyWindow(sentAt, TimeUnit.SECONDS.toNanos(1))).isLessThanOrEqualTo(11);
            assertThat(a.counter("broker.cluster.budget", "result", "local")).isEqualTo(25);
        } finally {
            redis.restart();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            a.invalidations.sync().await().atMost(Duration.ofSeconds(5));
            return !a.state.degraded();
        });
        assertThat(a.meters.get("broker.cluster.degraded").gauge().value()).isZero();
        StsCredentials afterHeal = a.load("system:serviceaccount:outage:after");
        Replica b = replica(30, 3);
        assertThat(b.load("system:serviceaccount:outage:after").accessKeyId()).isEqualTo(afterHeal.accessKeyId());
    }
}
