package io.stsbroker.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A plain TCP relay on a loopback port to a target address: bytes pass through untouched, so a
 * client configured with the relay's URL talks to the real broker. {@link #stop()} closes the
 * listening socket and every open connection, making the broker unreachable at that URL (connection
 * refused); {@link #start()} listens again on the same port. Not an HTTP fake: it never reads a request.
 */
final class TcpRelay implements AutoCloseable {

    private final InetSocketAddress target;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private int port;
    private volatile ServerSocket listener;
    private Thread acceptor;

    TcpRelay(String targetHost, int targetPort) throws IOException {
        this.target = new InetSocketAddress(targetHost, targetPort);
        start();
    }

    /** {@code http://127.0.0.1:<port>}, the URL to give a client instead of the broker's. */
    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Listens (again) on this relay's port. */
    synchronized void start() throws IOException {
        if (listener != null) {
            return;
        }
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        port = socket.getLocalPort();
        listener = socket;
        acceptor = new Thread(() -> accept(socket), "tcp-relay-accept-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Stops listening and cuts every connection: from now on, connecting to the port is refused.
     *
     * <p>Waits for the accepting thread to end, because the JDK closes a listening socket only once
     * no thread is blocked in {@code accept()} on it: until then the kernel still completes
     * handshakes, and the accept may even return one of them.
     */
    synchronized void stop() throws InterruptedException {
        ServerSocket socket = listener;
        if (socket == null) {
            return;
        }
        listener = null;
        closeQuietly(socket);
        acceptor.join(5_000);
        open.forEach(TcpRelay::closeQuietly);
        open.clear();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private void accept(ServerSocket socket) {
        while (!socket.isClosed()) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException closedByStop) {
                continue;
            }
            if (listener != socket) {
                closeQuietly(client); // accepted while stop() was closing the listener
                return;
            }
            Socket upstream = new Socket();
            open.add(client);
            open.add(upstream);
            try {
                upstream.connect(target, 5_000);
            } catch (IOException targetDown) {
                closeQuietly(client);
                closeQuietly(upstream);
                open.remove(client);
                open.remove(upstream);
                continue;
            }
            pipe(client, upstream);
            pipe(upstream, client);
        }
    }

    private void pipe(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // One side closed; the finally below ends the other.
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "tcp-relay-pipe");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(java.io.Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // nothing left to do
            }
        }
    }
}
