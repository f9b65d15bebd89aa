package io.stsbroker.auth;

import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipal;
import org.jose4j.jwt.JwtClaims;

/** A JWT the broker verified, with the fingerprint of the key that verified it (see {@link VerifiedTokens}). */
final class VerifiedJwt extends DefaultJWTCallerPrincipal {

    private final transient String keyFingerprint;

    VerifiedJwt(String tokenType, JwtClaims claims, String keyFingerprint) {
        super(tokenType, claims);
        this.keyFingerprint = keyFingerprint;
    }

    String keyFingerprint() {
        return keyFingerprint;
    }
}
