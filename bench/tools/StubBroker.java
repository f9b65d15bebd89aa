import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the broker for bench/sidecar.sh: answers GET /v1/credentials/{role} at once with a
 * well-formed credential (one hour) on 127.0.0.1, so the sidecar's own start-up and memory are what
 * is measured, not the broker's or STS's latency (bench/run.sh measures those). Prints its port.
 *
 *   java bench/tools/StubBroker.java
 */
public final class StubBroker {
    public static void main(String[] args) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        AtomicInteger n = new AtomicInteger();
        server.createContext("/v1/credentials/", exchange -> {
            int i = n.incrementAndGet();
            String body = "{\"accessKeyId\":\"STS.bench" + i + "\",\"accessKeySecret\":\"benchsecret" + i
                    + "\",\"securityToken\":\"CAISbenchtoken" + i + "\",\"expiration\":\""
                    + Instant.now().plusSeconds(3600) + "\",\"role\":\"bench\"}";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        System.out.println(server.getAddress().getPort());
        System.out.flush();
    }
}
