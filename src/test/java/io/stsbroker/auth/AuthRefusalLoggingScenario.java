package io.stsbroker.auth;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.restassured.response.Response;
import io.stsbroker.testsupport.MutableClock;
import io.stsbroker.testing.TestKeys;
import io.stsbroker.testing.TestTokens;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every refused credential request is logged at INFO with its reason, request id and client
 * address, and counted once in {@code broker_auth_failures_total{outcome, reason}}; the 401 body is
 * the same bytes whatever the reason; no part of the token reaches the log. Lines are limited to one
 * per second per reason (the log window follows the broker's clock, which the test moves). Run with
 * the warm route on and off (the two subclasses).
 */
abstract class AuthRefusalLoggingScenario {

    /** {@code broker.http.warm-route=false}. */
    public static class WarmRouteOff implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("broker.http.warm-route", "false");
        }
    }

    private static final String ROLE = "/v1/credentials/warm-lab";
    private static final String SUB = "system:serviceaccount:warm:refused";
    /** The 401 body as main has always written it, for request id {@code %s}. */
    private static final String BODY_401 =
            "{\"code\":\"Unauthorized\",\"message\":\"Missing, malformed, expired or unverifiable bearer token.\",\"requestId\":\"%s\"}";

    @Inject
    MutableClock clock;

    private static Response get(String authorization, String requestId) {
        var req = given().header("X-Request-Id", requestId);
        if (authorization != null) {
            req = req.header("Authorization", authorization);
        }
        return req.get(ROLE);
    }

    /** One request refused for each reason that a request can show (throttling has its own test). */
    private static Map<RefusalReason, String> refusedAuthorizations() {
        Map<RefusalReason, String> cases = new LinkedHashMap<>();
        cases.put(RefusalReason.MISSING, null);
        cases.put(RefusalReason.MALFORMED, "Bearer a$b.c.d");
        cases.put(RefusalReason.TOO_LONG, "Bearer " + "x".repeat(9000));
        cases.put(RefusalReason.BAD_SIGNATURE, TestKeys.bearer(TestTokens.untrusted(SUB)));
        cases.put(RefusalReason.UNKNOWN_KEY, TestKeys.bearer(SigningKeys.rsa("not-in-the-set").sign(SUB)));
        cases.put(RefusalReason.EXPIRED, TestKeys.bearer(TestTokens.rs256(SUB,
                b -> b.issuedAt(Instant.now().minusSeconds(600)).expiresAt(Instant.now().minusSeconds(5)))));
        cases.put(RefusalReason.NOT_YET_VALID, TestKeys.bearer(TestTokens.rs256(SUB,
                b -> b.claim("nbf", Instant.now().plusSeconds(600).getEpochSecond()))));
        cases.put(RefusalReason.WRONG_ISSUER, TestKeys.bearer(TestTokens.rs256(SUB, b -> b.issuer("https://other.example"))));
        cases.put(RefusalReason.WRONG_AUDIENCE, TestKeys.bearer(TestTokens.rs256(SUB, b -> b.audience("someone-else"))));
        cases.put(RefusalReason.NO_SUBJECT, TestKeys.bearer(TestTokens.rs256(null)));
        cases.put(RefusalReason.RESERVED_SUBJECT, TestKeys.bearer(TestTokens.rs256("apikey:reporting")));
        cases.put(RefusalReason.UNKNOWN_API_KEY, TestKeys.bearer("test-key-nobody-knows"));
        return cases;
    }

    @Test
    void everyRefusalIsLoggedOnceWithItsReasonAndCountedOnceWithTheSameBody() {
        try (RefusalLog log = new RefusalLog()) {
            for (Map.Entry<RefusalReason, String> c : refusedAuthorizations().entrySet()) {
                RefusalReason reason = c.getKey();
                String requestId = "refused-" + reason.tag();
                double before = RefusalMetrics.count(reason);
                clock.advance(Duration.ofMillis(1100)); // a new log window for every reason
                Response r = get(c.getValue(), requestId);

                assertThat(r.statusCode()).as(reason.tag()).isEqualTo(401);
                assertThat(r.asByteArray()).as("the 401 body for %s", reason.tag())
                        .isEqualTo(BODY_401.formatted(requestId).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                assertThat(RefusalMetrics.count(reason)).as("counted once: %s", reason.tag()).isEqualTo(before + 1);
                assertThat(log.forRequest(requestId)).as("logged once: %s", reason.tag()).singleElement().asString()
                        .startsWith("INFO ")
                        .contains("reason=" + reason.tag() + " request=" + requestId + " client=127.0.0.1");
                if (c.getValue() != null) {
                    String token = c.getValue().substring("Bearer ".length());
                    for (String part : token.split("\\.")) {
                        if (part.length() < 12) {
                            continue; // too short to tell from the line's own words
                        }
                        String probe = part.substring(part.length() - 12);
                        assertThat(String.join("\n", log.lines())).as("no part of the token is logged")
                                .doesNotContain(probe);
                    }
                }
            }
        }
    }

    @Test
    void atMostOneLinePerSecondPerReasonAndTheNextSaysHowManyWereLeftOut() {
        String token = TestKeys.bearer(TestTokens.rs256(SUB, b -> b.audience("not-the-broker")));
        try (RefusalLog log = new RefusalLog()) {
            double before = RefusalMetrics.count(RefusalReason.WRONG_AUDIENCE);
            clock.advance(Duration.ofMillis(1100));
            for (int i = 1; i <= 3; i++) {
                assertThat(get(token, "burst-" + i).statusCode()).isEqualTo(401);
            }
            clock.advance(Duration.ofMillis(1100));
            assertThat(get(token, "burst-4").statusCode()).isEqualTo(401);

            assertThat(RefusalMetrics.count(RefusalReason.WRONG_AUDIENCE)).isEqualTo(before + 4);
            assertThat(log.forRequest("burst-1")).hasSize(1);
            assertThat(log.forRequest("burst-2")).isEmpty();
            assertThat(log.forRequest("burst-3")).isEmpty();
            assertThat(log.forRequest("burst-4")).singleElement().asString()
                    .contains("reason=wrong-audience").contains("(2 more with this reason since the last line)");
        }
    }
}
