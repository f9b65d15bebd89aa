package io.stsbroker.vending;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.stsbroker.sts.embedded.EmbeddedStsFaults;
import io.stsbroker.sts.embedded.StsCounters;
import io.stsbroker.testing.MutableClock;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.restassured.RestAssured.given;
import static io.stsbroker.vending.CacheSemanticsTest.caller;
import static io.stsbroker.vending.CacheSemanticsTest.keyId;
import static io.stsbroker.vending.CacheSemanticsTest.session;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** What a failed background refresh does: transient failures keep serving, revocations evict. */
@QuarkusTest
class RefreshFailureTest {

    @Inject
    MutableClock clock;

    @Inject
    StsCounters sts;

    @Inject
    EmbeddedStsFaults faults;

    @Inject
    io.micrometer.core.instrument.MeterRegistry meters;

    /** Also waits out any refresh still retrying, so the next test counts only its own calls. */
    @AfterEach
    void clearFaults() {
        faults.clear();
        org.awaitility.Awaitility.await("refreshes in flight to finish").atMost(Duration.ofSeconds(15))
                .until(() -> meters.find("broker.upstream.fetches").gauge().value() == 0);
    }

    private static Response vend(String token, String role) {
        return given().header("Authorization", token).get("/v1/credentials/" + role);
    }

    private void awaitCalls(String session, long atLeast) {
        org.awaitility.Awaitility.await(atLeast + " STS calls for " + session).atMost(Duration.ofSeconds(10))
                .until(() -> sts.callCount(session) >= atLeast);
    }

    @Test
    void transientRefreshFailureKeepsServingTheCachedCredentialUntilTheFloor() throws Exception {
        String token = caller("refresh-outage");
        String first = keyId(vend(token, "cache-lab"));
        faults.failWith("InternalError", 500, "role/cache-lab");
        long before = sts.callCount(session("refresh-outage"));
        clock.advance(Duration.ofMinutes(33));
        assertThat(keyId(vend(token, "cache-lab"))).isEqualTo(first);
        awaitCalls(session("refresh-outage"), before + 1);
        for (int i = 0; i < 5; i++) {
            assertThat(keyId(vend(token, "cache-lab"))).isEqualTo(first);
        }
        // Still 21 minutes left: served. Past the floor with STS still down: 503, not an old credential.
        clock.advance(Duration.ofMinutes(6));
        assertThat(keyId(vend(token, "cache-lab"))).isEqualTo(first);
        clock.advance(Duration.ofMinutes(2));
        vend(token, "cache-lab").then().statusCode(503)
                .body("code", equalTo("UpstreamUnavailable"))
                .header("Retry-After", org.hamcrest.Matchers.notNullValue());
        faults.clear();
        assertThat(keyId(vend(token, "cache-lab"))).isNotEqualTo(first);
    }

    @Test
    void revocationDuringRefreshEvictsAndTheNextCallerGetsUpstreamError() throws Exception {
        String token = caller("revoked");
        String first = keyId(vend(token, "revocable"));
        faults.failWith("NoPermission", 403, "role/revocable");
        long before = sts.callCount(session("revoked"));
        clock.advance(Duration.ofMinutes(33));
        assertThat(keyId(vend(token, "revocable"))).isEqualTo(first);
        awaitCalls(session("revoked"), before + 1);
        Response r = org.awaitility.Awaitility.await("the evicted credential to be refused").atMost(Duration.ofSeconds(10))
                .until(() -> vend(token, "revocable"), response -> response.statusCode() != 200);
        r.then().statusCode(502).body("code", equalTo("UpstreamError")).body("upstreamCode", equalTo("NoPermission"));
    }

    @Test
    void coldRequestDuringPermanentUpstreamErrorIsNotRetried() {
        String token = caller("cold-denied");
        faults.failWith("EntityNotExist.Role", 404, "role/revocable");
        vend(token, "revocable").then().statusCode(502)
                .body("code", equalTo("UpstreamError")).body("upstreamCode", equalTo("EntityNotExist.Role"));
        assertThat(sts.callCount(session("cold-denied"))).isEqualTo(1);
    }

    @Test
    void coldRequestDuringThrottlingIsRetriedThenAnsweredUnavailable() {
        String token = caller("cold-throttled");
        faults.failWith("Throttling.User", 400, "role/revocable");
        vend(token, "revocable").then().statusCode(503)
                .body("code", equalTo("UpstreamUnavailable")).body("upstreamCode", equalTo("Throttling.User"))
                .header("Retry-After", org.hamcrest.Matchers.notNullValue());
        assertThat(sts.callCount(session("cold-throttled"))).isEqualTo(3);
    }
}
