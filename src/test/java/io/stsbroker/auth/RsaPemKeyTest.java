package io.stsbroker.auth;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.stsbroker.testing.TestTokens;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.hamcrest.Matchers.equalTo;

/** {@code mp.jwt.verify.publickey.location} naming an RSA public key in PEM, with the shipped algorithm list (RS256,ES256). */
@QuarkusTest
@TestProfile(RsaPemKeyTest.RsaPem.class)
class RsaPemKeyTest {

    public static class RsaPem implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mp.jwt.verify.publickey.location", "keys/rsa-public.pem");
        }
    }

    @Test
    void rs256TokenVerifiesWithAnRsaPemKey() {
        KeyFormats.status(TestTokens.rs256("system:serviceaccount:keys:rsapem")).statusCode(200)
                .body("caller", equalTo("system:serviceaccount:keys:rsapem"));
    }

    @Test
    void es256TokenIsRefusedByAnRsaPemKey() {
        KeyFormats.status(TestTokens.es256("system:serviceaccount:keys:rsapem")).statusCode(401);
    }
}
