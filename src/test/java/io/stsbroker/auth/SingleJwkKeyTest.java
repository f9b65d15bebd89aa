package io.stsbroker.auth;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.stsbroker.testing.TestTokens;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.hamcrest.Matchers.equalTo;

/** {@code mp.jwt.verify.publickey.location} naming a single RSA JWK (not a set), with the shipped algorithm list (RS256,ES256). */
@QuarkusTest
@TestProfile(SingleJwkKeyTest.SingleJwk.class)
class SingleJwkKeyTest {

    public static class SingleJwk implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mp.jwt.verify.publickey.location", "keys/rsa-public.jwk.json");
        }
    }

    @Test
    void rs256TokenVerifiesWithASingleJwk() {
        KeyFormats.status(TestTokens.rs256("system:serviceaccount:keys:singlejwk")).statusCode(200)
                .body("caller", equalTo("system:serviceaccount:keys:singlejwk"));
    }

    @Test
    void es256TokenIsRefusedByASingleRsaJwk() {
        KeyFormats.status(TestTokens.es256("system:serviceaccount:keys:singlejwk")).statusCode(401);
    }
}
