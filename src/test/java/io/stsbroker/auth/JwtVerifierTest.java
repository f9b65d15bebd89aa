package io.stsbroker.auth;

import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipal;
import io.smallrye.jwt.auth.principal.ParseException;
import io.stsbroker.testing.TestTokens;
import org.junit.jupiter.api.Test;

import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Verifying real signed JWTs without Quarkus: the key the broker trusts, and the reason each refusal is given. */
class JwtVerifierTest {

    private static final SigningKeys RSA = SigningKeys.rsa("rsa-1");
    private static final SigningKeys OTHER_RSA = SigningKeys.rsa("rsa-2");
    private static final SigningKeys EC = SigningKeys.ec("ec-1");

    private final TokenTimes times = new TokenTimes(Duration.ZERO, Duration.ofSeconds(60), Clock.systemUTC());
    private final VerifiedTokens verified = new VerifiedTokens(FakeRequests.config(), times);
    private final TrustedKeys keys = new TrustedKeys(verified, times);
    private final JwtVerifier verifier = new JwtVerifier(keys, times);

    static String pem(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    private static JWTAuthContextInfo trusting(String keyContent, SignatureAlgorithm... algorithms) {
        JWTAuthContextInfo info = new JWTAuthContextInfo();
        info.setPublicKeyContent(keyContent);
        info.setIssuedBy(TestTokens.ISSUER);
        info.setExpectedAudience(Set.of(TestTokens.AUDIENCE));
        if (algorithms.length > 0) {
            info.setSignatureAlgorithm(Set.of(algorithms));
        }
        return info;
    }

    private RefusalReason refusalOf(String token, JWTAuthContextInfo info) {
        Throwable t = catchThrowable(() -> verifier.parse(token, info));
        assertThat(t).isInstanceOf(ParseException.class);
        assertThat(t.getMessage()).doesNotContain(token);
        return Refusals.in(t);
    }

    @Test
    void aTokenSignedByTheTrustedKeyVerifiesAndNamesThatKey() throws Exception {
        JWTCallerPrincipal p = verifier.parse(RSA.sign("alice"), trusting(pem(RSA.pair().getPublic())));
        assertThat(p.getSubject()).isEqualTo("alice");
        assertThat(((VerifiedJwt) p).keyFingerprint()).isEqualTo(TrustedKeys.fingerprint(RSA.pair().getPublic()))
                .isNotEqualTo(TrustedKeys.fingerprint(OTHER_RSA.pair().getPublic()));
    }

    @Test
    void anEcKeyVerifiesItsOwnTokensFromAJwkSet() throws Exception {
        JWTCallerPrincipal p = verifier.parse(EC.sign("bob"), trusting(SigningKeys.jwks(java.util.List.of(EC)),
                SignatureAlgorithm.ES256));
        assertThat(p.getSubject()).isEqualTo("bob");
        assertThat(((VerifiedJwt) p).keyFingerprint()).isEqualTo(TrustedKeys.fingerprint(EC.pair().getPublic()));
    }

    @Test
    void eachRefusalCarriesItsReason() {
        JWTAuthContextInfo info = trusting(pem(RSA.pair().getPublic()));
        assertThat(refusalOf(OTHER_RSA.sign("alice"), info)).isEqualTo(RefusalReason.BAD_SIGNATURE);
        assertThat(refusalOf(RSA.sign("alice", b -> b.issuer("https://elsewhere")), info)).isEqualTo(RefusalReason.WRONG_ISSUER);
        assertThat(refusalOf(RSA.sign("alice", b -> b.audience("someone-else")), info)).isEqualTo(RefusalReason.WRONG_AUDIENCE);
        assertThat(refusalOf(RSA.sign("alice", b -> b.expiresAt(Instant.now().minusSeconds(120))), info))
                .isEqualTo(RefusalReason.EXPIRED);
        assertThat(refusalOf(RSA.sign("alice", b -> b.claim("nbf", Instant.now().plusSeconds(3000).getEpochSecond())), info))
                .isEqualTo(RefusalReason.NOT_YET_VALID);
        assertThat(refusalOf("not.a.jwt", info)).isEqualTo(RefusalReason.MALFORMED);
        // A JWK set without the token's kid.
        assertThat(refusalOf(RSA.sign("alice"), trusting(SigningKeys.jwks(java.util.List.of(OTHER_RSA)))))
                .isEqualTo(RefusalReason.UNKNOWN_KEY);
    }

    @Test
    void theBrokersTimeRuleDecidesWithinTheVerifiersOuterSkew() {
        // Expired by a few seconds: within jose4j's 60 s skew, but refused by TokenTimes (expiry skew 0).
        JWTAuthContextInfo info = trusting(pem(RSA.pair().getPublic()));
        assertThat(refusalOf(RSA.sign("alice", b -> b.issuedAt(Instant.now().minusSeconds(100)).expiresAt(Instant.now().minusSeconds(5))), info))
                .isEqualTo(RefusalReason.EXPIRED);
        assertThat(refusalOf(RSA.sign("alice", b -> b.issuedAt(Instant.now().plusSeconds(70))), info))
                .isEqualTo(RefusalReason.NOT_YET_VALID);
    }

    @Test
    void reasonsAreFoundSixteenCausesDeepAndAnythingElseIsMalformed() {
        Throwable unknownKey = new org.jose4j.lang.UnresolvableKeyException("no key");
        Throwable t = unknownKey;
        for (int i = 0; i < 15; i++) {
            t = new RuntimeException(t);
        }
        assertThat(JwtVerifier.reasonOf(t)).isEqualTo(RefusalReason.UNKNOWN_KEY);
        assertThat(JwtVerifier.reasonOf(new RuntimeException(t))).isEqualTo(RefusalReason.MALFORMED);
        assertThat(JwtVerifier.reasonOf(new org.jose4j.jwt.consumer.InvalidJwtException("x", java.util.List.of(), null)))
                .isEqualTo(RefusalReason.MALFORMED);
        assertThat(JwtVerifier.reasonOf(new org.jose4j.lang.InvalidAlgorithmException("alg")))
                .isEqualTo(RefusalReason.BAD_SIGNATURE);
        assertThat(JwtVerifier.reasonOf(null)).isEqualTo(RefusalReason.MALFORMED);
    }

    @Test
    void eachJose4jErrorCodeMapsToItsReason() {
        int[][] codes = {
            {org.jose4j.jwt.consumer.ErrorCodes.SIGNATURE_INVALID}, {org.jose4j.jwt.consumer.ErrorCodes.SIGNATURE_MISSING},
            {org.jose4j.jwt.consumer.ErrorCodes.ISSUER_INVALID}, {org.jose4j.jwt.consumer.ErrorCodes.ISSUER_MISSING},
            {org.jose4j.jwt.consumer.ErrorCodes.AUDIENCE_INVALID}, {org.jose4j.jwt.consumer.ErrorCodes.AUDIENCE_MISSING},
            {org.jose4j.jwt.consumer.ErrorCodes.EXPIRED}, {org.jose4j.jwt.consumer.ErrorCodes.EXPIRATION_MISSING},
            {org.jose4j.jwt.consumer.ErrorCodes.NOT_YET_VALID}, {org.jose4j.jwt.consumer.ErrorCodes.ISSUED_AT_INVALID_FUTURE},
        };
        RefusalReason[] expected = {RefusalReason.BAD_SIGNATURE, RefusalReason.BAD_SIGNATURE, RefusalReason.WRONG_ISSUER,
            RefusalReason.WRONG_ISSUER, RefusalReason.WRONG_AUDIENCE, RefusalReason.WRONG_AUDIENCE, RefusalReason.EXPIRED,
            RefusalReason.EXPIRED, RefusalReason.NOT_YET_VALID, RefusalReason.NOT_YET_VALID};
        for (int i = 0; i < codes.length; i++) {
            var e = new org.jose4j.jwt.consumer.InvalidJwtException("x",
                    java.util.List.of(new org.jose4j.jwt.consumer.ErrorCodeValidator.Error(codes[i][0], "d")), null);
            assertThat(JwtVerifier.reasonOf(e)).as("code %d", codes[i][0]).isEqualTo(expected[i]);
        }
    }
}
