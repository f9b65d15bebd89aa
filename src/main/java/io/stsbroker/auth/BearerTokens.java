package io.stsbroker.auth;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/** Reads {@code Authorization: Bearer <token>} and tells JWT-shaped tokens from opaque API keys. */
final class BearerTokens {

    private static final String PREFIX = "bearer ";

    private BearerTokens() {
    }

    /** The bearer token, or null when the request carries none (or another scheme). */
    static String from(RoutingContext ctx) {
        String h = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (h == null || h.length() <= PREFIX.length() || !h.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return null;
        }
        String token = h.substring(PREFIX.length()).strip();
        return token.isEmpty() ? null : token;
    }

    /** Every character is base64url or a dot: what a compact JWS is made of, checked before any parsing. */
    static boolean isBase64UrlSegments(String token) {
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Three non-empty dot-separated segments, as a compact JWS has. */
    static boolean isJwtShaped(String token) {
        int first = token.indexOf('.');
        if (first <= 0) {
            return false;
        }
        int second = token.indexOf('.', first + 1);
        return second > first + 1 && second < token.length() - 1 && token.indexOf('.', second + 1) < 0;
    }
}
