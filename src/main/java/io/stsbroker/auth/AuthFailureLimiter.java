package io.stsbroker.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.quarkus.security.AuthenticationCompletionException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.spi.runtime.AuthenticationFailureEvent;
import io.stsbroker.config.BrokerConfig;
import io.stsbroker.error.BrokerException;
import io.stsbroker.error.ErrorCode;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Limits failed authentications per client address, so that the broker can be used neither to
 * guess API keys nor to burn CPU on signature checks: each address has a bucket of
 * {@code broker.auth.max-failures-per-minute} failures, refilled evenly over a minute. While the
 * bucket is empty, every request from that address that carries an {@code Authorization} header
 * is answered 429 {@code Throttling} with {@code Retry-After} before its token is hashed or
 * verified, valid tokens included (they cannot be told apart without that work).
 *
 * <p>A failure is a presented token that did not authenticate (unknown API key, bad signature,
 * expired, wrong issuer or audience, no usable {@code sub}, too long, malformed). Requests without
 * a token, and tokens that authenticate, cost nothing. Implemented as GCRA (a token bucket in one
 * number per address); addresses are tracked in a bounded Caffeine cache on the broker's clock,
 * IPv6 addresses by their /64, which a single host usually owns whole.
 *
 * <p><b>Note:</b> the address is the TCP peer (or the forwarded client address when
 * {@code quarkus.http.proxy.*} trusts a proxy). Callers behind one NAT or ingress share a bucket.
 */
@Singleton
public class AuthFailureLimiter {

    private static final Logger LOG = Logger.getLogger(AuthFailureLimiter.class);
    private static final long WINDOW_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Clock clock;
    private final int maxPerMinute;
    private final long intervalNanos;
    /** Per address: the GCRA "theoretical arrival time" in epoch nanoseconds. */
    private final Cache<String, long[]> buckets;

    AuthFailureLimiter(BrokerConfig config, Clock clock) {
        this.clock = clock;
        this.maxPerMinute = config.auth().maxFailuresPerMinute();
        this.intervalNanos = maxPerMinute == 0 ? 0 : Math.max(1, WINDOW_NANOS / maxPerMinute);
        this.buckets = Caffeine.newBuilder()
                .executor(Runnable::run) // read on every request: see CallerRateLimiter
                .maximumSize(config.auth().maxTrackedAddresses())
                .ticker(() -> nanos(clock.instant()))
                // A bucket untouched for a window is full again: forgetting it changes nothing.
                .expireAfterWrite(Duration.ofNanos(WINDOW_NANOS))
                .build();
    }

    /**
     * The refusal for a request that carries a token from an address whose bucket is empty, or empty
     * when it may be authenticated.
     */
    Optional<BrokerException> refusal(RoutingContext ctx) {
        long wait = nanosToWait(ctx);
        if (wait <= 0) {
            return Optional.empty();
        }
        // Logged and counted (reason "throttled") by AuthRefusals where the 429 is written.
        ctx.put(AuthRefusals.REASON_KEY, RefusalReason.THROTTLED);
        return Optional.of(new BrokerException(ErrorCode.THROTTLING,
                "Too many failed authentications from this address; retry later.", null, Duration.ofNanos(wait), null));
    }

    /** Whether {@link #refusal} would refuse this request; counts nothing. */
    boolean overLimit(RoutingContext ctx) {
        return nanosToWait(ctx) > 0;
    }

    private long nanosToWait(RoutingContext ctx) {
        if (maxPerMinute == 0 || buckets.asMap().isEmpty()) {
            // The usual case: no address has failed lately, so its address need not even be read.
            return 0;
        }
        long[] tat = buckets.getIfPresent(addressOf(ctx));
        if (tat == null) {
            return 0;
        }
        synchronized (tat) {
            return tat[0] - nanos(clock.instant()) - (WINDOW_NANOS - intervalNanos);
        }
    }

    /** Counts one failed authentication of a request that carried a token. */
    void recordFailure(RoutingContext ctx) {
        if (maxPerMinute == 0 || ctx.request().getHeader(HttpHeaders.AUTHORIZATION) == null) {
            return;
        }
        String address = addressOf(ctx);
        long[] tat = buckets.get(address, a -> new long[] {Long.MIN_VALUE});
        long now = nanos(clock.instant());
        boolean nowBlocked;
        synchronized (tat) {
            long start = Math.max(tat[0], now);
            // Capped at a full window ahead: failures already in flight cannot extend a block further.
            tat[0] = Math.min(start + intervalNanos, now + WINDOW_NANOS);
            nowBlocked = tat[0] - now > WINDOW_NANOS - intervalNanos && start - now <= WINDOW_NANOS - intervalNanos;
        }
        buckets.put(address, tat);
        if (nowBlocked) {
            LOG.warnf("Client %s reached broker.auth.max-failures-per-minute (%d): its tokens get 429 until the bucket refills",
                    address, maxPerMinute);
        }
    }

    void onAuthenticationFailure(@Observes AuthenticationFailureEvent event) {
        Throwable t = event.getAuthenticationFailure();
        while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        if (!(t instanceof AuthenticationFailedException || t instanceof AuthenticationCompletionException)) {
            return; // our own 429, or an infrastructure fault: not the caller's failure
        }
        Object ctx = event.getEventProperties().get(RoutingContext.class.getName());
        if (ctx instanceof RoutingContext rc) {
            recordFailure(rc);
        }
    }

    /** The bucket key: the client's IP address, IPv6 cut to its /64. */
    static String addressOf(RoutingContext ctx) {
        SocketAddress peer = ctx.request().remoteAddress();
        String host = peer == null ? null : peer.hostAddress();
        if (host == null || host.isEmpty()) {
            return "unknown";
        }
        if (host.indexOf(':') < 0) {
            return host;
        }
        try {
            int zone = host.indexOf('%');
            byte[] b = InetAddress.getByName(zone < 0 ? host : host.substring(0, zone)).getAddress();
            if (b.length != 16) {
                return InetAddress.getByAddress(b).getHostAddress();
            }
            for (int i = 8; i < 16; i++) {
                b[i] = 0;
            }
            return InetAddress.getByAddress(b).getHostAddress() + "/64";
        } catch (java.net.UnknownHostException e) {
            return host;
        }
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }
}
