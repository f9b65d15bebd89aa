package io.stsbroker.auth;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.stsbroker.testsupport.MutableClock;
import io.stsbroker.testing.TestKeys;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Key rotation at a JWKS URL served over HTTPS ({@link JwksUrlResource}), proven with credential
 * requests: both key types verify; a token whose {@code kid} is new is accepted after the broker
 * refetches the set (at once, for the first unknown {@code kid}); from then on a token whose key
 * left the set is refused, also when it was verified and remembered before, and each such refusal
 * is logged and counted exactly once. Run with the warm route on and off (the two subclasses).
 */
abstract class JwksUrlRotationScenario {

    /** The JWKS URL resource, warm route on (the default). */
    public static class JwksUrl implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(JwksUrlResource.class));
        }
    }

    /** The JWKS URL resource with {@code broker.http.warm-route=false}. */
    public static class JwksUrlWarmRouteOff extends JwksUrl {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("broker.http.warm-route", "false");
        }
    }

    private static final String ROLE = "/v1/credentials/warm-lab";

    @Inject
    VerifiedTokens verified;

    @Inject
    MutableClock clock;

    private static int status(String token, String requestId) {
        return given().header("Authorization", TestKeys.bearer(token)).header("X-Request-Id", requestId)
                .get(ROLE).then().extract().statusCode();
    }

    @Test
    void aNewKidIsAcceptedAfterTheRefetchAndARemovedKidIsRefusedFromThenOnEvenWhenRemembered() {
        JwksUrlResource.Issuer issuer = JwksUrlResource.current();
        String sub = "system:serviceaccount:warm:rotation";
        String byA = issuer.rsaA().sign(sub);
        String byB = issuer.ecB().sign(sub + "-ec");
        for (int i = 0; i < 2; i++) {
            assertThat(status(byA, "rotation-a-" + i)).as("RS256 from the JWKS URL").isEqualTo(200);
        }
        assertThat(status(byB, "rotation-b")).as("ES256 from the JWKS URL").isEqualTo(200);
        assertThat(verified.find(byA)).as("remembered after its verification").isNotNull();

        int fetches = issuer.server().fetches();
        issuer.server().serve(SigningKeys.jwks(List.of(issuer.ecB(), issuer.rsaC())));
        // Until the broker refetches, the set it fetched last is the one it trusts.
        assertThat(status(byA, "rotation-before-refetch")).isEqualTo(200);
        assertThat(issuer.server().fetches()).isEqualTo(fetches);

        // The first token with a kid the broker does not know makes it refetch the set at once.
        assertThat(status(issuer.rsaC().sign(sub + "-c"), "rotation-c")).as("new kid after the refetch").isEqualTo(200);
        assertThat(issuer.server().fetches()).isEqualTo(fetches + 1);
        assertThat(verified.find(byA)).as("dropped once the broker saw its key leave the set").isNull();
        assertThat(verified.find(byB)).as("its key is still in the set").isNotNull();

        double before = RefusalMetrics.count(RefusalReason.UNKNOWN_KEY);
        try (RefusalLog log = new RefusalLog()) {
            clock.advance(Duration.ofMillis(1100)); // a new one-second log window for the reason
            assertThat(status(byA, "rotation-remembered-a")).as("the remembered token of the removed key").isEqualTo(401);
            clock.advance(Duration.ofMillis(1100));
            assertThat(status(issuer.rsaA().sign(sub), "rotation-fresh-a")).as("a fresh token of the removed key").isEqualTo(401);

            assertThat(RefusalMetrics.count(RefusalReason.UNKNOWN_KEY)).as("counted once per refused request").isEqualTo(before + 2);
            assertThat(log.forRequest("rotation-remembered-a")).singleElement().asString()
                    .startsWith("INFO ").contains("reason=unknown-key").contains("client=127.0.0.1");
            assertThat(log.forRequest("rotation-fresh-a")).singleElement().asString().contains("reason=unknown-key");
        }
        assertThat(status(byB, "rotation-b-after")).isEqualTo(200);
        assertThat(issuer.server().fetches()).as("no further fetch for a removed kid within the forced-refresh interval")
                .isEqualTo(fetches + 1);
    }
}
