package io.stsbroker.auth;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.stsbroker.testing.TestKeys;
import io.stsbroker.testing.TestTokens;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;

/** Who may call: JWTs verified by SmallRye JWT, API keys by digest, everything else 401 with a JSON body. */
@QuarkusTest
class AuthenticationTest {

    private static final String STATUS = "/api/v1/status";

    private static ValidatableResponse unauthorized(String authorization) {
        var req = given();
        if (authorization != null) {
            req = req.header("Authorization", authorization);
        }
        return req.get(STATUS).then()
                .statusCode(401)
                .header("WWW-Authenticate", "Bearer")
                .header("X-Request-Id", notNullValue())
                .contentType("application/json")
                .body("code", equalTo("Unauthorized"))
                .body("requestId", notNullValue());
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void missingTokenIsUnauthorized() {
        unauthorized(null);
    }

    @Test
    void otherSchemeIsUnauthorized() {
        unauthorized("Basic dXNlcjpwYXNz");
    }

    @Test
    void garbageTokenIsUnauthorized() {
        unauthorized("Bearer !!not-a-token!!");
        unauthorized("Bearer a.b.c");
    }

    @Test
    void wrongApiKeyIsUnauthorized() {
        unauthorized(TestKeys.bearer("test-key-reportinG"));
    }

    @Test
    void expiredJwtIsUnauthorized() {
        unauthorized(TestKeys.bearer(TestTokens.rs256("system:serviceaccount:search:indexer",
                b -> b.issuedAt(Instant.now().minusSeconds(7200)).expiresAt(Instant.now().minusSeconds(3600)))));
    }

    @Test
    void wrongIssuerIsUnauthorized() {
        unauthorized(TestKeys.bearer(TestTokens.rs256("system:serviceaccount:search:indexer",
                b -> b.issuer("https://someone-else.example"))));
    }

    @Test
    void wrongAudienceIsUnauthorized() {
        unauthorized(TestKeys.bearer(TestTokens.rs256("system:serviceaccount:search:indexer",
                b -> b.audience("https://kubernetes.default.svc"))));
    }

    @Test
    void tokenSignedByUntrustedKeyIsUnauthorized() {
        unauthorized(TestKeys.bearer(TestTokens.untrusted("system:serviceaccount:search:indexer")));
    }

    @Test
    void unsignedAlgNoneTokenIsUnauthorized() {
        long now = Instant.now().getEpochSecond();
        String header = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        String payload = b64("{\"iss\":\"" + TestTokens.ISSUER + "\",\"aud\":\"sts-broker\",\"sub\":\"system:serviceaccount:search:indexer\",\"iat\":"
                + now + ",\"exp\":" + (now + 3600) + "}");
        unauthorized("Bearer " + header + "." + payload + ".");
        unauthorized("Bearer " + header + "." + payload + ".AAAA");
    }

    @Test
    void jwtWithoutSubIsUnauthorizedEvenWithUpn() {
        unauthorized(TestKeys.bearer(TestTokens.rs256(null, b -> b.upn("someone@example.com"))));
    }

    @Test
    void jwtWhoseSubPretendsToBeAnApiKeyIsUnauthorized() {
        unauthorized(TestKeys.bearer(TestTokens.rs256("apikey:reporting")));
    }

    @Test
    void apiKeyIsAcceptedAsItsNamedIdentity() {
        given().header("Authorization", TestKeys.bearer(TestKeys.REPORTING))
                .get(STATUS).then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("caller", equalTo("apikey:reporting"))
                .body("provider", equalTo("embedded"))
                .body("version", notNullValue());
    }

    @Test
    void bothDigestsOfARotatedKeyMapToTheSameIdentity() {
        for (String key : new String[] {TestKeys.ROTATED_OLD, TestKeys.ROTATED_NEW}) {
            given().header("Authorization", TestKeys.bearer(key)).get(STATUS).then()
                    .statusCode(200).body("caller", equalTo("apikey:rotated"));
        }
    }

    @Test
    void rs256JwtIdentityIsItsSubNotItsUpn() {
        given().header("Authorization", TestKeys.bearer(TestTokens.rs256("system:serviceaccount:search:indexer",
                        b -> b.upn("indexer@example.com"))))
                .get(STATUS).then().statusCode(200)
                .body("caller", equalTo("system:serviceaccount:search:indexer"));
    }

    @Test
    void es256JwtIsAccepted() {
        given().header("Authorization", TestKeys.bearer(TestTokens.es256("system:serviceaccount:search:reader")))
                .get(STATUS).then().statusCode(200)
                .body("caller", equalTo("system:serviceaccount:search:reader"));
    }

    @Test
    void healthMetricsAndSpecArePublic() {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200);
    }

    @Test
    void requestIdIsEchoedWhenSaneAndReplacedWhenNot() {
        given().header("Authorization", TestKeys.bearer(TestKeys.REPORTING)).header("X-Request-Id", "trace-abc.123_x")
                .get(STATUS).then().header("X-Request-Id", "trace-abc.123_x");
        given().header("X-Request-Id", "has spaces <script>")
                .get(STATUS).then().statusCode(401)
                .header("X-Request-Id", matchesPattern("[0-9a-f-]{36}"));
    }
}
