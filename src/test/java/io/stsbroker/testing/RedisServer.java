package io.stsbroker.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code redis-server} (Debian's package; {@code .ci/run} installs it) on a free loopback
 * port, with no persistence and a directory of its own; stopped by its pid. It speaks to Redis over
 * a plain socket (RESP), independent of the client under test, to dump every key and value and to
 * record every command Redis receives ({@code MONITOR}).
 */
public final class RedisServer implements AutoCloseable {

    private final int port;
    private final Path dir;
    private Process process;

    private RedisServer(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    /** Starts redis-server on a free loopback port; fails if it does not answer PING within 10 s. */
    public static RedisServer start() throws IOException, InterruptedException {
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            RedisServer r = new RedisServer(freePort(), Files.createTempDirectory("redis-test"));
            try {
                r.launch();
                return r;
            } catch (IOException e) {
                last = e; // the port was taken between choosing and binding it: choose again
                r.close();
            }
        }
        throw last;
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:<port>}, the form {@code quarkus.redis.hosts} takes. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** The pid, for the record; {@link #kill()} and {@link #close()} stop the process by it. */
    public long pid() {
        return process.pid();
    }

    /** Kills the server at once (SIGKILL), as a crash would; {@link #restart()} brings it back on the same port, empty. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Starts the server again on the same port after {@link #kill()}. */
    public void restart() throws IOException, InterruptedException {
        launch();
    }

    private void launch() throws IOException, InterruptedException {
        Path log = dir.resolve("redis.log");
        process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--protected-mode", "yes",
                "--databases", "1")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("redis-server exited: " + Files.readString(log));
            }
            try {
                if ("PONG".equals(command("PING"))) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(20);
        }
        process.destroyForcibly();
        throw new IOException("redis-server did not answer PING within 10 s: " + Files.readString(log));
    }

    /** Sends one command and returns its reply (bulk or simple string, integer as text, arrays as a list). */
    public Object call(String... args) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(5000);
            write(s.getOutputStream(), args);
            return read(new BufferedInputStream(s.getInputStream()));
        }
    }

    private String command(String... args) throws IOException {
        Object r = call(args);
        return r == null ? null : r.toString();
    }

    /** Every key with its value (strings as stored; sets, hashes and lists as their members), sorted by key. */
    public Map<String, String> dump() throws IOException {
        Map<String, String> all = new LinkedHashMap<>();
        List<String> keys = new ArrayList<>(list(call("KEYS", "*")));
        keys.sort(Comparator.naturalOrder());
        for (String k : keys) {
            String type = command("TYPE", k);
            Object v = switch (type) {
                case "string" -> call("GET", k);
                case "set" -> call("SMEMBERS", k);
                case "hash" -> call("HGETALL", k);
                case "list" -> call("LRANGE", k, "0", "-1");
                case "zset" -> call("ZRANGE", k, "0", "-1", "WITHSCORES");
                default -> type;
            };
            all.put(k, String.valueOf(v));
        }
        return all;
    }

    /** Starts recording every command Redis receives until the returned monitor is closed. */
    public Monitor monitor() throws IOException {
        return new Monitor(port);
    }

    /** A {@code MONITOR} connection: every command line Redis receives while it is open. */
    public static final class Monitor implements AutoCloseable {
        private final Socket socket;
        private final StringBuilder lines = new StringBuilder();
        private final Thread reader;

        private Monitor(int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            write(socket.getOutputStream(), "MONITOR");
            InputStream in = new BufferedInputStream(socket.getInputStream());
            Object ok = read(in);
            if (!"OK".equals(ok)) {
                throw new IOException("MONITOR refused: " + ok);
            }
            reader = new Thread(() -> {
                try {
                    while (true) {
                        Object line = read(in);
                        synchronized (lines) {
                            lines.append(line).append('\n');
                        }
                    }
                } catch (IOException closed) {
                    // closed by close()
                }
            }, "redis-monitor");
            reader.setDaemon(true);
            reader.start();
        }

        /** Everything recorded so far. */
        public String text() {
            synchronized (lines) {
                return lines.toString();
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> list(Object reply) {
        return reply instanceof List<?> l ? (List<String>) l : List.of();
    }

    private static void write(OutputStream out, String... args) throws IOException {
        StringBuilder b = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            b.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
        }
        out.write(b.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static Object read(InputStream in) throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new IOException("connection closed");
        }
        String line = line(in);
        switch (type) {
            case '+', ':' -> {
                return line;
            }
            case '-' -> {
                return "ERR:" + line;
            }
            case '$' -> {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    return null;
                }
                byte[] b = in.readNBytes(n + 2);
                return new String(b, 0, n, StandardCharsets.UTF_8);
            }
            case '*' -> {
                int n = Integer.parseInt(line);
                List<Object> items = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    items.add(read(in));
                }
                return items;
            }
            default -> throw new IOException("unexpected RESP type " + (char) type);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != '\r') {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            b.append((char) c);
        }
        in.read(); // \n
        return b.toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Stops the server by its pid and deletes its directory. */
    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
