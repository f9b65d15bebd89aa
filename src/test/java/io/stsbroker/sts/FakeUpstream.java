package io.stsbroker.sts;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP server that misbehaves on purpose: it accepts connections and either never answers
 * or writes a canned (possibly partial) response and then holds the connection open.
 */
final class FakeUpstream implements AutoCloseable {

    private final ServerSocket socket;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    private FakeUpstream(String cannedResponse) throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> acceptLoop(cannedResponse), "fake-upstream");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Accepts and never sends a byte. */
    static FakeUpstream silent() throws IOException {
        return new FakeUpstream(null);
    }

    /** Reads the request head, writes {@code response} and keeps the connection open. */
    static FakeUpstream answering(String response) throws IOException {
        return new FakeUpstream(response);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + socket.getLocalPort();
    }

    int port() {
        return socket.getLocalPort();
    }

    private void acceptLoop(String response) {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                accepted.add(client);
                if (response != null) {
                    skipRequestHead(client.getInputStream());
                    client.getOutputStream().write(response.getBytes(StandardCharsets.UTF_8));
                    client.getOutputStream().flush();
                }
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static void skipRequestHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        int b;
        while (matched < 4 && (b = in.read()) != -1) {
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket s : accepted) {
            s.close();
        }
    }
}
