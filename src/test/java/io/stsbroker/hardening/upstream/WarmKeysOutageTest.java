package io.stsbroker.hardening.upstream;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.stsbroker.sts.embedded.EmbeddedStsFaults;
import io.stsbroker.sts.embedded.StsCounters;
import io.stsbroker.testing.MutableClock;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.stsbroker.hardening.upstream.Lab.caller;
import static io.stsbroker.hardening.upstream.Lab.keyId;
import static io.stsbroker.hardening.upstream.Lab.vend;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Warm keys survive an STS outage: callers whose credentials are cached keep getting them, with no
 * error at all, until the credential reaches {@code min-remaining} (20 min); only then do they get
 * 503 {@code UpstreamUnavailable} with {@code Retry-After}. Time moves on the application's clock
 * in one-minute steps; the outage length survived is printed.
 */
@QuarkusTest
class WarmKeysOutageTest {

    private static final int CALLERS = 5;
    private static final Duration STEP = Duration.ofMinutes(1);

    enum Outage { DROPPED_CONNECTIONS, HANGING }

    @Inject
    EmbeddedStsFaults faults;
    @Inject
    StsCounters sts;
    @Inject
    MutableClock clock;

    @Inject
    io.micrometer.core.instrument.MeterRegistry meters;

    @AfterEach
    void clear() throws InterruptedException {
        faults.clear();
        Lab.quiesce(meters);
    }

    @ParameterizedTest
    @EnumSource(Outage.class)
    void warmKeysAreServedWithoutErrorsUntilTheFloorThenGet503WithRetryAfter(Outage outage) throws Exception {
        List<String> tokens = new ArrayList<>();
        List<String> keyIds = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            tokens.add(caller("warm-" + outage + "-" + i));
            keyIds.add(keyId(vend(tokens.get(i))));
        }
        Instant expiration = Instant.parse(vend(tokens.get(0)).path("expiration"));

        if (outage == Outage.HANGING) {
            faults.hang(Lab.ARN_PART);
        } else {
            faults.dropConnections(Lab.ARN_PART);
        }
        Instant outageStart = clock.instant();
        long callsBefore = sts.callCount();
        int served = 0;
        Instant lastServed = outageStart;
        List<Response> failures = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
        try {
            while (failures.isEmpty()) {
                assertThat(Duration.between(outageStart, clock.instant())).as("outage loop bound").isLessThan(Duration.ofHours(1));
                clock.advance(STEP);
                List<Future<Response>> step = new ArrayList<>();
                for (String token : tokens) {
                    step.add(pool.submit(() -> vend(token)));
                }
                for (int i = 0; i < CALLERS; i++) {
                    Response r = step.get(i).get(30, TimeUnit.SECONDS);
                    if (r.statusCode() == 200) {
                        assertThat(failures).as("no caller is served after another one failed").isEmpty();
                        assertThat(r.<String>path("accessKeyId")).as("still the cached credential").isEqualTo(keyIds.get(i));
                        served++;
                    } else {
                        failures.add(r);
                    }
                }
                if (failures.isEmpty()) {
                    lastServed = clock.instant();
                }
            }
        } finally {
            pool.shutdownNow();
        }
        Duration survived = Duration.between(outageStart, lastServed);
        Duration leftAtLastServe = Duration.between(lastServed, expiration);
        System.out.printf("[outage] %s: %d callers served %d times with 0 errors for %d min of clock time"
                        + " (last served with %d min left); then %d x %d; %d upstream attempts during the outage%n",
                outage, CALLERS, served, survived.toMinutes(), leftAtLastServe.toMinutes(), failures.size(),
                failures.get(0).statusCode(), sts.callCount() - callsBefore);

        // 60-minute credentials, floor 20 minutes: about 40 minutes of outage are bridged.
        assertThat(survived).isGreaterThanOrEqualTo(Duration.ofMinutes(38));
        assertThat(leftAtLastServe).isGreaterThan(Duration.ofMinutes(20));
        assertThat(failures).hasSize(CALLERS).allSatisfy(r -> {
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.<String>path("code")).isEqualTo("UpstreamUnavailable");
            assertThat(r.header("Retry-After")).isNotNull();
        });

        faults.clear();
        for (int i = 0; i < CALLERS; i++) {
            assertThat(keyId(vend(tokens.get(i)))).as("a fresh credential once STS is back").isNotEqualTo(keyIds.get(i));
        }
    }
}
