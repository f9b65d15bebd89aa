package io.stsbroker.auth;

import io.quarkus.test.junit.QuarkusTest;
import io.stsbroker.testing.TestTokens;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code exp} is enforced without skew by default ({@code broker.auth.expiry-skew=0s}); {@code nbf} and
 * {@code iat} may lie up to {@code broker.auth.issued-at-skew} (60s) ahead. SmallRye checks these on
 * the wall clock, so the tokens are set relative to now with margins no slow machine can cross: an
 * expired token is refused from its {@code exp} on, so "5 s ago" stays expired.
 */
@QuarkusTest
class JwtTimesTest {

    private static final String SUB = "system:serviceaccount:times:caller";

    @Test
    void expiredTokenIsRefusedWithoutSkew() {
        double before = RefusalMetrics.count(RefusalReason.EXPIRED);
        KeyFormats.status(TestTokens.rs256(SUB, b -> b.issuedAt(Instant.now().minusSeconds(600))
                .expiresAt(Instant.now().minusSeconds(5)))).statusCode(401);
        assertThat(RefusalMetrics.count(RefusalReason.EXPIRED)).isEqualTo(before + 1);
    }

    @Test
    void notBeforeWithinTheIssuedAtSkewIsAccepted() {
        KeyFormats.status(TestTokens.rs256(SUB, b -> b.claim("nbf", Instant.now().plusSeconds(20).getEpochSecond())))
                .statusCode(200);
    }

    @Test
    void issuedAtWithinTheIssuedAtSkewIsAccepted() {
        KeyFormats.status(TestTokens.rs256(SUB, b -> b.issuedAt(Instant.now().plusSeconds(20)))).statusCode(200);
    }

    @Test
    void notBeforeBeyondTheIssuedAtSkewIsRefused() {
        double before = RefusalMetrics.count(RefusalReason.NOT_YET_VALID);
        KeyFormats.status(TestTokens.rs256(SUB, b -> b.claim("nbf", Instant.now().plusSeconds(300).getEpochSecond())))
                .statusCode(401);
        assertThat(RefusalMetrics.count(RefusalReason.NOT_YET_VALID)).isEqualTo(before + 1);
    }

    @Test
    void issuedAtBeyondTheIssuedAtSkewIsRefused() {
        double before = RefusalMetrics.count(RefusalReason.NOT_YET_VALID);
        KeyFormats.status(TestTokens.rs256(SUB, b -> b.issuedAt(Instant.now().plusSeconds(300)))).statusCode(401);
        assertThat(RefusalMetrics.count(RefusalReason.NOT_YET_VALID)).isEqualTo(before + 1);
    }
}
