package io.stsbroker.client.sidecar;

import io.stsbroker.client.BrokerException;
import io.stsbroker.client.BrokerUnavailableException;
import io.stsbroker.client.TemporaryCredentials;
import io.stsbroker.client.internal.SafeText;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Answers the sidecar's requests: credentials, health, liveness, and 400/403/404/405 for
 * everything else.
 *
 * <p>Checks, in order: exactly one {@code Host} header, allowed by the {@link HostPolicy}; an
 * origin-form target, or an absolute-form one naming that same host; the path (with the path
 * token in front of the credentials path when one is set: without it, 404); the method.
 *
 * <p>Broker failures become 503 (retryable, with {@code Retry-After} when known) or 502, with the
 * exception's message, which by construction holds no token or secret and only sanitised broker
 * text. During a broker outage the last credential obtained is still served while unexpired, even
 * below the client's floor: an old credential beats none. Credentials are never logged.
 */
final class SidecarHandler {
    private static final System.Logger LOG = System.getLogger(SidecarHandler.class.getName());
    /** Messages echoed into bodies and logs are short. */
    private static final int MAX_MESSAGE = 600;
    /** At most one outage warning per this many milliseconds, so a busy caller cannot flood the log. */
    private static final long WARN_EVERY_MILLIS = 60_000;

    private final SidecarServer.Held held;
    private final HostPolicy hosts;
    private final String credentialsPath;
    private final Clock clock;
    private final AtomicLong lastWarning = new AtomicLong(Long.MIN_VALUE);

    SidecarHandler(SidecarServer.Held held, HostPolicy hosts, String pathToken, Clock clock) {
        this.held = held;
        this.hosts = hosts;
        this.credentialsPath = pathToken == null ? SidecarServer.CREDENTIALS_PATH : "/" + pathToken + SidecarServer.CREDENTIALS_PATH;
        this.clock = clock;
    }

    MiniHttpServer.Response handle(MiniHttpServer.Request request) {
        List<String> hostHeaders = request.header("Host");
        if (hostHeaders.size() != 1) {
            return error(400, "BadRequest", "Send exactly one Host header.");
        }
        String host = hostHeaders.get(0);
        if (!hosts.allows(host)) {
            return error(403, "Forbidden", "The Host header must name this sidecar (a loopback address, or a host"
                    + " allowed with --allowed-host).");
        }
        String path = path(request.target(), host);
        if (path == null) {
            return error(400, "BadRequest", "The request target must be a path, or a URL naming this sidecar.");
        }
        boolean credentials = sameText(path, credentialsPath);
        if (!credentials && !path.equals(SidecarServer.HEALTH_PATH) && !path.equals(SidecarServer.LIVE_PATH)) {
            // Also the answer for the credentials path without the path token: nothing to learn here.
            return error(404, "NotFound", "Not found.");
        }
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            return new MiniHttpServer.Response(405, Map.of("Allow", "GET, HEAD"),
                    UriCredentialsBody.error("MethodNotAllowed", "Use GET."));
        }
        if (path.equals(SidecarServer.LIVE_PATH)) {
            return ok("{\"status\":\"UP\"}");
        }
        if (path.equals(SidecarServer.HEALTH_PATH)) {
            return health();
        }
        return serveCredentials();
    }

    /**
     * UP while an unexpired credential is held; otherwise 503 with the reason, and a fetch is
     * started in the background (never waited for here: health must not block on the broker).
     */
    private MiniHttpServer.Response health() {
        TemporaryCredentials current = held.current();
        Instant now = clock.instant();
        if (current != null && now.isBefore(current.expiration())) {
            return ok("{\"status\":\"UP\"}");
        }
        held.primeInBackground();
        String reason = current == null ? "no credential obtained from the broker yet"
                : "every credential obtained has expired and the broker has not answered since";
        return new MiniHttpServer.Response(503, Map.of(),
                "{\"status\":\"DOWN\",\"reason\":" + io.stsbroker.client.internal.Json.quote(reason) + "}");
    }

    private MiniHttpServer.Response serveCredentials() {
        TemporaryCredentials credentials;
        try {
            credentials = held.fetch();
        } catch (BrokerUnavailableException e) {
            TemporaryCredentials last = held.current();
            if (last != null && clock.instant().isBefore(last.expiration())) {
                warn("Broker unavailable; serving the last credential obtained until it expires at {0}: {1}",
                        last.expiration(), SafeText.of(e.getMessage(), MAX_MESSAGE));
                return ok(UriCredentialsBody.success(last));
            }
            warn("Cannot serve credentials, broker unavailable: {0}", SafeText.of(e.getMessage(), MAX_MESSAGE), null);
            Map<String, String> headers = e.retryAfter()
                    .map(wait -> Map.of("Retry-After", String.valueOf(Math.max(1, wait.toSeconds()))))
                    .orElse(Map.of());
            return new MiniHttpServer.Response(503, headers,
                    UriCredentialsBody.error(e.code(), SafeText.of(e.getMessage(), MAX_MESSAGE)));
        } catch (BrokerException e) {
            warn("Cannot serve credentials: {0}", SafeText.of(e.getMessage(), MAX_MESSAGE), null);
            return error(502, e.code(), SafeText.of(e.getMessage(), MAX_MESSAGE));
        } catch (RuntimeException e) {
            // Unknown failures might carry anything in their message: log the type only.
            LOG.log(System.Logger.Level.ERROR, "Cannot serve credentials: unexpected {0}", e.getClass().getName());
            return error(500, "InternalError", "The sidecar failed unexpectedly; see its log.");
        }
        LOG.log(System.Logger.Level.DEBUG, "Served credentials {0}", credentials.accessKeyId());
        return ok(UriCredentialsBody.success(credentials));
    }

    /** The path of an origin-form target, or of an absolute-form one whose authority is {@code host}; else null. */
    static String path(String target, String host) {
        if (target.startsWith("/")) {
            int query = target.indexOf('?');
            return query >= 0 ? target.substring(0, query) : target;
        }
        try {
            URI uri = new URI(target);
            if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getRawAuthority() == null || uri.getRawUserInfo() != null) {
                return null;
            }
            String authority = HostPolicy.hostOf(uri.getRawAuthority());
            if (authority == null || !authority.equals(HostPolicy.hostOf(host))) {
                return null; // names another authority than the Host header: a confused or hostile proxy
            }
            return uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private void warn(String format, Object first, Object second) {
        long now = System.currentTimeMillis();
        long last = lastWarning.get();
        if (last != Long.MIN_VALUE && now - last < WARN_EVERY_MILLIS || !lastWarning.compareAndSet(last, now)) {
            return;
        }
        LOG.log(System.Logger.Level.WARNING, format, first, second);
    }

    /** Constant-time comparison: the path token is a secret. */
    private static boolean sameText(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static MiniHttpServer.Response ok(String json) {
        return new MiniHttpServer.Response(200, Map.of(), json);
    }

    private static MiniHttpServer.Response error(int status, String code, String message) {
        return new MiniHttpServer.Response(status, Map.of(), UriCredentialsBody.error(code, message));
    }
}
