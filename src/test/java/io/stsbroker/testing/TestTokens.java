package io.stsbroker.testing;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import io.smallrye.jwt.util.KeyUtils;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.function.Consumer;

/** Signs real JWTs with the test keys whose public halves the broker trusts (keys/jwks.json). */
public final class TestTokens {

    public static final String ISSUER = "https://issuer.test.stsbroker.io";
    public static final String AUDIENCE = "sts-broker";

    private TestTokens() {
    }

    /**
     * How long a token is valid. SmallRye JWT checks {@code exp} against the wall clock, the
     * broker's verified-token cache against the application's {@link io.stsbroker.testsupport.MutableClock}, which earlier
     * test classes move ahead by up to a few hours: a day keeps a fresh token valid for both
     * whatever ran before.
     */
    public static final java.time.Duration VALIDITY = java.time.Duration.ofDays(1);

    /** An RS256 token for {@code sub}, valid for {@link #VALIDITY}. */
    public static String rs256(String sub) {
        return sign(sub, b -> { }, "keys/rsa-private.pem", "test-rsa", false);
    }

    /** An ES256 token for {@code sub}, valid for {@link #VALIDITY}. */
    public static String es256(String sub) {
        return sign(sub, b -> { }, "keys/ec-private.pem", "test-ec", true);
    }

    /** An RS256 token whose claims the caller adjusts (issuer, audience, expiry...). */
    public static String rs256(String sub, Consumer<JwtClaimsBuilder> claims) {
        return sign(sub, claims, "keys/rsa-private.pem", "test-rsa", false);
    }

    /** An RS256 token signed by a key the broker does not trust. */
    public static String untrusted(String sub) {
        return sign(sub, b -> { }, "keys/other-rsa-private.pem", "test-rsa", false);
    }

    private static String sign(String sub, Consumer<JwtClaimsBuilder> adjust, String keyFile, String kid, boolean ec) {
        JwtClaimsBuilder b = Jwt.claims().issuer(ISSUER).audience(AUDIENCE)
                .issuedAt(Instant.now()).expiresAt(Instant.now().plus(VALIDITY));
        if (sub != null) {
            b.subject(sub);
        }
        adjust.accept(b);
        PrivateKey key = privateKey(keyFile, ec);
        return ec ? b.jws().keyId(kid).algorithm(io.smallrye.jwt.algorithm.SignatureAlgorithm.ES256).sign(key)
                : b.jws().keyId(kid).sign(key);
    }

    private static PrivateKey privateKey(String resource, boolean ec) {
        try (InputStream in = TestTokens.class.getClassLoader().getResourceAsStream(resource)) {
            String pem = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            return KeyUtils.decodePrivateKey(pem, ec ? io.smallrye.jwt.algorithm.SignatureAlgorithm.ES256
                    : io.smallrye.jwt.algorithm.SignatureAlgorithm.RS256);
        } catch (Exception e) {
            throw new IllegalStateException("test key " + resource + " unreadable", e);
        }
    }
}
