package io.stsbroker.client.sidecar;

import com.sun.net.httpserver.HttpServer;
import io.stsbroker.client.CredentialsSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP endpoint serving a {@link CredentialsSource}'s credentials in the credentials-java
 * URI format at {@value #CREDENTIALS_PATH}, and liveness at {@value #HEALTH_PATH}.
 *
 * <p>Start it in-process with {@link #start(CredentialsSource, int)} (loopback) and stop it with
 * {@link #close()}; {@link SidecarMain} wraps it as a command. The endpoint has no authentication:
 * on loopback it is protected by the host (or pod) boundary, and requests whose {@code Host} header
 * does not name a loopback address are refused, which defeats DNS-rebinding pages in a browser.
 */
public final class SidecarServer implements AutoCloseable {
    public static final String CREDENTIALS_PATH = "/v1/credentials";
    public static final String HEALTH_PATH = "/health";

    /** Few threads suffice: the source answers from cache except once per rotation. */
    private static final int THREADS = 4;
    private static final AtomicInteger SERVER_COUNTER = new AtomicInteger();

    private final HttpServer server;
    private final ExecutorService executor;
    private final CountDownLatch closed = new CountDownLatch(1);

    private SidecarServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts serving {@code source} on {@code 127.0.0.1:port}; port 0 picks a free port. */
    public static SidecarServer start(CredentialsSource source, int port) throws IOException {
        return start(source, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }

    /**
     * Starts serving {@code source} on {@code address}. Binding a non-loopback address exposes the
     * credentials to every host that can reach it.
     *
     * @throws java.net.BindException if the address is in use or not local
     */
    public static SidecarServer start(CredentialsSource source, InetSocketAddress address) throws IOException {
        Objects.requireNonNull(source, "source");
        HttpServer server = HttpServer.create(address, 0);
        int id = SERVER_COUNTER.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, task -> {
            Thread thread = new Thread(task, "sts-broker-sidecar-" + id + "-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        SidecarHandler handler = new SidecarHandler(source, address.getAddress().isLoopbackAddress());
        server.createContext("/", handler::handle);
        server.setExecutor(executor);
        server.start();
        return new SidecarServer(server, executor);
    }

    /** The address actually bound (with the chosen port when 0 was asked for). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** The port actually bound. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The URL to put in {@code ALIBABA_CLOUD_CREDENTIALS_URI}. */
    public URI credentialsUri() {
        InetAddress bound = server.getAddress().getAddress();
        String host = bound.isAnyLocalAddress() ? "127.0.0.1"
                : bound.getHostAddress().contains(":") ? "[" + bound.getHostAddress() + "]" : bound.getHostAddress();
        return URI.create("http://" + host + ":" + port() + CREDENTIALS_PATH);
    }

    /** Blocks until {@link #close()} is called. */
    public void awaitClosed() throws InterruptedException {
        closed.await();
    }

    /** Stops listening and ends the server's threads; idempotent. */
    @Override
    public void close() {
        if (closed.getCount() == 0) {
            return;
        }
        closed.countDown();
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "SidecarServer[" + credentialsUri() + "]";
    }
}
