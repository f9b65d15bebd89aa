package io.stsbroker.sts.embedded;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;

/**
 * The embedded STS's self-verifying SecurityToken: anyone holding the token key can tell, without
 * asking the STS, whether a token is genuine, unexpired and bound to the AccessKeyId it is sent with.
 * This is what lets a test double of a downstream API (OpenSearch) check credentials statelessly.
 *
 * <pre>
 * token   = "CAIS" + Base64(payload) + "." + Base64(HMAC-SHA256(tokenKey, payload))
 * payload = UTF-8 of "v1\n" accessKeyId "\n" expirationEpochSeconds "\n" roleArn "\n" roleSessionName "\n" padding
 * </pre>
 * Standard Base64 (with {@code + / =}) on purpose: real tokens carry those characters too, so a
 * client that forgets to percent-encode the token fails here as it would in production. The random
 * padding makes a token about 1 KB long, like a real one.
 */
public final class EmbeddedSecurityToken {

    /** The outcome of {@link #verify}. */
    public enum Verdict {
        /** Genuine, bound to the given AccessKeyId, and not expired. */
        VALID,
        /** Genuine and bound to the key, but at or after its expiration. */
        EXPIRED,
        /** Genuine, but issued together with another AccessKeyId. */
        MISMATCH_WITH_ACCESS_KEY,
        /** Not a token of this key: wrong shape, tampered, or signed with another key. */
        MALFORMED
    }

    /**
     * What a genuine token says.
     *
     * @param accessKeyId     the temporary AccessKeyId issued with the token
     * @param expiration      when it stops being valid, whole seconds
     * @param roleArn         the role assumed
     * @param roleSessionName the session name asked for
     */
    public record Claims(String accessKeyId, Instant expiration, String roleArn, String roleSessionName) {
        public Claims {
            for (String field : new String[]{accessKeyId, roleArn, roleSessionName}) {
                if (field == null || field.isEmpty() || field.indexOf('\n') >= 0) {
                    throw new IllegalArgumentException("token claims must be non-empty single-line values");
                }
            }
            Objects.requireNonNull(expiration, "expiration");
        }
    }

    static final String PREFIX = "CAIS";
    private static final String VERSION = "v1";
    /** Payload bytes before padding is added; about 1 KB of token once Base64 and the MAC are added. */
    private static final int PADDED_PAYLOAD_BYTES = 720;

    private EmbeddedSecurityToken() {
    }

    /** Issues a token for {@code claims}, signed with {@code key}; {@code random} supplies the padding. */
    public static String issue(Claims claims, byte[] key, Random random) {
        String fields = VERSION + "\n" + claims.accessKeyId() + "\n" + claims.expiration().getEpochSecond() + "\n"
                + claims.roleArn() + "\n" + claims.roleSessionName() + "\n";
        int paddingBytes = Math.max(16, (PADDED_PAYLOAD_BYTES - fields.length()) * 3 / 4);
        byte[] padding = new byte[paddingBytes];
        random.nextBytes(padding);
        byte[] payload = (fields + Base64.getEncoder().withoutPadding().encodeToString(padding))
                .getBytes(StandardCharsets.UTF_8);
        return PREFIX + Base64.getEncoder().encodeToString(payload) + "." + Base64.getEncoder().encodeToString(mac(key, payload));
    }

    /**
     * Checks {@code token} as sent together with {@code accessKeyId} at time {@code now}. The MAC is
     * checked first (so nothing of a forged token is trusted), then the key binding, then expiry.
     */
    public static Verdict verify(String token, String accessKeyId, Instant now, byte[] key) {
        Optional<Claims> claims = read(token, key);
        if (claims.isEmpty()) {
            return Verdict.MALFORMED;
        }
        if (!claims.get().accessKeyId().equals(accessKeyId)) {
            return Verdict.MISMATCH_WITH_ACCESS_KEY;
        }
        return now.isBefore(claims.get().expiration()) ? Verdict.VALID : Verdict.EXPIRED;
    }

    /** The claims of a genuine token (MAC checked in constant time), or empty for anything else. Expiry is not checked. */
    public static Optional<Claims> read(String token, byte[] key) {
        if (token == null || key == null || !token.startsWith(PREFIX)) {
            return Optional.empty();
        }
        int dot = token.lastIndexOf('.');
        if (dot <= PREFIX.length()) {
            return Optional.empty();
        }
        byte[] payload;
        byte[] givenMac;
        try {
            payload = Base64.getDecoder().decode(token.substring(PREFIX.length(), dot));
            givenMac = Base64.getDecoder().decode(token.substring(dot + 1));
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual(mac(key, payload), givenMac)) {
            return Optional.empty();
        }
        String[] fields = new String(payload, StandardCharsets.UTF_8).split("\n", -1);
        if (fields.length != 6 || !VERSION.equals(fields[0])) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Claims(fields[1], Instant.ofEpochSecond(Long.parseLong(fields[2])), fields[3], fields[4]));
        } catch (RuntimeException badField) {
            return Optional.empty();
        }
    }

    private static byte[] mac(byte[] key, byte[] payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(payload);
        } catch (GeneralSecurityException e) {
            // HmacSHA256 is mandatory on every Java platform; an empty key is the only way here.
            throw new IllegalArgumentException("cannot compute the token MAC: " + e.getMessage(), e);
        }
    }
}
