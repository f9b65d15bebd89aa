package io.stsbroker.vending;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.stsbroker.sts.embedded.StsRecorder;
import io.stsbroker.testsupport.MutableClock;
import io.stsbroker.testing.TestKeys;
import io.stsbroker.testing.TestTokens;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What STS is asked for: for each credential handed out, the embedded STS's record of the
 * AssumeRole that issued it ({@link StsRecorder}) has the role's ARN, the caller's session name,
 * the duration, the session policy and the external id the catalogue and the request call for.
 * The second request of each caller is answered from the cache (by the warm route when it is on)
 * and must be the very credential STS issued for that request.
 *
 * <p>Run with {@code broker.http.warm-route} on ({@link AssumeRoleParametersTest}) and off
 * ({@link AssumeRoleParametersWarmRouteOffTest}).
 */
abstract class AssumeRoleParameters {

    static final String ACCOUNT = "acs:ram::1234567890123456:role/";
    static final String SCOPED_READER_POLICY =
            "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"opensearch:Search*\",\"Resource\":\"*\"}]}";
    static final String CALLER_POLICY =
            "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"opensearch:Get*\",\"Resource\":\"*\"}]}";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    StsRecorder sts;

    @Inject
    MutableClock clock;

    @AfterEach
    void noFault() {
        sts.issueShortLived(null, null);
    }

    private static String sa(String name) {
        return TestKeys.bearer(TestTokens.rs256("system:serviceaccount:sts-lab:" + name));
    }

    /** The first answer (a mint) and a repeat of the same request (cached), which must be the same credential. */
    private static Response twice(java.util.function.Supplier<Response> request) {
        Response first = request.get();
        first.then().statusCode(200);
        Response again = request.get();
        again.then().statusCode(200);
        assertThat(again.<String>path("accessKeyId")).as("the cached credential").isEqualTo(first.path("accessKeyId"));
        return first;
    }

    private StsRecorder.Issued issuedFor(Response r) {
        StsRecorder.Issued issued = sts.issued(r.path("accessKeyId"));
        assertThat(issued.roleSessionName()).as("RoleSessionName").isEqualTo(r.<String>path("sessionName"));
        assertThat(issued.roleArn()).as("RoleArn").isEqualTo(r.<String>path("roleArn"));
        // The request that issued this very credential; how many others this caller caused is not
        // asserted, because API-key callers are shared with other classes, whose clock moves can
        // trigger a background refresh of the same entry (any class order).
        assertThat(issued.expiration()).isEqualTo(Instant.parse(r.path("expiration")));
        return issued;
    }

    private static void assertSameJson(Optional<String> actual, String expected) throws Exception {
        assertThat(actual).as("Policy").isPresent();
        assertThat(JSON.readTree(actual.get())).isEqualTo(JSON.readTree(expected));
    }

    @Test
    void aRolesOwnSessionPolicyIsSentWithItsRoleDefaults() throws Exception {
        StsRecorder.Issued issued = issuedFor(twice(() -> given().header("Authorization", TestKeys.bearer(TestKeys.REPORTING))
                .get("/v1/credentials/scoped-reader")));
        assertThat(issued.roleArn()).isEqualTo(ACCOUNT + "scoped-reader");
        assertSameJson(issued.policy(), SCOPED_READER_POLICY);
        assertThat(issued.externalId()).isEmpty();
        assertThat(issued.durationSeconds()).contains(3600L);
    }

    @Test
    void aCallersPolicyIsSentForARoleWithoutOne() throws Exception {
        String body = JSON.createObjectNode().put("role", "sts-lab").put("policy", CALLER_POLICY).toString();
        String token = sa("caller-policy");
        StsRecorder.Issued issued = issuedFor(twice(() -> given().header("Authorization", token)
                .contentType(ContentType.JSON).body(body).post("/v1/credentials")));
        assertSameJson(issued.policy(), CALLER_POLICY);
        assertThat(issued.roleSessionName()).isEqualTo(io.stsbroker.policy.SessionNames.of("system:serviceaccount:sts-lab:caller-policy"));
        assertThat(issued.externalId()).isEmpty();
    }

    @Test
    void aRolesExternalIdIsSent() {
        StsRecorder.Issued issued = issuedFor(twice(() -> given().header("Authorization", TestKeys.bearer(TestKeys.OPS))
                .get("/v1/credentials/partner-role")));
        assertThat(issued.roleArn()).isEqualTo(ACCOUNT + "partner-role");
        assertThat(issued.externalId()).contains("partner-ext-01");
        assertThat(issued.policy()).isEmpty();
    }

    @Test
    void aRolesOwnDurationIsSentAndDecidesTheExpiration() {
        String token = sa("role-duration");
        Response r = twice(() -> given().header("Authorization", token).get("/v1/credentials/sts-lab"));
        StsRecorder.Issued issued = issuedFor(r);
        assertThat(issued.durationSeconds()).contains(7200L);
        assertThat(issued.policy()).isEmpty();
        assertThat(issued.externalId()).isEmpty();
        // The clock does not move during a request here; STS truncates its now to the second.
        assertThat(Duration.between(clock.instant(), Instant.parse(r.path("expiration"))))
                .isBetween(Duration.ofSeconds(7199), Duration.ofSeconds(7200));
    }

    @Test
    void aRequestedDurationIsSentInsteadOfTheRoles() {
        String token = sa("request-duration");
        StsRecorder.Issued issued = issuedFor(twice(() -> given().header("Authorization", token)
                .contentType(ContentType.JSON).body("{\"role\":\"sts-lab\",\"durationSeconds\":2400}")
                .post("/v1/credentials")));
        assertThat(issued.durationSeconds()).contains(2400L);
    }

    /**
     * STS answering with a credential that is already below {@code broker.cache.min-remaining}
     * (20 minutes) is never handed out: 503 with Retry-After, every time, and each attempt asks STS
     * again (nothing below the floor is cached).
     */
    @Test
    void aCredentialBelowTheFloorStraightFromStsIsRefusedWithRetryAfter() {
        String token = sa("below-floor");
        sts.issueShortLived(ACCOUNT + "floor-lab", Duration.ofMinutes(10));
        for (int attempt = 1; attempt <= 2; attempt++) {
            given().header("Authorization", token).get("/v1/credentials/floor-lab").then()
                    .statusCode(503).header("Retry-After", "1")
                    .body("code", org.hamcrest.Matchers.equalTo("UpstreamUnavailable"));
        }
        assertThat(sts.issuedForRole(ACCOUNT + "floor-lab")).as("each attempt asked STS").hasSize(2);

        sts.issueShortLived(null, null);
        Response fresh = given().header("Authorization", token).get("/v1/credentials/floor-lab");
        fresh.then().statusCode(200);
        assertThat(Duration.between(clock.instant(), Instant.parse(fresh.path("expiration"))))
                .isGreaterThan(Duration.ofMinutes(20));
        assertThat(sts.issuedForRole(ACCOUNT + "floor-lab")).hasSize(3);
    }
}
