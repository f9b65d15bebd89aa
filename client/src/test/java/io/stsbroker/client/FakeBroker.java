package io.stsbroker.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process stand-in for the broker on a loopback port, speaking raw HTTP/1.1 so it can
 * misbehave the ways a real server or a network can: answer with any status and body, stall in
 * the middle of a body, flood, or drop connections. It counts and records every request.
 */
public final class FakeBroker implements AutoCloseable {

    /** What the fake does with one request; it writes the raw response itself. */
    @FunctionalInterface
    public interface Behaviour {
        void answer(String requestHead, OutputStream out) throws IOException, InterruptedException;
    }

    private final ServerSocket socket;
    private final Thread acceptor;
    private final AtomicInteger requests = new AtomicInteger();
    private final List<String> heads = new CopyOnWriteArrayList<>();
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile Behaviour behaviour = credentials(Instant.now().plusSeconds(3600));

    public FakeBroker() throws IOException {
        socket = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::acceptLoop, "fake-broker-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public String url() {
        return "http://127.0.0.1:" + socket.getLocalPort();
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** Requests received so far (counted once their head is read). */
    public int requests() {
        return requests.get();
    }

    /** The request heads received, in order. */
    public List<String> heads() {
        return List.copyOf(heads);
    }

    /** The request bodies received (empty for a request without one), in order. */
    public List<String> bodies() {
        return List.copyOf(bodies);
    }

    public FakeBroker behave(Behaviour next) {
        this.behaviour = next;
        return this;
    }

    /** A well-formed credentials answer expiring at {@code expiration}. */
    public static Behaviour credentials(Instant expiration) {
        AtomicInteger n = new AtomicInteger();
        return (head, out) -> {
            int i = n.incrementAndGet();
            json(200, Map.of(), "{\"accessKeyId\":\"STS.fake" + i + "\",\"accessKeySecret\":\"secret" + i
                    + "\",\"securityToken\":\"CAIS+token/" + i + "=\",\"expiration\":\"" + expiration + "\","
                    + "\"role\":\"search-reader\"}").answer(head, out);
        };
    }

    /** A JSON answer with {@code status}, extra {@code headers} and {@code body}. */
    public static Behaviour json(int status, Map<String, String> headers, String body) {
        return (head, out) -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            StringBuilder text = new StringBuilder("HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + bytes.length + "\r\nConnection: close\r\n");
            headers.forEach((k, v) -> text.append(k).append(": ").append(v).append("\r\n"));
            out.write(text.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
            out.write(bytes);
            out.flush();
        };
    }

    /** Headers promising a megabyte, one byte, then silence until closed. */
    public Behaviour stallBody() {
        return (head, out) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            closed.await(60, TimeUnit.SECONDS);
        };
    }

    /** A 200 that sends body bytes for as long as anyone reads them (up to 1 GiB). */
    public static Behaviour flood() {
        return (head, out) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1073741824\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) 'x');
            for (int i = 0; i < 16 * 1024; i++) {
                out.write(chunk);
            }
        };
    }

    /** Drops every connection once its request is read: the broker is "down". */
    public static Behaviour drop() {
        return (head, out) -> {
            throw new IOException("dropped");
        };
    }

    @Override
    public void close() throws IOException {
        closed.countDown();
        socket.close();
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            Socket connection;
            try {
                connection = socket.accept();
            } catch (IOException e) {
                return;
            }
            Thread worker = new Thread(() -> serve(connection), "fake-broker-conn");
            worker.setDaemon(true);
            worker.start();
        }
    }

    private void serve(Socket connection) {
        try (connection) {
            String head = readHead(connection.getInputStream());
            if (head == null) {
                return;
            }
            heads.add(head);
            bodies.add(readBody(head, connection.getInputStream()));
            requests.incrementAndGet();
            behaviour.answer(head, connection.getOutputStream());
        } catch (IOException | InterruptedException e) {
            // the client went away, or the behaviour dropped the connection on purpose
        }
    }

    private static String readBody(String head, InputStream in) throws IOException {
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?im)^content-length:\\s*(\\d+)\\s*$").matcher(head);
        if (!length.find()) {
            return "";
        }
        return new String(in.readNBytes(Integer.parseInt(length.group(1))), StandardCharsets.UTF_8);
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            String text = head.toString(StandardCharsets.ISO_8859_1);
            if (text.endsWith("\r\n\r\n")) {
                return text;
            }
        }
        return null;
    }
}
