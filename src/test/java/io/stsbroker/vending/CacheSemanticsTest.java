package io.stsbroker.vending;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.stsbroker.policy.SessionNames;
import io.stsbroker.sts.embedded.StsCounters;
import io.stsbroker.testing.MutableClock;
import io.stsbroker.testing.TestKeys;
import io.stsbroker.testing.TestTokens;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cache's promises, driven through the HTTP API with the application's clock moved by the
 * test: one upstream call per key, refresh-ahead, the min-remaining floor. Each test uses its own
 * caller so counts stay exact although all tests share one application.
 */
@QuarkusTest
class CacheSemanticsTest {

    private static final String ROLE = "/v1/credentials/cache-lab";

    @Inject
    MutableClock clock;

    @Inject
    StsCounters sts;

    static String caller(String name) {
        return TestKeys.bearer(TestTokens.rs256("system:serviceaccount:cache:" + name));
    }

    /** The RoleSessionName of {@link #caller(String)}: counts that caller's STS calls exactly. */
    static String session(String name) {
        return SessionNames.of("system:serviceaccount:cache:" + name);
    }

    static Response vend(String token) {
        return given().header("Authorization", token).get(ROLE);
    }

    static String keyId(Response r) {
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        return r.path("accessKeyId");
    }

    /** The first value other than {@code notEqualTo}; fails after 10 s without one. */
    static String await(Supplier<String> probe, String notEqualTo) {
        return org.awaitility.Awaitility.await("a value other than the current one").atMost(Duration.ofSeconds(10))
                .until(probe::get, v -> !v.equals(notEqualTo));
    }

    @Test
    void concurrentFirstRequestsMakeExactlyOneUpstreamCall() throws Exception {
        String token = caller("stampede");
        int n = 48;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return keyId(vend(token));
                }));
            }
            go.countDown();
            Set<String> ids = new HashSet<>();
            for (Future<String> f : results) {
                ids.add(f.get());
            }
            assertThat(ids).hasSize(1);
            assertThat(sts.callCount(session("stampede"))).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void cachedCredentialIsServedWithoutUpstreamCalls() {
        String token = caller("steady");
        String first = keyId(vend(token));
        long before = sts.callCount(session("steady"));
        for (int i = 0; i < 20; i++) {
            assertThat(keyId(vend(token))).isEqualTo(first);
        }
        clock.advance(Duration.ofMinutes(20));
        assertThat(keyId(vend(token))).isEqualTo(first);
        assertThat(sts.callCount(session("steady"))).isEqualTo(before);
    }

    @Test
    void insideRefreshAheadTheOldCredentialIsServedAndANewOneSwappedIn() throws Exception {
        String token = caller("refresh-ahead");
        String first = keyId(vend(token));
        long before = sts.callCount(session("refresh-ahead"));
        // 60m credential, refresh-ahead 30m (+ up to 2.5m jitter): 33m later it is due.
        clock.advance(Duration.ofMinutes(33));
        assertThat(keyId(vend(token))).isEqualTo(first);
        String next = await(() -> keyId(vend(token)), first);
        assertThat(next).isNotEqualTo(first);
        assertThat(sts.callCount(session("refresh-ahead")) - before).isEqualTo(1);
    }

    @Test
    void belowMinRemainingTheCallerWaitsForAFreshCredential() {
        String token = caller("floor");
        String first = keyId(vend(token));
        clock.advance(Duration.ofMinutes(41));
        Response r = vend(token);
        assertThat(keyId(r)).isNotEqualTo(first);
        Instant exp = Instant.parse(r.path("expiration"));
        assertThat(Duration.between(clock.instant(), exp)).isGreaterThan(Duration.ofMinutes(20));
    }
}
