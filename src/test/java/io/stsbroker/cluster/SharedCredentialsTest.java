package io.stsbroker.cluster;

import io.stsbroker.sts.StsCredentials;
import io.stsbroker.testing.RedisServer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The shared tier on a real redis-server, with two or three replicas' parts side by side. */
class SharedCredentialsTest extends OnRedis {

    static final byte[] OTHER_KEY = random(32);

    Replica replica(byte[] key, List<byte[]> previous) {
        return replica(key, previous, Duration.ofSeconds(10));
    }

    Replica replica(byte[] key, List<byte[]> previous, Duration lockTtl) {
        return replica(key, previous, lockTtl, 1000, 3);
    }

    @Test
    void everyReplicaHandsOutTheCredentialTheFirstOneMinted() {
        Replica a = replica(KEY, List.of());
        Replica b = replica(KEY, List.of());
        StsCredentials first = a.load("system:serviceaccount:shop:cart");
        StsCredentials second = b.load("system:serviceaccount:shop:cart");
        assertThat(second.accessKeyId()).isEqualTo(first.accessKeyId());
        assertThat(second.accessKeySecret()).isEqualTo(first.accessKeySecret());
        assertThat(a.mints.get() + b.mints.get()).isEqualTo(1);
        assertThat(b.counter("broker.cluster.loads", "result", "shared")).isEqualTo(1);
    }

    @Test
    void concurrentFirstRequestsOnThreeReplicasMintOnce() {
        Replica a = replica(KEY, List.of());
        Replica b = replica(KEY, List.of());
        Replica c = replica(KEY, List.of());
        List<Replica> all = List.of(a, b, c);
        List<CompletableFuture<StsCredentials>> loads = IntStream.range(0, 200)
                .mapToObj(i -> {
                    Replica r = all.get(i % 3);
                    return r.shared.load(r.key("system:serviceaccount:herd:one"), r.upstream())
                            .subscribeAsCompletionStage();
                }).toList();
        List<String> ids = loads.stream().map(CompletableFuture::join).map(StsCredentials::accessKeyId).distinct().toList();
        assertThat(ids).hasSize(1);
        assertThat(a.mints.get() + b.mints.get() + c.mints.get()).isEqualTo(1);
    }

    @Test
    void redisHoldsNeitherSecretNorTokenNorIdentityInPlainText() throws Exception {
        Replica a = replica(KEY, List.of());
        Replica b = replica(KEY, List.of());
        String identity = "system:serviceaccount:payments:ledger";
        StsCredentials c;
        String monitored;
        try (RedisServer.Monitor monitor = redis.monitor()) {
            c = a.load(identity);
            b.load(identity);
            a.invalidations.publish("acs:ram::1234567890123456:role/cluster-lab", identity)
                    .await().atMost(Duration.ofSeconds(5));
            Thread.sleep(200); // let MONITOR's stream reach the reader thread
            monitored = monitor.text();
        }
        Map<String, String> dump = redis.dump();
        a.load(identity);
        Map<String, String> dumpAfter = redis.dump();
        assertThat(monitored).contains("SET").contains("PUBLISH");
        for (String text : List.of(monitored, dump.toString(), dumpAfter.toString())) {
            assertThat(text).doesNotContain(c.accessKeySecret()).doesNotContain(c.securityToken())
                    .doesNotContain(identity).doesNotContain("payments").doesNotContain(c.accessKeyId())
                    .doesNotContain("cluster-lab");
        }
        assertThat(dumpAfter.keySet()).anyMatch(k -> k.startsWith("test:cred:"));
    }

    @Test
    void anEntryCopiedUnderAnotherKeyNameFailsToDecryptAndIsNotOverwritten() throws Exception {
        Replica a = replica(KEY, List.of());
        StsCredentials victim = a.load("system:serviceaccount:team:victim");
        String victimEntry = a.shared.entryName(a.key("system:serviceaccount:team:victim"));
        String attackerEntry = a.shared.entryName(a.key("system:serviceaccount:team:attacker"));
        String sealed = (String) redis.call("GET", victimEntry);
        redis.call("SET", attackerEntry, sealed, "PX", "600000");

        StsCredentials attacker = a.load("system:serviceaccount:team:attacker");

        assertThat(attacker.accessKeyId()).isNotEqualTo(victim.accessKeyId());
        assertThat(a.counter("broker.cluster.decrypt.failures", "reason", "corrupt")).isEqualTo(1);
        assertThat(a.mints.get()).isEqualTo(2);
        assertThat(redis.call("GET", attackerEntry)).isEqualTo(sealed);
    }

    @Test
    void aReplicaWithAWrongKeyCountsFailuresMintsAndLeavesTheEntry() throws Exception {
        Replica good = replica(KEY, List.of());
        Replica wrong = replica(OTHER_KEY, List.of());
        StsCredentials shared = good.load("system:serviceaccount:team:app");
        String entry = good.shared.entryName(good.key("system:serviceaccount:team:app"));
        String sealed = (String) redis.call("GET", entry);

        StsCredentials own = wrong.load("system:serviceaccount:team:app");

        assertThat(own.accessKeyId()).isNotEqualTo(shared.accessKeyId());
        assertThat(wrong.mints.get()).isEqualTo(1);
        assertThat(wrong.counter("broker.cluster.decrypt.failures", "reason", "unknown-key")).isEqualTo(1);
        assertThat(redis.call("GET", entry)).isEqualTo(sealed);
        assertThat(good.load("system:serviceaccount:team:app").accessKeyId()).isEqualTo(shared.accessKeyId());
    }

    @Test
    void afterKeyRotationOldEntriesAreReadAndNewOnesUseTheNewKey() throws Exception {
        Replica before = replica(KEY, List.of());
        StsCredentials old = before.load("system:serviceaccount:rot:old");
        Replica after = replica(OTHER_KEY, List.of(KEY));

        assertThat(after.load("system:serviceaccount:rot:old").accessKeyId()).isEqualTo(old.accessKeyId());
        after.load("system:serviceaccount:rot:new");

        String oldEntry = (String) redis.call("GET", after.shared.entryName(after.key("system:serviceaccount:rot:old")));
        String newEntry = (String) redis.call("GET", after.shared.entryName(after.key("system:serviceaccount:rot:new")));
        assertThat(oldEntry).startsWith("v1." + EntryCipher.keyId(KEY) + ".");
        assertThat(newEntry).startsWith("v1." + EntryCipher.keyId(OTHER_KEY) + ".");
        assertThat(after.mints.get()).isEqualTo(1);
        assertThat(after.counter("broker.cluster.decrypt.failures", "reason", "unknown-key")).isZero();
    }

    @Test
    void aCrashedLockHolderDelaysOthersOnlyUntilItsLockLapses() throws Exception {
        Replica a = replica(KEY, List.of(), Duration.ofMillis(300));
        String lock = "test:lock:{" + a.key("system:serviceaccount:crash:x").tag() + "}";
        redis.call("SET", lock, "fence-of-a-crashed-replica", "PX", "300");

        StsCredentials c = a.load("system:serviceaccount:crash:x");

        assertThat(c.accessKeyId()).isNotBlank();
        assertThat(a.mints.get()).isEqualTo(1);
        assertThat(a.counter("broker.cluster.loads", "result", "minted")).isEqualTo(1);
    }

    @Test
    void refreshAheadMintsOnceClusterWide() {
        Replica a = replica(KEY, List.of());
        Replica b = replica(KEY, List.of());
        StsCredentials first = a.load("system:serviceaccount:refresh:x");
        clock.advance(Duration.ofMinutes(31)); // inside refresh-ahead on every replica
        StsCredentials refreshedByA = a.load("system:serviceaccount:refresh:x");
        StsCredentials refreshedByB = b.load("system:serviceaccount:refresh:x");
        assertThat(refreshedByA.accessKeyId()).isNotEqualTo(first.accessKeyId());
        assertThat(refreshedByB.accessKeyId()).isEqualTo(refreshedByA.accessKeyId());
        assertThat(a.mints.get() + b.mints.get()).isEqualTo(2);
    }

    @Test
    void entriesExpireInRedisAtTheCredentialsFloor() throws Exception {
        Replica a = replica(KEY, List.of());
        a.load("system:serviceaccount:ttl:x");
        long pttl = Long.parseLong((String) redis.call("PTTL", a.shared.entryName(a.key("system:serviceaccount:ttl:x"))));
        // one hour of life minus the 20-minute floor, less the few ms the test took
        assertThat(pttl).isBetween(Duration.ofMinutes(40).minusSeconds(5).toMillis(), Duration.ofMinutes(40).toMillis());
    }
}
