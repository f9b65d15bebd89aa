package io.stsbroker.auth;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.stsbroker.testing.Jwts;
import io.stsbroker.testing.TestTokens;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

/**
 * Every well-known way to forge, stretch or confuse a bearer token ends in 401 with the JSON error
 * body and {@code WWW-Authenticate: Bearer}: never a 500, never the caller's identity. Each attack
 * starts from a token that is accepted as is (the controls at the top), so a 401 is caused by the
 * attack and nothing else.
 */
@QuarkusTest
class JwtAttackTest {

    private static final String STATUS = "/api/v1/status";
    private static final String SUB = "system:serviceaccount:search:jwt-attack";

    @TestHTTPResource("/")
    URL base;

    private static Response call(String authorization) {
        return given().header("Authorization", authorization).get(STATUS);
    }

    /** 401, JSON error body, challenge, request id; the body never echoes the token. */
    private static void rejected(String token) {
        Response r = call("Bearer " + token);
        assertThat(r.statusCode()).as("status for %s", abbreviate(token)).isEqualTo(401);
        r.then().contentType("application/json")
                .header("WWW-Authenticate", "Bearer")
                .body("code", equalTo("Unauthorized"))
                .body("message", equalTo("Missing, malformed, expired or unverifiable bearer token."))
                .body("requestId", matchesPattern("[A-Za-z0-9._-]{1,128}"));
        assertThat(r.asString()).doesNotContain(token.length() > 16 ? token.substring(0, 16) : token);
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...(" + s.length() + " chars)";
    }

    private static String[] parts(String jwt) {
        return jwt.split("\\.");
    }

    @Test
    void controlsTheUntamperedTokensAreAccepted() {
        call("Bearer " + TestTokens.rs256(SUB)).then().statusCode(200).body("caller", equalTo(SUB));
        call("Bearer " + Jwts.rs256(Jwts.header("RS256", "test-rsa"), Jwts.claims(SUB))).then().statusCode(200)
                .body("caller", equalTo(SUB));
        // A large but legal token (about 6 KB) passes: the size limit below is what refuses the big one.
        String big = TestTokens.rs256(SUB, b -> b.claim("pad", "p".repeat(4300)));
        assertThat(big.length()).isBetween(6000, 8192);
        call("Bearer " + big).then().statusCode(200).body("caller", equalTo(SUB));
    }

    @Test
    void algNoneIsRejected() {
        String header = Jwts.b64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        String payload = Jwts.b64(Jwts.json(Jwts.claims(SUB)));
        rejected(header + "." + payload + ".");
        rejected(header + "." + payload + ".AAAA");
        rejected(Jwts.b64("{\"alg\":\"NONE\"}") + "." + payload + "." + Jwts.b64("x"));
        // The valid token's own signature under an alg:none header.
        rejected(header + "." + payload + "." + parts(TestTokens.rs256(SUB))[2]);
    }

    @Test
    void hs256SignedWithThePublicKeyAsSecretIsRejected() {
        byte[] pem = Jwts.resource("keys/rsa-public.pem");
        byte[] der = Base64.getMimeDecoder().decode(new String(pem, StandardCharsets.US_ASCII)
                .replaceAll("-----[A-Z ]+-----", ""));
        byte[] jwks = Jwts.resource("keys/jwks.json");
        for (byte[] secret : List.of(pem, der, jwks)) {
            rejected(Jwts.hs256(Jwts.header("HS256", "test-rsa"), Jwts.claims(SUB), secret));
            rejected(Jwts.hs256(Jwts.header("HS256", null), Jwts.claims(SUB), secret));
        }
    }

    @Test
    void expiredTokenIsRejected() {
        long now = Instant.now().getEpochSecond();
        var claims = Jwts.claims(SUB);
        claims.put("iat", now - 7200);
        claims.put("exp", now - 3600);
        rejected(Jwts.rs256(Jwts.header("RS256", "test-rsa"), claims));
        claims.put("exp", 0);
        rejected(Jwts.rs256(Jwts.header("RS256", "test-rsa"), claims));
    }

    @Test
    void tokenWithoutExpiryIsRejected() {
        var claims = Jwts.claims(SUB);
        claims.remove("exp");
        rejected(Jwts.rs256(Jwts.header("RS256", "test-rsa"), claims));
    }

    @Test
    void notBeforeInTheFutureIsRejected() {
        var claims = Jwts.claims(SUB);
        claims.put("nbf", Instant.now().plus(Duration.ofHours(1)).getEpochSecond());
        rejected(Jwts.rs256(Jwts.header("RS256", "test-rsa"), claims));
    }

    @Test
    void wrongIssuerOrAudienceIsRejected() {
        for (Map.Entry<String, Object> bad : Map.<String, Object>of(
                "iss", "https://someone-else.example",
                "aud", "https://kubernetes.default.svc").entrySet()) {
            var claims = Jwts.claims(SUB);
            claims.put(bad.getKey(), bad.getValue());
            rejected(Jwts.rs256(Jwts.header("RS256", "test-rsa"), claims));
        }
        var noIssuer = Jwts.claims(SUB);
        noIssuer.remove("iss");
        rejected(Jwts.rs256(Jwts.header("RS256", "test-rsa"), noIssuer));
        var noAudience = Jwts.claims(SUB);
        noAudience.remove("aud");
        rejected(Jwts.rs256(Jwts.header("RS256", "test-rsa"), noAudience));
    }

    @Test
    void missingOrUnusableSubIsRejected() {
        rejected(Jwts.rs256(Jwts.header("RS256", "test-rsa"), Jwts.claims(null)));
        for (Object sub : new Object[] {"", "   ", "apikey:reporting", "x".repeat(513), 42, List.of(SUB)}) {
            var claims = Jwts.claims(null);
            claims.put("sub", sub);
            rejected(Jwts.rs256(Jwts.header("RS256", "test-rsa"), claims));
        }
    }

    @Test
    void tamperedPayloadIsRejected() {
        String[] p = parts(TestTokens.rs256(SUB));
        String forged = Jwts.b64(Jwts.json(Jwts.claims("system:serviceaccount:search:indexer")));
        rejected(p[0] + "." + forged + "." + p[2]);
        // One character changed in place.
        char[] payload = p[1].toCharArray();
        payload[payload.length / 2] = payload[payload.length / 2] == 'A' ? 'B' : 'A';
        rejected(p[0] + "." + new String(payload) + "." + p[2]);
    }

    @Test
    void tamperedSignatureIsRejected() {
        String[] p = parts(TestTokens.rs256(SUB));
        byte[] sig = Base64.getUrlDecoder().decode(p[2]);
        sig[sig.length / 2] ^= 0x01;
        rejected(p[0] + "." + p[1] + "." + Jwts.b64(sig));
        rejected(p[0] + "." + p[1] + "." + Jwts.b64(new byte[0]).concat("A"));
        rejected(p[0] + "." + p[1] + "." + p[2].substring(0, p[2].length() - 4));
        // A valid token's signature on another valid token's content.
        String[] other = parts(TestTokens.rs256("system:serviceaccount:search:other"));
        rejected(other[0] + "." + other[1] + "." + p[2]);
    }

    @Test
    void tokenSignedByAnUntrustedKeyIsRejectedEvenWithItsKeyEmbedded() throws Exception {
        PrivateKey attacker = Jwts.rsaPrivate("keys/other-rsa-private.pem");
        RSAPrivateCrtKey crt = (RSAPrivateCrtKey) attacker;
        var pub = (java.security.interfaces.RSAPublicKey) KeyFactory.getInstance("RSA")
                .generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
        Map<String, Object> jwk = Map.of("kty", "RSA", "kid", "test-rsa",
                "n", Jwts.b64(unsigned(pub.getModulus())), "e", Jwts.b64(unsigned(pub.getPublicExponent())));
        var header = Jwts.header("RS256", "test-rsa");
        header.put("jwk", jwk);
        rejected(Jwts.rsa(header, Jwts.claims(SUB), attacker, "SHA256withRSA"));
        var jku = Jwts.header("RS256", "attacker");
        jku.put("jku", "http://127.0.0.1:1/jwks.json");
        jku.put("x5u", "http://127.0.0.1:1/cert.pem");
        rejected(Jwts.rsa(jku, Jwts.claims(SUB), attacker, "SHA256withRSA"));
    }

    @Test
    void algorithmOutsideTheAllowedListIsRejectedWithTheTrustedKey() {
        // RS512 with the trusted key: a valid signature, but mp.jwt.verify.publickey.algorithm says RS256,ES256.
        rejected(Jwts.rsa(Jwts.header("RS512", "test-rsa"), Jwts.claims(SUB), Jwts.rsaPrivate("keys/rsa-private.pem"),
                "SHA512withRSA"));
        rejected(Jwts.rsa(Jwts.header("PS256", "test-rsa"), Jwts.claims(SUB), Jwts.rsaPrivate("keys/rsa-private.pem"),
                "SHA256withRSA"));
    }

    @Test
    void keyIdPointingAtAnotherKeyTypeIsRejected() {
        // Signed by the trusted EC key, but naming the RSA key.
        String ecAsRsa = Jwt.claims(Jwts.claims(SUB)).jws().keyId("test-rsa").algorithm(SignatureAlgorithm.ES256)
                .sign(Jwts.ecPrivate("keys/ec-private.pem"));
        rejected(ecAsRsa);
        var wrongKid = Jwts.header("RS256", "no-such-key");
        rejected(Jwts.rs256(wrongKid, Jwts.claims(SUB)));
    }

    @Test
    void unknownCriticalHeaderIsRejected() {
        var header = Jwts.header("RS256", "test-rsa");
        header.put("crit", List.of("x-must-understand"));
        header.put("x-must-understand", true);
        rejected(Jwts.rs256(header, Jwts.claims(SUB)));
    }

    @Test
    void tokenOverTheSizeLimitIsRejectedBeforeVerifying() {
        // Validly signed, accepted apart from its size (compare the ~6 KB control above).
        String huge = TestTokens.rs256(SUB, b -> b.claim("pad", "p".repeat(7000)));
        assertThat(huge.length()).isBetween(8193, 15000);
        rejected(huge);
        rejected("A".repeat(8193));
        rejected("a.".repeat(3000) + "b");
    }

    @Test
    void nonBase64GarbageIsRejected() {
        for (String garbage : List.of("eyJ!!.@@@.###", "a$b.c%d.e^f", "====.====.====", "eyJhbGciOiJSUzI1NiJ9.e30.",
                "e30.e30.e30", "bnVsbA.bnVsbA.bnVsbA", Jwts.b64("[1,2]") + "." + Jwts.b64("\"str\"") + ".sig",
                Jwts.b64("{\"alg\":\"RS256\"") + "." + Jwts.b64("{") + ".AAAA", "é.é.é", "\u00ff\u00fe.x.y")) {
            rejected(garbage);
        }
    }

    @Test
    void apiKeyShapedLikeAJwtGoesToJwtVerificationAndIsRejected() {
        // "test.key.dotted" is a configured API key (broker.api-keys.dotted), but three dot-separated
        // segments make it JWT-shaped: API keys must not contain dots (see README).
        rejected("test.key.dotted");
    }

    @Test
    void jwtPresentedInTheApiKeyPathIsRejected() {
        String jwt = TestTokens.rs256(SUB);
        rejected(jwt + ".");                          // four segments: not a JWS, so an API key
        rejected(jwt + "." + parts(jwt)[2]);          // JWE-like five segments
        rejected(jwt.replace('.', '_'));              // no dots
        rejected("." + jwt);                          // empty first segment
        // An API key presented with the JWT's shape is the case above; a JWT sent in another scheme:
        assertThat(call("Token " + jwt).statusCode()).isEqualTo(401);
        assertThat(call("Basic " + jwt).statusCode()).isEqualTo(401);
        assertThat(call(jwt).statusCode()).isEqualTo(401);
    }

    @Test
    void twoAuthorizationHeadersAreRejectedWhateverTheirOrder() {
        String good = "Bearer " + TestTokens.rs256(SUB);
        String bad = "Bearer not-a-key";
        for (String[] pair : new String[][] {{good, bad}, {bad, good}, {good, good}}) {
            given().header("Authorization", pair[0]).header("Authorization", pair[1]).get(STATUS)
                    .then().statusCode(401).body("code", equalTo("Unauthorized"));
        }
    }

    private static byte[] unsigned(BigInteger i) {
        byte[] b = i.toByteArray();
        return b[0] == 0 ? java.util.Arrays.copyOfRange(b, 1, b.length) : b;
    }
}
