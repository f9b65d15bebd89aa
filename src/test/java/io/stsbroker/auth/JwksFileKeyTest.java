package io.stsbroker.auth;

import io.quarkus.test.junit.QuarkusTest;
import io.stsbroker.testing.TestTokens;
import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.equalTo;

/** The test profile's own {@code mp.jwt.verify.publickey.location}: a JWK set file holding an RSA and an EC key. */
@QuarkusTest
class JwksFileKeyTest {

    @Test
    void bothKeyTypesOfAJwksFileVerifyInOneApplication() {
        KeyFormats.status(TestTokens.rs256("system:serviceaccount:keys:jwks-rsa")).statusCode(200)
                .body("caller", equalTo("system:serviceaccount:keys:jwks-rsa"));
        KeyFormats.status(TestTokens.es256("system:serviceaccount:keys:jwks-ec")).statusCode(200)
                .body("caller", equalTo("system:serviceaccount:keys:jwks-ec"));
    }
}
