package io.stsbroker.auth;

import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import org.junit.jupiter.api.Test;

import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Which configured key content the broker trusts, with which algorithms, and how it names a key. */
class TrustedKeysTest {

    private static final SigningKeys RSA = SigningKeys.rsa("rsa-1");
    private static final SigningKeys EC = SigningKeys.ec("ec-1");

    private final TokenTimes times = new TokenTimes(Duration.ofSeconds(30), Duration.ofSeconds(90), Clock.systemUTC());
    private final TrustedKeys keys = new TrustedKeys(new VerifiedTokens(FakeRequests.config(), times), times);

    private static PublicKey ecKey(String curve) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(curve));
        return g.generateKeyPair().getPublic();
    }

    private static JWTAuthContextInfo source(String content, SignatureAlgorithm... algorithms) {
        JWTAuthContextInfo info = new JWTAuthContextInfo();
        info.setPublicKeyContent(content);
        info.setSignatureAlgorithm(Set.of(algorithms));
        return info;
    }

    @Test
    void pemPublicKeysOfEitherTypeAreReadAndJwksOrPlainTextAreNot() {
        assertThat(TrustedKeys.pemKey(JwtVerifierTest.pem(RSA.pair().getPublic()))).isEqualTo(RSA.pair().getPublic());
        assertThat(TrustedKeys.pemKey("  " + JwtVerifierTest.pem(EC.pair().getPublic()))).isEqualTo(EC.pair().getPublic());
        assertThat(TrustedKeys.pemKey(SigningKeys.jwks(java.util.List.of(RSA)))).isNull();
        assertThat(TrustedKeys.pemKey("just some text")).isNull();
    }

    @Test
    void unreadablePemBlocksStopStartUpNamingTheProperty() {
        assertThat(catchThrowable(() -> TrustedKeys.pemKey("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")))
                .hasMessageContaining(TrustedKeys.LOCATION).hasMessageContaining("neither an RSA nor an EC");
        assertThat(catchThrowable(() -> TrustedKeys.pemKey("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----")))
                .hasMessageContaining(TrustedKeys.LOCATION).hasMessageContaining("unreadable PEM certificate");
    }

    @Test
    void rsaKeysFitRsAndPsAlgorithmsAndEcKeysOnlyTheirCurvesAlgorithm() throws Exception {
        PublicKey rsa = RSA.pair().getPublic();
        assertThat(TrustedKeys.fits(SignatureAlgorithm.RS256, rsa)).isTrue();
        assertThat(TrustedKeys.fits(SignatureAlgorithm.PS256, rsa)).isTrue();
        assertThat(TrustedKeys.fits(SignatureAlgorithm.ES256, rsa)).isFalse();
        PublicKey p256 = EC.pair().getPublic();
        PublicKey p384 = ecKey("secp384r1");
        PublicKey p521 = ecKey("secp521r1");
        assertThat(TrustedKeys.fits(SignatureAlgorithm.ES256, p256)).isTrue();
        assertThat(TrustedKeys.fits(SignatureAlgorithm.ES384, p256)).isFalse();
        assertThat(TrustedKeys.fits(SignatureAlgorithm.RS256, p256)).isFalse();
        assertThat(TrustedKeys.fits(SignatureAlgorithm.ES384, p384)).isTrue();
        assertThat(TrustedKeys.fits(SignatureAlgorithm.ES256, p384)).isFalse();
        assertThat(TrustedKeys.fits(SignatureAlgorithm.ES512, p521)).isTrue();
        assertThat(TrustedKeys.fits(SignatureAlgorithm.ES384, p521)).isFalse();
        assertThat(TrustedKeys.fits(SignatureAlgorithm.ES256, KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic()))
                .isFalse();
    }

    @Test
    void aPemKeyIsTrustedWithOnlyTheConfiguredAlgorithmsThatFitIt() {
        TrustedKeys.Prepared p = keys.prepare(source(JwtVerifierTest.pem(EC.pair().getPublic()),
                SignatureAlgorithm.ES256, SignatureAlgorithm.RS256));
        assertThat(p.info().getSignatureAlgorithm()).containsExactly(SignatureAlgorithm.ES256);
        assertThat(p.info().getPublicVerificationKey()).isEqualTo(EC.pair().getPublic());
        assertThat(p.resolver()).isNull();
        assertThat(p.info().getClockSkew()).as("the larger skew, for the verifier's outer bound").isEqualTo(90);
    }

    @Test
    void aPemKeyThatNoConfiguredAlgorithmFitsStopsStartUpNamingBoth() {
        assertThat(catchThrowable(() -> keys.prepare(source(JwtVerifierTest.pem(EC.pair().getPublic()),
                SignatureAlgorithm.RS256, SignatureAlgorithm.PS256))))
                .hasMessageContaining(TrustedKeys.ALGORITHM + "=PS256,RS256").hasMessageContaining("EC (256-bit curve)")
                .hasMessageContaining(TrustedKeys.LOCATION);
        assertThat(catchThrowable(() -> keys.prepare(source(JwtVerifierTest.pem(RSA.pair().getPublic()), SignatureAlgorithm.ES256))))
                .hasMessageContaining("RSA key");
    }

    @Test
    void contentThatIsNeitherPemNorJwkStopsStartUp() {
        assertThat(catchThrowable(() -> keys.prepare(source("{\"not\":\"a key\"}", SignatureAlgorithm.RS256))))
                .hasMessageContaining(TrustedKeys.LOCATION).hasMessageContaining("neither a PEM");
    }

    @Test
    void aJwkSetIsResolvedLazilyAndTheSameSourceIsPreparedOnce() {
        JWTAuthContextInfo source = source(SigningKeys.jwks(java.util.List.of(RSA)), SignatureAlgorithm.RS256);
        TrustedKeys.Prepared p = keys.prepare(source);
        assertThat(p.resolver()).isNotNull();
        assertThat(p.source()).isSameAs(source);
        assertThat(keys.prepare(source)).isSameAs(p);
        JWTAuthContextInfo other = source(SigningKeys.jwks(java.util.List.of(RSA)), SignatureAlgorithm.RS256);
        assertThat(keys.prepare(other)).isNotSameAs(p);
        assertThat(keys.prepare(other)).isSameAs(keys.prepare(other));
    }

    @Test
    void fingerprintsAreStableAndDistinctAndAbsentWithoutAnEncodedKey() {
        assertThat(TrustedKeys.fingerprint(RSA.pair().getPublic())).isEqualTo(TrustedKeys.fingerprint(RSA.pair().getPublic()))
                .hasSize(43).isNotEqualTo(TrustedKeys.fingerprint(EC.pair().getPublic()));
        assertThat(TrustedKeys.fingerprint(null)).isNull();
    }
}
