package io.stsbroker.testing;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * A loopback HTTP hop that adds {@code Authorization: Bearer <token>} and forwards GETs to the
 * broker, so SDK code that cannot send a token (credentials-java's URI provider) can still read
 * the broker's real responses in tests. Bytes pass through unchanged.
 */
public final class AuthorizingProxy implements AutoCloseable {

    private final HttpServer server;

    public AuthorizingProxy(String brokerBaseUrl, String bearerToken) throws IOException {
        HttpClient client = HttpClient.newHttpClient();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(brokerBaseUrl + exchange.getRequestURI()))
                        .header("Authorization", "Bearer " + bearerToken).GET();
                String accept = exchange.getRequestHeaders().getFirst("Accept");
                if (accept != null) {
                    forward.header("Accept", accept);
                }
                HttpResponse<byte[]> r = client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
                r.headers().firstValue("Content-Type").ifPresent(v -> exchange.getResponseHeaders().add("Content-Type", v));
                exchange.sendResponseHeaders(r.statusCode(), r.body().length == 0 ? -1 : r.body().length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(r.body());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
