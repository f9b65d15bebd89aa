package io.stsbroker.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.util.KeyUtils;
import io.stsbroker.testing.TestTokens;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hand-built JWTs for attack tests: any header, any claims, any algorithm, signed with the JCA
 * directly, so nothing a JWT library would refuse to produce is out of reach.
 */
public final class Jwts {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Jwts() {
    }

    public static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String b64(String s) {
        return b64(s.getBytes(StandardCharsets.UTF_8));
    }

    public static String json(Map<String, ?> m) {
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** iss, aud, sub (when not null), iat and exp (an hour), as the broker expects. */
    public static Map<String, Object> claims(String sub) {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("iss", TestTokens.ISSUER);
        c.put("aud", TestTokens.AUDIENCE);
        if (sub != null) {
            c.put("sub", sub);
        }
        c.put("iat", now);
        c.put("exp", now + 3600);
        return c;
    }

    public static Map<String, Object> header(String alg, String kid) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("alg", alg);
        h.put("typ", "JWT");
        if (kid != null) {
            h.put("kid", kid);
        }
        return h;
    }

    /** RS256/RS512 with the given RSA key over exactly these header and claims. */
    public static String rsa(Map<String, ?> header, Map<String, ?> claims, PrivateKey key, String jcaAlgorithm) {
        String input = b64(json(header)) + "." + b64(json(claims));
        try {
            Signature s = Signature.getInstance(jcaAlgorithm);
            s.initSign(key);
            s.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + b64(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String rs256(Map<String, ?> header, Map<String, ?> claims) {
        return rsa(header, claims, rsaPrivate("keys/rsa-private.pem"), "SHA256withRSA");
    }

    /** HMAC-SHA256 with an arbitrary secret: the "public key as HMAC secret" confusion attack. */
    public static String hs256(Map<String, ?> header, Map<String, ?> claims, byte[] secret) {
        String input = b64(json(header)) + "." + b64(json(claims));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return input + "." + b64(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static PrivateKey rsaPrivate(String resource) {
        try {
            return KeyUtils.decodePrivateKey(new String(resource(resource), StandardCharsets.US_ASCII), SignatureAlgorithm.RS256);
        } catch (Exception e) {
            throw new IllegalStateException("test key " + resource + " unreadable", e);
        }
    }

    public static PrivateKey ecPrivate(String resource) {
        try {
            return KeyUtils.decodePrivateKey(new String(resource(resource), StandardCharsets.US_ASCII), SignatureAlgorithm.ES256);
        } catch (Exception e) {
            throw new IllegalStateException("test key " + resource + " unreadable", e);
        }
    }

    public static byte[] resource(String name) {
        try (InputStream in = Jwts.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no test resource " + name);
            }
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
