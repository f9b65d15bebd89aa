package io.stsbroker.client;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import io.stsbroker.client.internal.BoundedBody;

/**
 * Sends one authenticated {@code GET} (or JSON {@code POST}) to the broker and returns its response, turning transport
 * failures into {@link BrokerUnavailableException}s. No retries, no interpretation of the body.
 *
 * <p>The request timeout is a deadline on the whole exchange, body included: the JDK's
 * {@link HttpRequest#timeout} stops applying once headers arrive, so a broker that sends headers
 * and then trickles its body would otherwise hold the caller for good.
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
        return request(path, null, tokens.token(), requestTimeout);
    }

    private HttpRequest request(String path, String jsonBody, String token, Duration timeout) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(baseUrl.resolve(path));
        if (jsonBody == null) {
            builder.GET();
        } else {
            builder.POST(HttpRequest.BodyPublishers.ofString(jsonBody, StandardCharsets.UTF_8))
                    .header("Content-Type", "application/json");
        }
        return builder
                .timeout(timeout)
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json")
                .header("User-Agent", USER_AGENT)
                // Our own id lets the broker's logs and our exceptions be matched up.
                .header("X-Request-Id", UUID.randomUUID().toString())
                .build();
    }

    /** One exchange bounded by the request timeout. */
    BrokerResponse get(String path) {
        return get(path, System.nanoTime() + requestTimeout.toNanos());
    }

    /** One exchange that must end by {@code deadlineNanos} ({@link System#nanoTime()} scale), body included. */
    BrokerResponse get(String path, long deadlineNanos) {
        return exchange(path, null, deadlineNanos);
    }

    /** One {@code POST} of {@code jsonBody} that must end by {@code deadlineNanos}, body included. */
    BrokerResponse post(String path, String jsonBody, long deadlineNanos) {
        return exchange(path, java.util.Objects.requireNonNull(jsonBody, "jsonBody"), deadlineNanos);
    }

    private BrokerResponse exchange(String path, String jsonBody, long deadlineNanos) {
        String token = tokens.token();
        long left = Math.min(deadlineNanos - System.nanoTime(), requestTimeout.toNanos());
        if (left <= 0) {
            return throwTimeout(null);
        }
        HttpRequest request = request(path, jsonBody, token, Duration.ofNanos(left));
        AtomicReference<BoundedBody> body = new AtomicReference<>();
        CompletableFuture<HttpResponse<BoundedBody.Bytes>> exchange = http.sendAsync(request, info -> {
            BoundedBody bounded = new BoundedBody(MAX_BODY);
            body.set(bounded);
            return bounded;
        });
        try {
            HttpResponse<BoundedBody.Bytes> response = exchange.get(left, TimeUnit.NANOSECONDS);
            String text = new String(response.body().data(), StandardCharsets.UTF_8);
            int status = response.statusCode();
            if ((status < 200 || status >= 300) && token.length() >= 8) {
                // An error body is echoed into messages; a broker or proxy that reflects the request must not
                // leak the token. (A token under 8 characters is a test value, and replacing it would garble the body.)
                text = text.replace(token, "<redacted>");
            }
            return new BrokerResponse(status, response.headers().map(), text);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            BoundedBody started = body.get();
            if (started != null) {
                started.abort();
            }
            return throwTimeout(request);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw transportFailure(request, cause instanceof IOException io ? io : new IOException(cause));
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            throw new BrokerException("Interrupted while waiting for the broker.",
                    BrokerError.client(BrokerError.CLIENT_INTERRUPTED, "interrupted"), e);
        }
    }

    private BrokerResponse throwTimeout(HttpRequest request) {
        String requestId = request == null ? null : request.headers().firstValue("X-Request-Id").orElse(null);
        String what = "no complete answer within the " + requestTimeout.toMillis() + " ms allowed";
        throw new BrokerUnavailableException("The broker at " + baseUrl + " sent " + what
                + ". Check the broker's health and the network path to it.",
                new BrokerError(0, BrokerError.CLIENT_NETWORK, what, requestId, null), null, null);
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
