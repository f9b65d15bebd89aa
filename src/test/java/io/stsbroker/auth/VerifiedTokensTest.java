package io.stsbroker.auth;

import io.quarkus.test.junit.QuarkusTest;
import io.stsbroker.testing.TestKeys;
import io.stsbroker.testing.TestTokens;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** Verified JWTs are remembered to skip the signature check, never past their own expiry. */
@QuarkusTest
class VerifiedTokensTest {

    @Inject
    VerifiedTokens verified;

    @Test
    void aVerifiedTokenIsRememberedAndAnsweredAsTheSameCaller() {
        String token = TestTokens.rs256("system:serviceaccount:search:remembered");
        assertThat(verified.find(token)).isNull();
        given().header("Authorization", TestKeys.bearer(token)).get("/api/v1/status").then()
                .statusCode(200).body("caller", equalTo("system:serviceaccount:search:remembered"));
        assertThat(verified.find(token)).isNotNull();
        long hits = verified.hits();
        given().header("Authorization", TestKeys.bearer(token)).get("/api/v1/status").then()
                .statusCode(200).body("caller", equalTo("system:serviceaccount:search:remembered"));
        assertThat(verified.hits()).as("the second request was answered from the cache").isEqualTo(hits + 1);
    }

    @Test
    void aTamperedCopyOfARememberedTokenIsStillRefused() {
        String token = TestTokens.rs256("system:serviceaccount:search:tamper-target");
        given().header("Authorization", TestKeys.bearer(token)).get("/api/v1/status").then().statusCode(200);
        String tampered = token.substring(0, token.length() - 2) + (token.endsWith("A") ? "BB" : "AA");
        given().header("Authorization", TestKeys.bearer(tampered)).get("/api/v1/status").then().statusCode(401);
    }

    @Test
    void aRememberedTokenIsRefusedOnceItsExpHasPassed() throws Exception {
        // JWT expiry is wall-clock time (as SmallRye JWT checks it), so this one test waits briefly.
        Instant exp = Instant.now().plusSeconds(2);
        String token = TestTokens.rs256("system:serviceaccount:search:short-lived", b -> b.expiresAt(exp));
        given().header("Authorization", TestKeys.bearer(token)).get("/api/v1/status").then().statusCode(200);
        assertThat(verified.find(token)).isNotNull();
        while (Instant.now().isBefore(exp.plusMillis(200))) {
            Thread.sleep(100);
        }
        // Forgotten at exp (broker.auth.expiry-skew is 0s): from here on the token goes back to the full
        // verification, which refuses it by the same rule (TokenTimes); the cache never extends it.
        assertThat(verified.find(token)).isNull();
    }
}
