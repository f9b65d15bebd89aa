package io.stsbroker.client.opensearch;

import io.stsbroker.testsupport.OpenSearchSignatureVerifier;
import com.sun.net.httpserver.HttpServer;
import io.stsbroker.testsupport.OpenSearchSignatureVerifier.SignedRequest;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback HTTP server on a random port that records every request and answers with a minimal
 * OpenSearch success body; it stands in for the OpenSearch API only, never for the broker.
 */
final class CapturingHttpServer implements AutoCloseable {
    static final String OK_BODY = "{\"status\":\"OK\",\"request_id\":\"req-1\",\"result\":{}}";

    private final HttpServer server;
    private final List<SignedRequest> requests = new CopyOnWriteArrayList<>();

    CapturingHttpServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                requests.add(new SignedRequest(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                        exchange.getRequestURI().getRawQuery(), Map.copyOf(exchange.getRequestHeaders()), body));
                byte[] answer = OK_BODY.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, answer.length);
                exchange.getResponseBody().write(answer);
            }
        });
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<SignedRequest> requests() {
        return requests;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
