package io.stsbroker.auth;

import io.quarkus.test.junit.QuarkusTest;
import io.stsbroker.testing.MutableClock;
import io.stsbroker.testing.TestKeys;
import io.stsbroker.testing.TestTokens;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** Verified JWTs are remembered to skip the signature check, never past their own expiry. */
@QuarkusTest
class VerifiedTokensTest {

    @Inject
    VerifiedTokens verified;

    @Inject
    MutableClock clock;

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
    void aRememberedTokenIsRefusedOnceItsExpHasPassed() {
        // SmallRye JWT checks exp against the wall clock, the cache against the broker's clock: the
        // token must be valid for both when it is verified, then only the broker's clock moves.
        Instant later = clock.instant().isAfter(Instant.now()) ? clock.instant() : Instant.now();
        Instant exp = later.plus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.SECONDS);
        String token = TestTokens.rs256("system:serviceaccount:search:short-lived", b -> b.expiresAt(exp));
        given().header("Authorization", TestKeys.bearer(token)).get("/api/v1/status").then().statusCode(200);
        assertThat(verified.find(token)).isNotNull();
        clock.advance(Duration.between(clock.instant(), exp).minusSeconds(1));
        assertThat(verified.find(token)).as("a second before exp").isNotNull();
        clock.advance(Duration.ofSeconds(1));
        // Forgotten at exp: from here on the token goes back to SmallRye JWT, whose verdict (with its
        // configured clock skew, mp.jwt.verify.clock.skew) is the broker's; the cache never extends it.
        assertThat(verified.find(token)).as("at exp").isNull();
    }
}
