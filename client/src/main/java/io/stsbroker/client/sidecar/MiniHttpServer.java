package io.stsbroker.client.sidecar;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The sidecar's HTTP/1.1 listener: one request per connection ({@code Connection: close}), a
 * bounded request head, and a deadline for reading it.
 *
 * <p>Why not the JDK's {@code com.sun.net.httpserver}: its only bound on reading a request is the
 * JVM-wide {@code sun.net.httpserver.maxReqTime}, read once when the JDK server is first used, so
 * an in-process sidecar could not rely on it; a connection that never finishes its headers then
 * holds a handler thread for good. Here every connection gets {@code readTimeout} to send its
 * request head, at most {@value #MAX_HEAD} bytes of it, and {@code threads} handler threads serve
 * at most {@code maxConnections} open connections; more are closed at once.
 */
final class MiniHttpServer implements AutoCloseable {
    /** Request line plus headers; the sidecar's requests are a few hundred bytes. */
    static final int MAX_HEAD = 8 * 1024;
    /** A request body is never used; up to this much is read and dropped so the client sees the answer. */
    private static final int MAX_DISCARDED_BODY = 64 * 1024;
    private static final AtomicInteger SERVER_COUNTER = new AtomicInteger();

    /**
     * One parsed request.
     *
     * @param method  e.g. {@code GET}
     * @param target  the request target as sent (origin form {@code /path?query} or absolute form)
     * @param headers header lines in order, names as sent
     */
    record Request(String method, String target, List<Map.Entry<String, String>> headers) {
        /** Every value of header {@code name}, matched case-insensitively. */
        List<String> header(String name) {
            List<String> values = new ArrayList<>();
            for (Map.Entry<String, String> h : headers) {
                if (h.getKey().equalsIgnoreCase(name)) {
                    values.add(h.getValue());
                }
            }
            return values;
        }
    }

    /** One response; {@code headers} are added to the ones every response carries. */
    record Response(int status, Map<String, String> headers, String body) {
    }

    private final ServerSocket socket;
    private final Function<Request, Response> handler;
    private final Duration readTimeout;
    private final int maxConnections;
    private final ExecutorService workers;
    private final Thread acceptor;
    private final AtomicInteger open = new AtomicInteger();
    private volatile boolean closed;

    private MiniHttpServer(ServerSocket socket, Function<Request, Response> handler, Duration readTimeout,
                           int threads, int maxConnections) {
        this.socket = socket;
        this.handler = handler;
        this.readTimeout = readTimeout;
        this.maxConnections = maxConnections;
        int id = SERVER_COUNTER.incrementAndGet();
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                task -> daemon(task, "sts-broker-sidecar-" + id + "-" + count.incrementAndGet()));
        pool.allowCoreThreadTimeOut(true);
        this.workers = pool;
        this.acceptor = daemon(this::acceptLoop, "sts-broker-sidecar-" + id + "-accept");
    }

    /** Binds {@code address} and starts accepting. */
    static MiniHttpServer start(InetSocketAddress address, Function<Request, Response> handler, Duration readTimeout,
                                int threads, int maxConnections) throws IOException {
        ServerSocket socket = new ServerSocket();
        try {
            socket.bind(address, 64);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        MiniHttpServer server = new MiniHttpServer(socket, handler, readTimeout, threads, maxConnections);
        server.acceptor.start();
        return server;
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    @Override
    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        workers.shutdownNow();
        try {
            acceptor.join(2_000);
            workers.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket connection;
            try {
                connection = socket.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            if (open.incrementAndGet() > maxConnections) {
                open.decrementAndGet();
                closeQuietly(connection);
                continue;
            }
            try {
                workers.execute(() -> {
                    try {
                        serve(connection);
                    } finally {
                        open.decrementAndGet();
                        closeQuietly(connection);
                    }
                });
            } catch (RuntimeException rejected) {
                open.decrementAndGet();
                closeQuietly(connection);
            }
        }
    }

    private void serve(Socket connection) {
        long deadline = System.nanoTime() + readTimeout.toNanos();
        try {
            InputStream in = new java.io.BufferedInputStream(connection.getInputStream(), 1024);
            byte[] head = readHead(connection, in, deadline);
            if (head == null) {
                return; // too slow, too large or closed: drop it without a word
            }
            Request request = parse(new String(head, StandardCharsets.ISO_8859_1));
            Response response = request == null
                    ? new Response(400, Map.of(), UriCredentialsBody.error("BadRequest", "Malformed HTTP request."))
                    : handler.apply(request);
            if (request != null) {
                discardBody(connection, in, request, deadline);
            }
            write(connection.getOutputStream(), response, request != null && request.method().equals("HEAD"));
        } catch (IOException e) {
            // the client went away or was too slow; nothing to tell it
        }
    }

    /** Reads up to the blank line ending the head; null if the deadline or the size limit is hit first. */
    private static byte[] readHead(Socket connection, InputStream in, long deadline) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int previous = -1;
        int beforePrevious = -1;
        while (true) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return null;
            }
            connection.setSoTimeout((int) Math.min(left, Integer.MAX_VALUE));
            int b;
            try {
                b = in.read();
            } catch (SocketTimeoutException | SocketException e) {
                return null;
            }
            if (b < 0 || head.size() >= MAX_HEAD) {
                return null;
            }
            head.write(b);
            // The head ends at an empty line: "\n\n" or "\n\r\n".
            if (b == '\n' && (previous == '\n' || previous == '\r' && beforePrevious == '\n')) {
                return head.toByteArray();
            }
            beforePrevious = previous;
            previous = b;
        }
    }

    /** The request line and headers, or null if they are not well-formed HTTP/1.x. */
    static Request parse(String head) {
        String[] lines = head.split("\r?\n", -1);
        String[] first = lines[0].split(" ", -1);
        if (first.length != 3 || !first[2].matches("HTTP/1\\.[01]") || !first[0].matches("[A-Z]{1,16}")
                || first[1].isEmpty() || !first[1].chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            return null;
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            // Obsolete line folding and names with spaces are refused, as RFC 9112 allows.
            if (colon <= 0 || !line.substring(0, colon).matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                return null;
            }
            String value = line.substring(colon + 1).strip();
            if (value.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
                return null;
            }
            headers.add(Map.entry(line.substring(0, colon), value));
        }
        return new Request(first[0], first[1], List.copyOf(headers));
    }

    private static void discardBody(Socket connection, InputStream in, Request request, long deadline) throws IOException {
        List<String> lengths = request.header("Content-Length");
        if (lengths.size() != 1 || !lengths.get(0).matches("\\d{1,9}")) {
            return;
        }
        long remaining = Math.min(Long.parseLong(lengths.get(0)), MAX_DISCARDED_BODY);
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (remaining == 0 || left <= 0) {
            return;
        }
        connection.setSoTimeout((int) left);
        try {
            in.skipNBytes(remaining);
        } catch (IOException e) {
            // answered anyway
        }
    }

    private static void write(OutputStream out, Response response, boolean head) throws IOException {
        byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
        StringBuilder text = new StringBuilder("HTTP/1.1 ").append(response.status()).append(' ')
                .append(reason(response.status())).append("\r\n")
                .append("Content-Type: application/json; charset=utf-8\r\n")
                .append("Cache-Control: no-store\r\n")
                .append("Content-Length: ").append(body.length).append("\r\n")
                .append("Connection: close\r\n");
        response.headers().forEach((name, value) -> text.append(name).append(": ").append(value).append("\r\n"));
        text.append("\r\n");
        out.write(text.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (!head) {
            out.write(body);
        }
        out.flush();
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            default -> "Status " + status;
        };
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name.toLowerCase(Locale.ROOT));
        thread.setDaemon(true);
        return thread;
    }

    private static void closeQuietly(Socket connection) {
        try {
            connection.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
