package io.stsbroker.cluster;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

/**
 * Every Redis key name and pub/sub field derived from a caller identity, role or request, as an
 * HMAC-SHA256 under {@code broker.cluster.key-secret}: a plain hash of a guessable service-account
 * name could be reversed by trying names, an HMAC cannot without the secret. The key secret is not
 * the (rotating) encryption key, so rotating that key keeps every name.
 *
 * <p>Parts are length-prefixed before hashing, so no two different tuples hash the same input.
 */
final class KeyNames {

    private final SecretKeySpec secret;
    private final String prefix;

    KeyNames(byte[] keySecret, String prefix) {
        this.secret = new SecretKeySpec(keySecret, "HmacSHA256");
        this.prefix = prefix;
    }

    /** The tag of a tuple: base64url HMAC-SHA256, 43 characters. */
    String tag(String kind, String... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(secret);
            StringBuilder in = new StringBuilder(kind);
            for (String p : parts) {
                String s = p == null ? "" : p;
                in.append('\n').append(s.length()).append(':').append(s);
            }
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(in.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** The shared entry of one cache key (role ARN, identity, duration, policy, external id). */
    String entry(String cacheKeyTag) {
        return prefix + "cred:" + cacheKeyTag;
    }

    /** The single-flight lock of one cache key. */
    String lock(String cacheKeyTag) {
        return prefix + "lock:" + cacheKeyTag;
    }

    /** Names of the entries a caller identity holds, for invalidation. */
    String identityIndex(String identityTag) {
        return prefix + "idx:id:" + identityTag;
    }

    /** Names of the entries of a role, for invalidation. */
    String roleIndex(String roleTag) {
        return prefix + "idx:role:" + roleTag;
    }

    /**
     * The cluster-wide AssumeRole budget (not derived from an identity). Its hash tag is the
     * deferrable share's, so the budget script touching both works on a Redis Cluster too.
     */
    String budget() {
        return prefix + "{budget}";
    }

    /** The share of the budget that deferrable calls (extra variants, refreshes) may use. */
    String deferrableBudget() {
        return prefix + "{budget}:deferrable";
    }

    /** One caller's mint bucket; the caller's hash tag, shared with its variant sets. */
    String mints(String identityTag) {
        return prefix + "mints:{" + identityTag + "}";
    }

    /** The variants one caller holds or is minting of one role, with the time each leaves (a sorted set). */
    String variants(String identityTag, String roleTag) {
        return prefix + "variants:{" + identityTag + "}:" + roleTag;
    }

    /** The invalidation generation, incremented by every invalidation. */
    String generation() {
        return prefix + "invalidations:generation";
    }

    /** The pub/sub channel of invalidations. */
    String channel() {
        return prefix + "invalidations";
    }
}
