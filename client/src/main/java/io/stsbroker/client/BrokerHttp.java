package io.stsbroker.client;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

/**
 * Sends one authenticated {@code GET} to the broker and returns its response, turning transport
 * failures into {@link BrokerUnavailableException}s. No retries, no interpretation of the body.
 */
final class BrokerHttp {
    /** Broker bodies are well under 16 KiB; a larger one is not a broker and is cut off. */
    private static final int MAX_BODY = 256 * 1024;
    static final String USER_AGENT = "sts-broker-client/0.1.0";

    private final HttpClient http;
    private final URI baseUrl;
    private final TokenSource tokens;
    private final Duration requestTimeout;

    BrokerHttp(HttpClient http, URI baseUrl, TokenSource tokens, Duration requestTimeout) {
        this.http = http;
        this.baseUrl = baseUrl;
        this.tokens = tokens;
        this.requestTimeout = requestTimeout;
    }

    /** Builds the request for {@code path} (relative to the base URL, no leading slash). */
    HttpRequest request(String path) {
        return HttpRequest.newBuilder(baseUrl.resolve(path))
                .GET()
                .timeout(requestTimeout)
                .header("Authorization", "Bearer " + tokens.token())
                .header("Accept", "application/json")
                .header("User-Agent", USER_AGENT)
                // Our own id lets the broker's logs and our exceptions be matched up.
                .header("X-Request-Id", UUID.randomUUID().toString())
                .build();
    }

    BrokerResponse get(String path) {
        HttpRequest request = request(path);
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            String body;
            try (InputStream in = response.body()) {
                body = new String(in.readNBytes(MAX_BODY), StandardCharsets.UTF_8);
            }
            return new BrokerResponse(response.statusCode(), response.headers().map(), body);
        } catch (IOException e) {
            throw transportFailure(request, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerException("Interrupted while waiting for the broker.",
                    BrokerError.client(BrokerError.CLIENT_INTERRUPTED, "interrupted"), e);
        }
    }

    private BrokerException transportFailure(HttpRequest request, IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLHandshakeException) {
                // Not transient: retrying cannot fix a certificate the client does not trust.
                return new BrokerConfigurationException("The TLS handshake with the broker at " + baseUrl + " failed: " + t
                        + ". If the broker's certificate comes from a private CA, set STS_BROKER_CA_FILE to that CA's PEM.", e);
            }
        }
        String requestId = request.headers().firstValue("X-Request-Id").orElse(null);
        String what = describe(e);
        return new BrokerUnavailableException("Cannot reach the broker at " + baseUrl + ": " + what
                + ". Check STS_BROKER_URL and that the broker is running.",
                new BrokerError(0, BrokerError.CLIENT_NETWORK, what, requestId, null), null, e);
    }

    /** The exception's type plus the first message in its cause chain (the JDK often leaves the top one empty). */
    static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return e.getClass().getSimpleName() + ": " + t.getMessage();
            }
        }
        return e.getClass().getSimpleName();
    }
}
