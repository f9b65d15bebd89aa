package io.stsbroker.sts.embedded;

import io.stsbroker.sts.embedded.EmbeddedSecurityToken.Claims;
import io.stsbroker.sts.embedded.EmbeddedSecurityToken.Verdict;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

class EmbeddedSecurityTokenTest {

    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    private static final Instant EXPIRATION = Instant.parse("2026-11-27T13:00:00Z");
    private static final Claims CLAIMS = new Claims("STS.abc123", EXPIRATION,
            "acs:ram::1234567890123456:role/reader", "session-1");

    private final String token = EmbeddedSecurityToken.issue(CLAIMS, KEY, new SecureRandom());

    @Test
    void aFreshTokenIsValidForItsAccessKeyBeforeExpiration() {
        assertThat(EmbeddedSecurityToken.verify(token, "STS.abc123", EXPIRATION.minusSeconds(1), KEY)).isEqualTo(Verdict.VALID);
        assertThat(EmbeddedSecurityToken.read(token, KEY)).contains(CLAIMS);
    }

    @Test
    void aTokenIsExpiredFromItsExpirationSecondOn() {
        assertThat(EmbeddedSecurityToken.verify(token, "STS.abc123", EXPIRATION, KEY)).isEqualTo(Verdict.EXPIRED);
        assertThat(EmbeddedSecurityToken.verify(token, "STS.abc123", EXPIRATION.plusSeconds(3600), KEY)).isEqualTo(Verdict.EXPIRED);
    }

    @Test
    void aTokenSentWithAnotherAccessKeyIsAMismatch() {
        assertThat(EmbeddedSecurityToken.verify(token, "STS.other", EXPIRATION.minusSeconds(1), KEY))
                .isEqualTo(Verdict.MISMATCH_WITH_ACCESS_KEY);
    }

    @Test
    void aTokenSignedWithAnotherKeyIsMalformed() {
        byte[] otherKey = "another-key-another-key-another!!".getBytes(StandardCharsets.UTF_8);
        assertThat(EmbeddedSecurityToken.verify(token, "STS.abc123", EXPIRATION.minusSeconds(1), otherKey))
                .isEqualTo(Verdict.MALFORMED);
    }

    @Test
    void aTamperedPayloadIsMalformed() {
        // Re-encode the payload with a later expiration but keep the original MAC.
        int dot = token.lastIndexOf('.');
        String payload = new String(Base64.getDecoder().decode(token.substring(4, dot)), StandardCharsets.UTF_8);
        String forged = payload.replace(Long.toString(EXPIRATION.getEpochSecond()),
                Long.toString(EXPIRATION.plusSeconds(86_400).getEpochSecond()));
        String tampered = "CAIS" + Base64.getEncoder().encodeToString(forged.getBytes(StandardCharsets.UTF_8))
                + token.substring(dot);
        assertThat(EmbeddedSecurityToken.verify(tampered, "STS.abc123", EXPIRATION.plusSeconds(10), KEY))
                .isEqualTo(Verdict.MALFORMED);
    }

    @Test
    void garbageIsMalformedAndNeverThrows() {
        for (String bad : new String[]{null, "", "CAIS", "CAIS.", "CAISnot-base64!.abc", "XXXX" + token.substring(4),
                token.substring(0, token.length() - 4), token + "x", token.replace('.', '#')}) {
            assertThat(EmbeddedSecurityToken.verify(bad, "STS.abc123", EXPIRATION.minusSeconds(1), KEY))
                    .as("token %s", bad).isEqualTo(Verdict.MALFORMED);
        }
    }

    @Test
    void aTokenLooksLikeARealOne() {
        assertThat(token).startsWith("CAIS");
        assertThat(token.length()).isBetween(900, 1200);
    }
}
