import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback HTTP proxy that holds every request for a settable delay, then forwards it unchanged
 * to one upstream: the nearest honest stand-in for a slow STS, since the embedded STS's own latency
 * control is a test-only API. A broker on {@code broker.sts.provider=alibaba} with
 * {@code broker.sts.endpoint=http://127.0.0.1:<this port>} signs its AssumeRole requests exactly as
 * for Alibaba; the proxy passes method, path, query, body and headers through (the signature covers
 * the query, which is untouched), so a second broker's embedded STS verifies and answers them.
 *
 * <pre>
 * java DelayProxy --port P --target http://127.0.0.1:Q [--delay-ms 0] [--threads 64]
 *   GET /__bench/delay?ms=N   sets the delay (answers the new value)
 *   GET /__bench/stats        forwarded requests and the current delay
 *   GET /__bench/arrivals?window-ms=1000[&reset=1]
 *                             requests that arrived so far and the most in any sliding window of that
 *                             length (arrival = the moment the proxy's handler took the request);
 *                             reset=1 forgets them first
 * </pre>
 * The delay is a blocking sleep on one of {@code --threads} threads, so up to that many calls can be
 * held at once; the broker's refresh traffic is a few calls per second.
 */
public final class DelayProxy {

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "host", "expect", "upgrade",
            "keep-alive", "transfer-encoding", "te", "trailer", "proxy-connection");

    private final URI target;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private volatile long delayMillis;
    private final AtomicLong forwarded = new AtomicLong();
    /** Arrival times (System.nanoTime) of forwarded requests, for the upstream's own view of the call rate. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Long> arrivals = new java.util.concurrent.ConcurrentLinkedQueue<>();

    private DelayProxy(URI target, long delayMillis) {
        this.target = target;
        this.delayMillis = delayMillis;
    }

    public static void main(String[] args) throws IOException {
        Args opts = Args.parse("DelayProxy", args).only("port", "target", "delay-ms", "threads");
        int port = opts.integer("port", 0);
        String target = opts.require("target");
        long delay = opts.integer("delay-ms", 0);
        int threads = opts.integer("threads", 64);
        DelayProxy proxy = new DelayProxy(URI.create(target), delay);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
        server.createContext("/", proxy::handle);
        server.setExecutor(Executors.newFixedThreadPool(threads));
        server.start();
        Log.info("DelayProxy on http://127.0.0.1:%d -> %s, delay %d ms",
                server.getAddress().getPort(), target, delay);
    }

    private void handle(HttpExchange ex) {
        try {
            String path = ex.getRequestURI().getPath();
            if (path.equals("/__bench/delay")) {
                String q = ex.getRequestURI().getQuery();
                if (q != null && q.startsWith("ms=")) {
                    delayMillis = Long.parseLong(q.substring(3));
                }
                reply(ex, 200, "{\"delayMs\":" + delayMillis + "}");
                return;
            }
            if (path.equals("/__bench/arrivals")) {
                String q = ex.getRequestURI().getQuery() == null ? "" : ex.getRequestURI().getQuery();
                if (q.contains("reset=1")) {
                    arrivals.clear();
                }
                long window = 1000;
                for (String kv : q.split("&")) {
                    if (kv.startsWith("window-ms=")) {
                        window = Long.parseLong(kv.substring("window-ms=".length()));
                    }
                }
                long[] t = arrivals.stream().mapToLong(Long::longValue).sorted().toArray();
                int peak = 0;
                for (int i = 0, j = 0; j < t.length; j++) {
                    while (t[j] - t[i] >= window * 1_000_000L) {
                        i++;
                    }
                    peak = Math.max(peak, j - i + 1);
                }
                reply(ex, 200, "{\"arrivals\":" + t.length + ",\"windowMs\":" + window + ",\"peak\":" + peak + "}");
                return;
            }
            if (path.equals("/__bench/stats")) {
                reply(ex, 200, "{\"delayMs\":" + delayMillis + ",\"forwarded\":" + forwarded.get() + "}");
                return;
            }
            arrivals.add(System.nanoTime());
            byte[] body = ex.getRequestBody().readAllBytes();
            long delay = delayMillis;
            if (delay > 0) {
                Thread.sleep(delay);
            }
            HttpRequest.Builder req = HttpRequest.newBuilder(target.resolve(ex.getRequestURI().getRawPath()
                            + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery())))
                    .timeout(Duration.ofSeconds(30))
                    .method(ex.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            ex.getRequestHeaders().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(v -> req.header(name, v));
                }
            });
            HttpResponse<byte[]> resp = client.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
            forwarded.incrementAndGet();
            resp.headers().map().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                    ex.getResponseHeaders().put(name, List.copyOf(values));
                }
            });
            byte[] out = resp.body();
            ex.sendResponseHeaders(resp.statusCode(), out.length == 0 ? -1 : out.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            System.err.println("DelayProxy: " + e);
            try {
                reply(ex, 502, "{\"error\":\"" + e.getClass().getSimpleName() + "\"}");
            } catch (IOException ignored) {
                // the exchange is already broken
            }
        } finally {
            ex.close();
        }
    }

    private static void reply(HttpExchange ex, int status, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(b);
        }
    }

}
