package io.stsbroker.hardening.upstream;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.stsbroker.sts.embedded.EmbeddedStsFaults;
import io.stsbroker.sts.embedded.StsCounters;
import io.stsbroker.testing.MutableClock;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static io.stsbroker.hardening.upstream.Lab.caller;
import static io.stsbroker.hardening.upstream.Lab.keyId;
import static io.stsbroker.hardening.upstream.Lab.session;
import static io.stsbroker.hardening.upstream.Lab.vend;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Permanent STS refusals are remembered per cache key for {@code broker.cache.failure-ttl} (10 s),
 * measured on the application's clock: a caller hammering a denied role costs STS one call per TTL.
 */
@QuarkusTest
class FailureCacheTest {

    private static final Duration TTL = Duration.ofSeconds(10);

    @Inject
    EmbeddedStsFaults faults;
    @Inject
    StsCounters sts;
    @Inject
    MutableClock clock;

    @AfterEach
    void clear() {
        faults.clear();
    }

    private static void assertRefused(Response r, String code) {
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(502);
        assertThat(r.<String>path("code")).isEqualTo("UpstreamError");
        assertThat(r.<String>path("upstreamCode")).isEqualTo(code);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"NoPermission, 403", "EntityNotExist.Role, 404", "InvalidAccessKeyId.NotFound, 404"})
    void fiftyRequestsInARowForARefusedRoleMakeOneUpstreamCallPerTtl(String code, int status) {
        faults.failWith(code, status, Lab.ARN_PART);
        String token = caller("denied-" + code);
        String session = session("denied-" + code);

        for (int i = 0; i < 50; i++) {
            assertRefused(vend(token), code);
        }
        long firstTtl = sts.callCount(session);
        clock.advance(TTL.minusSeconds(1));
        assertRefused(vend(token), code);
        long justBeforeExpiry = sts.callCount(session);
        clock.advance(Duration.ofSeconds(2));
        assertRefused(vend(token), code);
        long afterExpiry = sts.callCount(session);

        System.out.printf("[failure-cache] %s: 50 requests -> %d upstream call(s); 1 more at TTL-1s -> %d;"
                + " 1 more after the TTL -> %d%n", code, firstTtl, justBeforeExpiry, afterExpiry);
        assertThat(firstTtl).isEqualTo(1);
        assertThat(justBeforeExpiry).isEqualTo(1);
        assertThat(afterExpiry).isEqualTo(2);
    }

    @Test
    void theRefusalIsRememberedPerCallerNotForTheWholeRole() {
        faults.failWith("NoPermission", 403, Lab.ARN_PART);
        assertRefused(vend(caller("denied-per-key-a")), "NoPermission");
        assertRefused(vend(caller("denied-per-key-b")), "NoPermission");
        assertThat(sts.callCount(session("denied-per-key-a"))).isEqualTo(1);
        assertThat(sts.callCount(session("denied-per-key-b"))).isEqualTo(1);
    }

    @Test
    void transientFailuresAreNeverRemembered() {
        faults.failWith("Throttling.User", 400, Lab.ARN_PART);
        String token = caller("throttled-twice");
        vend(token).then().statusCode(503);
        vend(token).then().statusCode(503);
        assertThat(sts.callCount(session("throttled-twice"))).isEqualTo(6);
    }

    @Test
    void onceTheTtlHasPassedAGrantRestoredUpstreamIsSeen() {
        faults.failWith("EntityNotExist.Role", 404, Lab.ARN_PART);
        String token = caller("denied-then-fixed");
        assertRefused(vend(token), "EntityNotExist.Role");
        faults.clear();
        assertRefused(vend(token), "EntityNotExist.Role");   // still remembered
        clock.advance(TTL.plusSeconds(1));
        assertThat(keyId(vend(token))).startsWith("STS.");
    }
}
