package io.stsbroker.policy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.apache.commons.codec.binary.Base32;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * Derives the STS {@code RoleSessionName} for a caller: a readable form of the identity (at most
 * 18 characters), a dash, and 13 lowercase base32 characters (65 bits) of the SHA-256 of the full
 * identity; at most 32 characters of {@code [A-Za-z0-9.@_-]}, stable across restarts.
 *
 * <p>The hash keeps identities whose readable forms collide apart in the cloud's audit trail: the
 * API key {@code reporting} and a service account named {@code key@reporting}, or two pods'
 * service accounts that differ only after the readable part is cut. With 65 bits, a chance
 * collision among a million identities has odds of about one in 7 x 10^7 (n^2 / 2^66), and finding
 * an identity that collides with a given one costs about 2^65 hashes. Base32 rather than base64:
 * its lowercase alphabet reads the same to tools that ignore case. The vending cache never keys on this name, only on the full identity.
 */
public final class SessionNames {

    static final int MAX_LENGTH = 32;
    /** 13 base32 characters carry 65 bits of the identity's SHA-256. */
    static final int HASH_CHARS = 13;
    /** Readable characters before the hash: what the 32-character limit leaves. */
    static final int READABLE_CHARS = MAX_LENGTH - 1 - HASH_CHARS;
    /** Enough digest bytes for {@link #HASH_CHARS} base32 characters (9 bytes = 72 bits). */
    private static final int HASH_BYTES = 9;
    private static final String SERVICE_ACCOUNT = "system:serviceaccount:";
    private static final String API_KEY = "apikey:";
    private static final Base32 BASE32 = new Base32();

    /** A pure function, asked on every request: remembered per identity (bounded) to skip a SHA-256. */
    private static final Cache<String, String> KNOWN = Caffeine.newBuilder().executor(Runnable::run)
            .maximumSize(100_000).build();

    private SessionNames() {
    }

    public static String of(String identity) {
        return KNOWN.get(identity, SessionNames::derive);
    }

    /** {@link #of} without the memo, for tests that derive a million names. */
    static String derive(String identity) {
        String readable;
        if (identity.startsWith(SERVICE_ACCOUNT)) {
            readable = identity.substring(SERVICE_ACCOUNT.length()).replace(':', '.');
        } else if (identity.startsWith(API_KEY)) {
            readable = "key@" + identity.substring(API_KEY.length());
        } else {
            readable = identity;
        }
        readable = sanitize(readable);
        if (readable.length() > READABLE_CHARS) {
            readable = readable.substring(0, READABLE_CHARS);
        }
        if (readable.isEmpty()) {
            readable = "caller";
        }
        return readable + "-" + hash(identity);
    }

    private static String sanitize(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '@' || c == '_' || c == '-';
            b.append(ok ? c : '_');
        }
        return b.toString();
    }

    private static String hash(String identity) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            byte[] head = java.util.Arrays.copyOf(digest, HASH_BYTES);
            return BASE32.encodeAsString(head).substring(0, HASH_CHARS).toLowerCase(Locale.ROOT);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }
}
