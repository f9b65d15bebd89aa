package io.stsbroker.hardening.upstream;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.stsbroker.sts.embedded.EmbeddedStsFaults;
import io.stsbroker.sts.embedded.StsCounters;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.stsbroker.hardening.upstream.Lab.caller;
import static io.stsbroker.hardening.upstream.Lab.session;
import static io.stsbroker.hardening.upstream.Lab.vend;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retries as the embedded STS sees them, driven through the HTTP API with the test configuration
 * ({@code broker.sts.max-attempts=3}, {@code retry-backoff=200ms}): attempts per code class, the
 * spacing of the attempts, and a seeded 30% failure rate mostly hidden from callers.
 */
@QuarkusTest
class UpstreamRetryTest {

    @Inject
    EmbeddedStsFaults faults;
    @Inject
    StsCounters sts;

    @Inject
    io.micrometer.core.instrument.MeterRegistry meters;

    @AfterEach
    void clear() throws InterruptedException {
        faults.clear();
        Lab.quiesce(meters);
    }

    @ParameterizedTest(name = "{0} (HTTP {1}): {2} attempt(s), answered {3}")
    @CsvSource({
            "Throttling, 400, 3, 503",
            "Throttling.User, 400, 3, 503",
            "Throttling.Api, 429, 3, 503",
            "ServiceUnavailable, 503, 3, 503",
            "InternalError, 500, 3, 503",
            "NoPermission, 403, 1, 502",
            "EntityNotExist.Role, 404, 1, 502",
            "InvalidAccessKeyId.NotFound, 404, 1, 502",
            "InvalidAccessKeyId.Inactive, 400, 1, 502",
            "InvalidParameter.RoleArn, 400, 1, 502",
            "SignatureDoesNotMatch, 400, 1, 502",
    })
    void retryableCodesAreAttemptedThreeTimesAndPermanentOnesOnce(String code, int status, int attempts, int answered) {
        faults.failWith(code, status, Lab.ARN_PART);
        String name = "retry-" + code + "-" + status;

        Response r = vend(caller(name));

        long calls = sts.callCount(session(name));
        System.out.printf("[retry] %s (HTTP %d): %d upstream attempt(s), broker answered %d%n", code, status, calls,
                r.statusCode());
        assertThat(calls).isEqualTo(attempts);
        assertThat(r.statusCode()).isEqualTo(answered);
        assertThat(r.<String>path("upstreamCode")).isEqualTo(code);
        if (answered == 503) {
            assertThat(r.header("Retry-After")).isNotNull();
        }
    }

    @Test
    void droppedConnectionsAreRetriedThenAnsweredUnavailableWithoutUpstreamCode() {
        faults.dropConnections(Lab.ARN_PART);

        Response r = vend(caller("retry-dropped"));

        assertThat(sts.callCount(session("retry-dropped"))).isEqualTo(3);
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.<String>path("code")).isEqualTo("UpstreamUnavailable");
        assertThat(r.<String>path("upstreamCode")).isNull();
        assertThat(r.header("Retry-After")).isNotNull();
    }

    @Test
    void attemptsAreSpacedByABackoffThatDoubles() {
        faults.failWith("Throttling", 400, Lab.ARN_PART);
        vend(caller("retry-spacing")).then().statusCode(503);

        List<Long> at = faults.arrivals(Lab.ARN_PART);
        assertThat(at).hasSize(3);
        long first = TimeUnit.NANOSECONDS.toMillis(at.get(1) - at.get(0));
        long second = TimeUnit.NANOSECONDS.toMillis(at.get(2) - at.get(1));
        System.out.printf("[retry] gaps seen by STS with retry-backoff=200ms: %d ms, %d ms%n", first, second);
        // 200 ms + up to 50% jitter, then 400 ms +-50%; never earlier, at most a little later.
        assertThat(first).isBetween(200L, 300L + 150);
        assertThat(second).isBetween(200L, 600L + 150);
    }

    @Test
    void aThirtyPercentFailureRateIsMostlyHiddenByRetries() {
        faults.failRate(0.3, "Throttling.User", 400, 7, Lab.ARN_PART);
        int callers = 40;
        long calls = 0;
        int ok = 0;
        int unavailable = 0;
        for (int i = 0; i < callers; i++) {
            Response r = vend(caller("retry-rate-" + i));
            calls += sts.callCount(session("retry-rate-" + i));
            if (r.statusCode() == 200) {
                ok++;
            } else {
                assertThat(r.statusCode()).isEqualTo(503);
                unavailable++;
            }
        }
        long failedCalls = calls - ok;   // each caller's request ends with its first success
        System.out.printf("[retry] 30%% failure rate, %d cold callers: %d upstream calls, %d failed (%.0f%%);"
                + " callers: %d x 200, %d x 503%n", callers, calls, failedCalls, 100.0 * failedCalls / calls, ok, unavailable);

        // Each caller's request ends after its first success or its third failure.
        assertThat(failedCalls - unavailable * 3L).isBetween(0L, ok * 2L);
        // 0.3^3 = 2.7% of callers would see 503 on average: far fewer than the 30% of calls that failed.
        assertThat(unavailable).isLessThanOrEqualTo(4);
        assertThat(failedCalls).isGreaterThan(callers / 10);
    }
}
