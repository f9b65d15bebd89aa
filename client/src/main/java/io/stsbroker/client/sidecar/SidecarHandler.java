package io.stsbroker.client.sidecar;

import com.sun.net.httpserver.HttpExchange;
import io.stsbroker.client.BrokerException;
import io.stsbroker.client.BrokerUnavailableException;
import io.stsbroker.client.CredentialsSource;
import io.stsbroker.client.TemporaryCredentials;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Answers the sidecar's requests: credentials, health, and 403/404/405 for everything else.
 *
 * <p>Broker failures become 503 (retryable, with {@code Retry-After} when known) or 502, with the
 * exception's message, which by construction never contains a token or secret. Credentials are
 * never logged.
 */
final class SidecarHandler {
    private static final System.Logger LOG = System.getLogger(SidecarHandler.class.getName());
    /** Host header: a name or IPv4 literal, or a bracketed IPv6 literal, then an optional port. */
    private static final Pattern HOST = Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[^:\\[\\]]+)(:\\d{1,5})?");

    private final CredentialsSource source;
    private final boolean loopbackOnly;

    SidecarHandler(CredentialsSource source, boolean loopbackOnly) {
        this.source = source;
        this.loopbackOnly = loopbackOnly;
    }

    void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (loopbackOnly && !loopbackHost(exchange.getRequestHeaders().getFirst("Host"))) {
                respond(exchange, 403, UriCredentialsBody.error("Forbidden",
                        "The Host header must name a loopback address such as 127.0.0.1."));
                return;
            }
            if (!path.equals(SidecarServer.CREDENTIALS_PATH) && !path.equals(SidecarServer.HEALTH_PATH)) {
                respond(exchange, 404, UriCredentialsBody.error("NotFound",
                        "Serves GET " + SidecarServer.CREDENTIALS_PATH + " and GET " + SidecarServer.HEALTH_PATH + "."));
                return;
            }
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                respond(exchange, 405, UriCredentialsBody.error("MethodNotAllowed", "Use GET."));
                return;
            }
            if (path.equals(SidecarServer.HEALTH_PATH)) {
                respond(exchange, 200, "{\"status\":\"UP\"}");
                return;
            }
            serveCredentials(exchange);
        }
    }

    private void serveCredentials(HttpExchange exchange) throws IOException {
        TemporaryCredentials credentials;
        try {
            credentials = source.credentials();
        } catch (BrokerUnavailableException e) {
            LOG.log(System.Logger.Level.WARNING, "Cannot serve credentials, broker unavailable: {0}", e.getMessage());
            e.retryAfter().ifPresent(wait ->
                    exchange.getResponseHeaders().set("Retry-After", String.valueOf(Math.max(1, wait.toSeconds()))));
            respond(exchange, 503, UriCredentialsBody.error(e.code(), e.getMessage()));
            return;
        } catch (BrokerException e) {
            LOG.log(System.Logger.Level.WARNING, "Cannot serve credentials: {0}", e.getMessage());
            respond(exchange, 502, UriCredentialsBody.error(e.code(), e.getMessage()));
            return;
        } catch (RuntimeException e) {
            // Unknown failures might carry anything in their message: log the type only.
            LOG.log(System.Logger.Level.ERROR, "Cannot serve credentials: unexpected {0}", e.getClass().getName());
            respond(exchange, 500, UriCredentialsBody.error("InternalError",
                    "The sidecar failed unexpectedly; see its log."));
            return;
        }
        LOG.log(System.Logger.Level.DEBUG, "Served credentials {0}", credentials.accessKeyId());
        respond(exchange, 200, UriCredentialsBody.success(credentials));
    }

    static boolean loopbackHost(String hostHeader) {
        if (hostHeader == null) {
            return false;
        }
        Matcher matcher = HOST.matcher(hostHeader.strip());
        if (!matcher.matches()) {
            return false;
        }
        String host = matcher.group(1);
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        } else if (!host.matches("[0-9.]+")) {
            return false; // any other name: never resolved, never trusted
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Sends a JSON response that no cache may keep, and closes the exchange. */
    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            exchange.getResponseBody().write(body);
        }
        exchange.close();
    }
}
