package io.stsbroker.api;

import io.vertx.ext.web.RoutingContext;
import org.jboss.logging.MDC;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Assigns every request an id, echoed in {@code X-Request-Id} and in error bodies: the caller's
 * own when it sent a sane one (1..128 characters of {@code [A-Za-z0-9._-]}), otherwise a random
 * (version 4) UUID.
 *
 * <p>The UUID comes from {@link ThreadLocalRandom}, not {@link UUID#randomUUID()}: an id correlates
 * log lines and guards nothing, and the shared {@code SecureRandom} behind {@code randomUUID} is a
 * lock taken on every request.
 *
 * <p>The id is also put in the logging MDC as {@value #LOG_KEY}, so every line written while serving
 * the request carries it. Quarkus keeps the MDC in the request's duplicated Vert.x context, which
 * the request's worker-thread work and the STS client's callbacks run on too, and which ends with the
 * request (so nothing needs removing).
 */
public final class RequestIds {

    public static final String HEADER = "X-Request-Id";
    private static final String KEY = "broker.requestId";
    /** The MDC key of the request id: {@code %X{requestId}} in the text format, {@code mdc.requestId} in JSON. */
    public static final String LOG_KEY = "requestId";

    private RequestIds() {
    }

    /** Called once per request, before anything else. */
    static String assign(RoutingContext ctx) {
        String sent = ctx.request().getHeader(HEADER);
        String id = isSane(sent) ? sent : randomId();
        ctx.put(KEY, id);
        MDC.put(LOG_KEY, id);
        ctx.response().putHeader(HEADER, id);
        return id;
    }

    public static String of(RoutingContext ctx) {
        String id = ctx == null ? null : ctx.get(KEY);
        return id != null ? id : (ctx == null ? randomId() : assign(ctx));
    }

    static String randomId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long hi = (r.nextLong() & ~0xF000L) | 0x4000L;                       // version 4
        long lo = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
        return new UUID(hi, lo).toString();
    }

    static boolean isSane(String s) {
        if (s == null || s.isEmpty() || s.length() > 128) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }
}
