package io.stsbroker.auth;

import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import io.stsbroker.testing.TestTokens;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/** A signing key made at test time (RSA 2048 or EC P-256) with its {@code kid}, and real JWTs signed by it. */
record SigningKeys(String kid, KeyPair pair, boolean ec) {

    static SigningKeys rsa(String kid) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return new SigningKeys(kid, g.generateKeyPair(), false);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static SigningKeys ec(String kid) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return new SigningKeys(kid, g.generateKeyPair(), true);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public half as a JWK with {@code kid}, {@code use} and {@code alg}. */
    String publicJwk() {
        PublicJsonWebKey jwk = ec ? new EllipticCurveJsonWebKey((ECPublicKey) pair.getPublic())
                : new RsaJsonWebKey((RSAPublicKey) pair.getPublic());
        jwk.setKeyId(kid);
        jwk.setUse("sig");
        jwk.setAlgorithm(ec ? "ES256" : "RS256");
        return jwk.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }

    static String jwks(List<SigningKeys> keys) {
        return keys.stream().map(SigningKeys::publicJwk).collect(Collectors.joining(",", "{\"keys\":[", "]}"));
    }

    /** A token for {@code sub} from the test issuer for the test audience, valid for an hour. */
    String sign(String sub) {
        return sign(sub, b -> { });
    }

    String sign(String sub, Consumer<JwtClaimsBuilder> adjust) {
        JwtClaimsBuilder b = Jwt.claims().issuer(TestTokens.ISSUER).audience(TestTokens.AUDIENCE).subject(sub)
                .issuedAt(Instant.now()).expiresAt(Instant.now().plusSeconds(3600));
        adjust.accept(b);
        return b.jws().keyId(kid).algorithm(ec ? SignatureAlgorithm.ES256 : SignatureAlgorithm.RS256).sign(pair.getPrivate());
    }
}
