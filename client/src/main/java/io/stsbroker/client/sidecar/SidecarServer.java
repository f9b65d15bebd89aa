package io.stsbroker.client.sidecar;

import io.stsbroker.client.CredentialsSource;
import io.stsbroker.client.TemporaryCredentials;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * A loopback HTTP endpoint serving a {@link CredentialsSource}'s credentials in the credentials-java
 * URI format at {@value #CREDENTIALS_PATH} (behind a secret path token when one is set), start-up
 * health at {@value #HEALTH_PATH} and liveness at {@value #LIVE_PATH}.
 *
 * <p>{@value #HEALTH_PATH} answers 200 {@code {"status":"UP"}} while the sidecar holds an
 * unexpired credential and 503 with a JSON {@code reason} before the first one and after the last
 * one expired; {@value #LIVE_PATH} answers 200 whenever the sidecar can answer at all. Neither
 * ever waits for the broker.
 *
 * <p>Start it in-process with {@link #start(CredentialsSource, int)} (loopback) or
 * {@link #builder(CredentialsSource)}, and stop it with {@link #close()}; {@link SidecarMain} wraps
 * it as a command. Requests whose {@code Host} header the {@link HostPolicy} refuses get 403,
 * which defeats DNS-rebinding pages in a browser.
 */
public final class SidecarServer implements AutoCloseable {
    public static final String CREDENTIALS_PATH = "/v1/credentials";
    public static final String HEALTH_PATH = "/health";
    public static final String LIVE_PATH = "/health/live";
    /** Path tokens: base64url, at least 128 bits. */
    static final Pattern PATH_TOKEN = Pattern.compile("[A-Za-z0-9_-]{22,256}");

    /** Enough that a few slow local clients leave threads for everyone else. */
    private static final int THREADS = 16;
    private static final int MAX_CONNECTIONS = 128;

    private final MiniHttpServer server;
    private final Held held;
    private final String pathToken;
    private final CountDownLatch closed = new CountDownLatch(1);

    private SidecarServer(MiniHttpServer server, Held held, String pathToken) {
        this.server = server;
        this.held = held;
        this.pathToken = pathToken;
    }

    /** Starts serving {@code source} on {@code 127.0.0.1:port}; port 0 picks a free port. */
    public static SidecarServer start(CredentialsSource source, int port) throws IOException {
        return builder(source).port(port).start();
    }

    /**
     * Starts serving {@code source} on {@code address}. Binding a non-loopback address exposes the
     * credentials to every host that can reach it.
     *
     * @throws java.net.BindException if the address is in use or not local
     */
    public static SidecarServer start(CredentialsSource source, InetSocketAddress address) throws IOException {
        return builder(source).bind(address.getAddress()).port(address.getPort()).start();
    }

    /** Configures a sidecar for {@code source}. */
    public static Builder builder(CredentialsSource source) {
        return new Builder(source);
    }

    /** A new random path token: 256 bits, base64url. */
    public static String newPathToken() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The address actually bound (with the chosen port when 0 was asked for). */
    public InetSocketAddress address() {
        return server.address();
    }

    /** The port actually bound. */
    public int port() {
        return address().getPort();
    }

    /** The URL to put in {@code ALIBABA_CLOUD_CREDENTIALS_URI}; it holds the path token, if any. */
    public URI credentialsUri() {
        return URI.create(base() + (pathToken == null ? "" : "/" + pathToken) + CREDENTIALS_PATH);
    }

    /** {@link #credentialsUri()} with the path token, if any, replaced by {@code placeholder}: safe to log. */
    String credentialsUriShown(String placeholder) {
        return base() + (pathToken == null ? "" : "/" + placeholder) + CREDENTIALS_PATH;
    }

    /**
     * Fetches credentials now, on the calling thread, so a start-up can wait for the first one.
     *
     * @throws io.stsbroker.client.BrokerException if the source fails
     */
    public TemporaryCredentials prime() {
        return held.fetch();
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
        server.close();
        held.close();
    }

    @Override
    public String toString() {
        return "SidecarServer[" + credentialsUriShown("<path-token>") + "]";
    }

    private String base() {
        InetAddress bound = address().getAddress();
        String host = bound.isAnyLocalAddress() ? "127.0.0.1"
                : bound.getHostAddress().contains(":") ? "[" + bound.getHostAddress() + "]" : bound.getHostAddress();
        return "http://" + host + ":" + port();
    }

    /**
     * The credential the sidecar last obtained from its source, and the one background fetch that
     * health checks may start while none is held.
     */
    static final class Held {
        private final CredentialsSource source;
        private final AtomicReference<TemporaryCredentials> current = new AtomicReference<>();
        private final AtomicBoolean priming = new AtomicBoolean();
        private final ExecutorService primer = new ThreadPoolExecutor(0, 1, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), task -> {
                    Thread thread = new Thread(task, "sts-broker-sidecar-prime");
                    thread.setDaemon(true);
                    return thread;
                });

        Held(CredentialsSource source) {
            this.source = source;
        }

        /** Asks the source and remembers what it handed out. */
        TemporaryCredentials fetch() {
            TemporaryCredentials fresh = source.credentials();
            current.accumulateAndGet(fresh, (old, now) ->
                    old == null || !now.expiration().isBefore(old.expiration()) ? now : old);
            return fresh;
        }

        /** The latest-expiring credential obtained so far, or null. */
        TemporaryCredentials current() {
            return current.get();
        }

        /** Starts one background fetch unless one is running; its failure is remembered by the client. */
        void primeInBackground() {
            if (!priming.compareAndSet(false, true)) {
                return;
            }
            try {
                primer.execute(() -> {
                    try {
                        fetch();
                    } catch (RuntimeException e) {
                        // Health keeps saying why; the credentials path reports the failure itself.
                    } finally {
                        priming.set(false);
                    }
                });
            } catch (RuntimeException rejected) {
                priming.set(false);
            }
        }

        void close() {
            primer.shutdownNow();
        }
    }

    /** Configures a {@link SidecarServer}. */
    public static final class Builder {
        private final CredentialsSource source;
        private InetAddress bind = InetAddress.getLoopbackAddress();
        private int port;
        private Set<String> allowedHosts = Set.of();
        private String pathToken;
        private Duration readTimeout = Duration.ofSeconds(5);
        private Clock clock = Clock.systemUTC();

        private Builder(CredentialsSource source) {
            this.source = Objects.requireNonNull(source, "source");
        }

        /** The address to listen on. By default, the loopback address. */
        public Builder bind(InetAddress bind) {
            this.bind = Objects.requireNonNull(bind, "bind");
            return this;
        }

        /** The TCP port; 0 picks a free one. By default, 0. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be from 0 to 65535: " + port);
            }
            this.port = port;
            return this;
        }

        /** Host header values answered besides those the bind address implies (see {@link HostPolicy}). By default, none. */
        public Builder allowedHosts(Set<String> hosts) {
            for (String host : hosts) {
                if (!HostPolicy.validAllowedHost(host)) {
                    throw new IllegalArgumentException("allowed host must be a DNS name or IP literal: '" + host + "'");
                }
            }
            this.allowedHosts = Set.copyOf(hosts);
            return this;
        }

        /**
         * A secret path segment: credentials are served only at {@code /<token>/v1/credentials},
         * and {@code /v1/credentials} answers 404. At least 22 base64url characters (128 bits). By default, none.
         */
        public Builder pathToken(String token) {
            if (token == null || !PATH_TOKEN.matcher(token).matches()) {
                throw new IllegalArgumentException("path token must be 22-256 characters of A-Z a-z 0-9 _ -");
            }
            this.pathToken = token;
            return this;
        }

        /** Time a connection has to send its request line and headers; then it is closed. By default, 5 seconds. */
        public Builder readTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("readTimeout must be positive: " + timeout);
            }
            this.readTimeout = timeout;
            return this;
        }

        /** The clock health uses to decide whether the held credential has expired. By default, UTC system time. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Binds and starts serving. */
        public SidecarServer start() throws IOException {
            Held held = new Held(source);
            SidecarHandler handler = new SidecarHandler(held, HostPolicy.forBind(bind, allowedHosts), pathToken, clock);
            MiniHttpServer server = MiniHttpServer.start(new InetSocketAddress(bind, port), handler::handle,
                    readTimeout, THREADS, MAX_CONNECTIONS);
            return new SidecarServer(server, held, pathToken);
        }
    }
}
