package io.stsbroker.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A deliberately dumb HTTP/1.1 client over a plain socket: sends exactly the bytes it is given
 * (REST Assured and the JDK client refuse or rewrite hostile input) and reads one response, with a
 * hard deadline so that a server that hangs fails the test instead of stalling it.
 */
public final class RawHttp {

    /** One response; {@code status} is -1 when the server closed the connection without answering. */
    public record Reply(int status, Map<String, List<String>> headers, byte[] body, long millis) {

        public String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null || v.isEmpty() ? null : v.get(0);
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            String t = text();
            return status + " " + headers + " " + (t.length() > 300 ? t.substring(0, 300) + "..." : t);
        }
    }

    private final String host;
    private final int port;
    private final Duration timeout;

    public RawHttp(String host, int port, Duration timeout) {
        this.host = host;
        this.port = port;
        this.timeout = timeout;
    }

    /** An HTTP/1.1 request with Host, Connection: close and (with a body) Content-Length added. */
    public static byte[] request(String method, String target, List<String[]> headers, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, (method + " " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n").getBytes(StandardCharsets.ISO_8859_1));
        for (String[] h : headers) {
            write(out, (h[0] + ": " + h[1] + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }
        if (body != null) {
            write(out, ("Content-Length: " + body.length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }
        write(out, "\r\n".getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            write(out, body);
        }
        return out.toByteArray();
    }

    public Reply send(byte[] request) throws IOException {
        return send(null, request);
    }

    /** Sends from {@code local} (e.g. 127.0.0.2, to appear as another client), or any address when null. */
    public Reply send(InetAddress local, byte[] request) throws IOException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        try (Socket s = new Socket()) {
            if (local != null) {
                s.bind(new InetSocketAddress(local, 0));
            }
            s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            s.setSoTimeout((int) timeout.toMillis());
            OutputStream out = s.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (IOException e) {
                // The server may answer and close before reading all of a large request: read what it said.
            }
            return read(s.getInputStream(), start, deadline);
        }
    }

    private static Reply read(InputStream in, long start, long deadline) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        try {
            while (state < 4) {
                check(deadline);
                int b = in.read();
                if (b < 0) {
                    return new Reply(-1, Map.of(), head.toByteArray(), elapsed(start));
                }
                head.write(b);
                state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1
                        : (b == '\r' ? 1 : 0);
            }
        } catch (java.net.SocketException e) {
            if (head.size() == 0) {
                return new Reply(-1, Map.of(), new byte[0], elapsed(start));
            }
            throw e;
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int c = lines[i].indexOf(':');
            if (c > 0) {
                headers.computeIfAbsent(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(lines[i].substring(c + 1).trim());
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        List<String> length = headers.get("content-length");
        List<String> te = headers.get("transfer-encoding");
        if (length != null) {
            long n = Long.parseLong(length.get(0));
            for (long i = 0; i < n; i++) {
                check(deadline);
                int b = in.read();
                if (b < 0) {
                    break;
                }
                body.write(b);
            }
        } else if (te != null && te.get(0).toLowerCase(Locale.ROOT).contains("chunked")) {
            while (true) {
                check(deadline);
                String size = line(in);
                int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                if (n == 0) {
                    break;
                }
                for (int i = 0; i < n; i++) {
                    body.write(in.read());
                }
                line(in);
            }
        } else {
            int b;
            while ((b = in.read()) >= 0) {
                check(deadline);
                body.write(b);
            }
        }
        return new Reply(status, headers, body.toByteArray(), elapsed(start));
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                sb.append((char) b);
            }
        }
        return sb.toString();
    }

    private static void check(long deadline) throws SocketTimeoutException {
        if (System.nanoTime() > deadline) {
            throw new SocketTimeoutException("no complete response before the deadline");
        }
    }

    private static long elapsed(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static void write(ByteArrayOutputStream out, byte[] b) {
        out.write(b, 0, b.length);
    }
}
