package io.stsbroker.auth;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.security.AuthenticationCompletionException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.UnauthorizedException;
import io.stsbroker.audit.LogText;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;

/**
 * Makes authentication refusals visible to operators without telling the caller anything: each
 * refused request is counted once in {@code broker_auth_failures_total{outcome, reason}} and logged
 * at INFO with its {@link RefusalReason}, request id and client address, at most one line per
 * second per reason (the next line says how many were left out). Never the token, nor any part of
 * it: the reason is decided where the token is read, and only the reason travels.
 *
 * <p>Called where the response to a failed request is written (the HTTP failure handler and the
 * JAX-RS mapper), so a request refused on any path, the warm route's fall-through included, is
 * recorded exactly once.
 */
@Singleton
public class AuthRefusals {

    private static final Logger LOG = Logger.getLogger(AuthRefusals.class);
    /** Routing-context key under which an authentication step can name the reason ahead of its failure. */
    static final String REASON_KEY = "broker.auth.refusal-reason";
    private static final String RECORDED_KEY = "broker.auth.refusal-recorded";
    private static final long LOG_INTERVAL_MILLIS = 1000;

    /** Per reason: when the last line was written and how many refusals were left out since. */
    private static final class LogWindow {
        long lastMillis = Long.MIN_VALUE;
        long suppressed;
    }

    private final Clock clock;
    private final Map<RefusalReason, Counter> counters = new EnumMap<>(RefusalReason.class);
    private final Map<RefusalReason, LogWindow> windows = new EnumMap<>(RefusalReason.class);

    AuthRefusals(Clock clock, MeterRegistry meters) {
        this.clock = clock;
        for (RefusalReason r : RefusalReason.values()) {
            // Registered up front, so every series exists (at 0) for alert rules from the start.
            counters.put(r, Counter.builder("broker.auth.failures")
                    .description("Refused authentications, by response (Unauthorized, Throttling) and reason")
                    .tag("outcome", outcome(r)).tag("reason", r.tag()).register(meters));
            windows.put(r, new LogWindow());
        }
    }

    static String outcome(RefusalReason reason) {
        return reason == RefusalReason.THROTTLED ? "Throttling" : "Unauthorized";
    }

    /**
     * If {@code failure} refuses authentication, counts and logs it (once per request, however often
     * called) and answers true; any other failure is left alone (false).
     */
    public boolean record(RoutingContext ctx, Throwable failure, String requestId) {
        RefusalReason reason = reasonOf(ctx, failure);
        if (reason == null) {
            return false;
        }
        if (ctx.get(RECORDED_KEY) == null) {
            ctx.put(RECORDED_KEY, Boolean.TRUE);
            counters.get(reason).increment();
            log(reason, requestId, clientOf(ctx));
        }
        return true;
    }

    /** The reason {@code failure} refuses authentication, or null when it is not an authentication refusal. */
    static RefusalReason reasonOf(RoutingContext ctx, Throwable failure) {
        RefusalReason marked = ctx.get(REASON_KEY);
        if (marked != null) {
            return marked;
        }
        if (!isAuthenticationFailure(failure)) {
            return null;
        }
        RefusalReason carried = Refusals.in(failure);
        if (carried != null) {
            return carried;
        }
        return BearerTokens.from(ctx) == null ? RefusalReason.MISSING : RefusalReason.OTHER;
    }

    private static boolean isAuthenticationFailure(Throwable failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 16; t = t.getCause(), depth++) {
            if (t instanceof AuthenticationFailedException || t instanceof AuthenticationCompletionException
                    || t instanceof UnauthorizedException) {
                return true;
            }
        }
        return false;
    }

    private void log(RefusalReason reason, String requestId, String client) {
        LogWindow w = windows.get(reason);
        long left;
        synchronized (w) {
            long now = clock.millis();
            if (w.lastMillis != Long.MIN_VALUE && now - w.lastMillis < LOG_INTERVAL_MILLIS && now >= w.lastMillis) {
                w.suppressed++;
                return;
            }
            w.lastMillis = now;
            left = w.suppressed;
            w.suppressed = 0;
        }
        if (left == 0) {
            LOG.infof("Authentication refused: reason=%s request=%s client=%s", reason.tag(),
                    LogText.escape(requestId), LogText.escape(client));
        } else {
            LOG.infof("Authentication refused: reason=%s request=%s client=%s (%d more with this reason since the last line)",
                    reason.tag(), LogText.escape(requestId), LogText.escape(client), left);
        }
    }

    private static String clientOf(RoutingContext ctx) {
        SocketAddress peer = ctx.request().remoteAddress();
        String host = peer == null ? null : peer.hostAddress();
        return host == null || host.isEmpty() ? "unknown" : host;
    }
}
