import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
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
 * A loopback proxy that holds traffic for a settable delay. In HTTP mode (the default) it holds every
 * request, then forwards it unchanged to one upstream: the nearest honest stand-in for a slow STS, since the embedded STS's own latency
 * control is a test-only API. A broker on {@code broker.sts.provider=alibaba} with
 * {@code broker.sts.endpoint=http://127.0.0.1:<this port>} signs its AssumeRole requests exactly as
 * for Alibaba; the proxy passes method, path, query, body and headers through (the signature covers
 * the query, which is untouched), so a second broker's embedded STS verifies and answers them.
 *
 * <pre>
 * java DelayProxy --port P --target http://127.0.0.1:Q [--delay-ms 0] [--threads 64]
 *   GET /__bench/delay?ms=N   sets the delay (answers the new value)
 *   GET /__bench/stats        forwarded requests and the current delay
 *   GET /__bench/arrivals?window-ms=1000[&reset=1][&list=1]
 *                             requests that arrived so far and the most in any sliding window of that
 *                             length (arrival = the moment the proxy's handler took the request);
 *                             reset=1 forgets them first; list=1 adds every arrival time, in
 *                             microseconds since the epoch, to compare with another process's clock
 * </pre>
 * The delay is a blocking sleep on one of {@code --threads} threads, so up to that many calls can be
 * held at once; the broker's refresh traffic is a few calls per second.
 *
 * <p>In TCP mode ({@code --mode tcp --target HOST:PORT --control-port C}) it relays raw bytes (Redis's
 * protocol, for instance) and delivers each chunk read from either side {@code delay} later, in order,
 * so the delay is one way and a round trip takes two of it; the HTTP server on {@code --control-port}
 * answers {@code /__bench/delay} and {@code /__bench/stats} only.
 */
public final class DelayProxy {

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "host", "expect", "upgrade",
            "keep-alive", "transfer-encoding", "te", "trailer", "proxy-connection");

    private final URI target;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private volatile long delayMillis;
    private final AtomicLong forwarded = new AtomicLong();
    /**
     * Arrival times of forwarded requests, for the upstream's own view of the call rate: microseconds
     * since the epoch, read as one wall-clock instant at start plus {@link System#nanoTime()} since
     * (monotonic, yet comparable with another process's wall clock such as Redis's {@code TIME}).
     */
    private final java.util.concurrent.ConcurrentLinkedQueue<Long> arrivals = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final long epochMicrosAtStart;
    private final long nanosAtStart = System.nanoTime();
    /** TCP mode: the relay's own target, host and port. */
    private final InetSocketAddress tcpTarget;

    private DelayProxy(URI target, InetSocketAddress tcpTarget, long delayMillis) {
        this.target = target;
        this.tcpTarget = tcpTarget;
        this.delayMillis = delayMillis;
        java.time.Instant now = java.time.Instant.now();
        this.epochMicrosAtStart = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    public static void main(String[] args) throws IOException {
        Args opts = Args.parse("DelayProxy", args).only("port", "target", "delay-ms", "threads", "mode", "control-port");
        int port = opts.integer("port", 0);
        String target = opts.require("target");
        long delay = opts.integer("delay-ms", 0);
        int threads = opts.integer("threads", 64);
        String mode = opts.get("mode", "http");
        HttpServer server;
        if (mode.equals("tcp")) {
            int colon = target.lastIndexOf(':');
            if (colon < 0) {
                throw opts.fail("--target must be HOST:PORT in tcp mode, got " + target);
            }
            DelayProxy proxy = new DelayProxy(null, new InetSocketAddress(target.substring(0, colon),
                    Integer.parseInt(target.substring(colon + 1))), delay);
            java.net.ServerSocket listener = new java.net.ServerSocket(port, 256, InetAddress.getLoopbackAddress());
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), opts.integer("control-port")), 16);
            server.createContext("/", proxy::control);
            server.setExecutor(Executors.newFixedThreadPool(2));
            server.start();
            Thread acceptor = new Thread(() -> proxy.accept(listener), "tcp-accept");
            acceptor.start();
            Log.info("DelayProxy (tcp) on 127.0.0.1:%d -> %s, delay %d ms one way, control http://127.0.0.1:%d",
                    listener.getLocalPort(), target, delay, server.getAddress().getPort());
            return;
        }
        if (!mode.equals("http")) {
            throw opts.fail("--mode must be http or tcp, got " + mode);
        }
        DelayProxy proxy = new DelayProxy(URI.create(target), null, delay);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
        server.createContext("/", proxy::handle);
        server.setExecutor(Executors.newFixedThreadPool(threads));
        server.start();
        Log.info("DelayProxy on http://127.0.0.1:%d -> %s, delay %d ms",
                server.getAddress().getPort(), target, delay);
    }

    /** A number field of one of the proxy's JSON answers ({@code /__bench/arrivals}, {@code /__bench/stats}). */
    static long field(String json, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + name + "\":(\\d+)").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + name + " in the proxy's answer");
        }
        return Long.parseLong(m.group(1));
    }

    private long epochMicros() {
        return epochMicrosAtStart + (System.nanoTime() - nanosAtStart) / 1_000;
    }

    /** The control endpoints; true when {@code ex} was one of them (and has been answered). */
    private boolean controlled(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        if (path.equals("/__bench/delay")) {
            String q = ex.getRequestURI().getQuery();
            if (q != null && q.startsWith("ms=")) {
                delayMillis = Long.parseLong(q.substring(3));
            }
            reply(ex, 200, "{\"delayMs\":" + delayMillis + "}");
            return true;
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
            int peak = Stats.peakInWindow(t, window * 1_000L);
            String list = q.contains("list=1") ? ",\"epochMicros\":" + java.util.Arrays.toString(t).replace(" ", "") : "";
            reply(ex, 200, "{\"arrivals\":" + t.length + ",\"windowMs\":" + window + ",\"peak\":" + peak + list + "}");
            return true;
        }
        if (path.equals("/__bench/stats")) {
            reply(ex, 200, "{\"delayMs\":" + delayMillis + ",\"forwarded\":" + forwarded.get() + "}");
            return true;
        }
        return false;
    }

    /** TCP mode's HTTP server: control endpoints only. */
    private void control(HttpExchange ex) {
        try {
            if (!controlled(ex)) {
                reply(ex, 404, "{\"error\":\"tcp mode: control endpoints only\"}");
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("DelayProxy: " + e);
        } finally {
            ex.close();
        }
    }

    // ---------------------------------------------------------------- tcp mode

    private void accept(java.net.ServerSocket listener) {
        while (true) {
            try {
                Socket client = listener.accept();
                Socket upstream = new Socket();
                upstream.connect(tcpTarget, 5_000);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                forwarded.incrementAndGet();
                relay(client, upstream, "c>s");
                relay(upstream, client, "s>c");
            } catch (IOException e) {
                System.err.println("DelayProxy: " + e);
            }
        }
    }

    /** One direction: a reader stamps each chunk with when it is due, a writer delivers it then, in order. */
    private void relay(Socket from, Socket to, String name) {
        java.util.concurrent.BlockingQueue<Object[]> due = new java.util.concurrent.LinkedBlockingQueue<>();
        byte[] eof = new byte[0];
        Thread reader = new Thread(() -> {
            byte[] buf = new byte[16 * 1024];
            try (var in = from.getInputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    due.put(new Object[]{System.nanoTime() + delayMillis * 1_000_000L, java.util.Arrays.copyOf(buf, n)});
                }
            } catch (IOException | InterruptedException ignored) {
                // the connection is gone; the writer closes the other side
            }
            due.add(new Object[]{System.nanoTime() + delayMillis * 1_000_000L, eof});
        }, "tcp-" + name + "-read");
        Thread writer = new Thread(() -> {
            try (var out = to.getOutputStream()) {
                while (true) {
                    Object[] chunk = due.take();
                    long wait = (long) chunk[0] - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
                    }
                    if (chunk[1] == eof) {
                        break;
                    }
                    out.write((byte[]) chunk[1]);
                    out.flush();
                }
            } catch (IOException | InterruptedException ignored) {
                // the other side is gone
            }
            try {
                from.close();
                to.close();
            } catch (IOException ignored) {
                // closing
            }
        }, "tcp-" + name + "-write");
        reader.setDaemon(true);
        writer.setDaemon(true);
        reader.start();
        writer.start();
    }

    // ---------------------------------------------------------------- http mode

    private void handle(HttpExchange ex) {
        try {
            if (controlled(ex)) {
                return;
            }
            arrivals.add(epochMicros());
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
