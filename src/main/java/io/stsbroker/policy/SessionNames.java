package io.stsbroker.policy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Derives the STS {@code RoleSessionName} for a caller: a readable form of the identity, a dash,
 * and the first 8 hex digits of the SHA-256 of the full identity; at most 32 characters of
 * {@code [A-Za-z0-9.@_-]}, stable across restarts.
 *
 * <p>The hash keeps two identities whose readable forms collide (the API key {@code reporting}
 * and a service account named {@code key@reporting}) apart in the cloud's audit trail. The
 * vending cache never keys on this name, only on the full identity.
 */
public final class SessionNames {

    static final int MAX_LENGTH = 32;
    private static final int HASH_HEX = 8;
    private static final String SERVICE_ACCOUNT = "system:serviceaccount:";
    private static final String API_KEY = "apikey:";

    /** A pure function, asked on every request: remembered per identity (bounded) to skip a SHA-256. */
    private static final Cache<String, String> KNOWN = Caffeine.newBuilder().executor(Runnable::run)
            .maximumSize(100_000).build();

    private SessionNames() {
    }

    public static String of(String identity) {
        return KNOWN.get(identity, SessionNames::derive);
    }

    private static String derive(String identity) {
        String readable;
        if (identity.startsWith(SERVICE_ACCOUNT)) {
            readable = identity.substring(SERVICE_ACCOUNT.length()).replace(':', '.');
        } else if (identity.startsWith(API_KEY)) {
            readable = "key@" + identity.substring(API_KEY.length());
        } else {
            readable = identity;
        }
        readable = sanitize(readable);
        int room = MAX_LENGTH - 1 - HASH_HEX;
        if (readable.length() > room) {
            readable = readable.substring(0, room);
        }
        if (readable.isEmpty()) {
            readable = "caller";
        }
        return readable + "-" + shortHash(identity);
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

    private static String shortHash(String identity) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, HASH_HEX / 2);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }
}
