package io.stsbroker.auth;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.stsbroker.testing.TestTokens;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.hamcrest.Matchers.equalTo;

/** {@code mp.jwt.verify.publickey.location} naming an EC P-256 public key in PEM, with the shipped algorithm list (RS256,ES256). */
@QuarkusTest
@TestProfile(EcPemKeyTest.EcPem.class)
class EcPemKeyTest {

    public static class EcPem implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mp.jwt.verify.publickey.location", "keys/ec-public.pem");
        }
    }

    @Test
    void es256TokenVerifiesWithAnEcPemKey() {
        KeyFormats.status(TestTokens.es256("system:serviceaccount:keys:ecpem")).statusCode(200)
                .body("caller", equalTo("system:serviceaccount:keys:ecpem"));
    }

    @Test
    void rs256TokenIsRefusedByAnEcPemKey() {
        KeyFormats.status(TestTokens.rs256("system:serviceaccount:keys:ecpem")).statusCode(401);
    }
}
