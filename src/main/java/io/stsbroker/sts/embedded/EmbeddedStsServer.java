package io.stsbroker.sts.embedded;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigUtils;
import io.stsbroker.config.BrokerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An embedded, wire-compatible Alibaba Cloud STS for dev and tests: it speaks {@code AssumeRole}
 * exactly as the real service does (the official SDK and credentials-java work against it) and
 * hands out fake, self-verifying credentials ({@link EmbeddedSecurityToken}).
 *
 * <p>Started on {@link StartupEvent} only when {@code broker.sts.provider=embedded}, before other
 * start-up observers, on {@code 127.0.0.1:broker.embedded-sts.port} (0 picks a free port, see
 * {@link #actualPort()}); closed on {@link ShutdownEvent} so a dev-mode reload can bind again.
 * It runs on the application's Vert.x event loops and never blocks them.
 *
 * <p>Accepts {@code GET /} and {@code POST /}; parameters come from the query and, for a POST with
 * {@code Content-Type: application/x-www-form-urlencoded}, from the body too (the query wins).
 */
@ApplicationScoped
public class EmbeddedStsServer {

    private static final Logger LOG = Logger.getLogger(EmbeddedStsServer.class);
    private static final String HOST = "127.0.0.1";
    /** Long session policies travel in the query: allow a 32 KiB request line (Vert.x default: 4 KiB). */
    static final int MAX_INITIAL_LINE = 32 * 1024;
    /** Form bodies larger than this are not STS requests; the connection is closed. */
    static final int MAX_BODY_BYTES = 64 * 1024;

    @Inject
    Vertx vertx;
    @Inject
    BrokerConfig config;
    /** Looked up only when the server starts, so a broker on {@code alibaba} never resolves embedded keys. */
    @Inject
    Instance<EmbeddedStsKeys> keys;
    @Inject
    Clock clock;

    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong issued = new AtomicLong();
    /** Requests received and neither answered nor dropped yet, and the most seen at once. */
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicLong peakInFlight = new AtomicLong();
    /** Calls per RoleSessionName (one caller's calls), for at most {@link #MAX_SESSIONS_COUNTED} sessions. */
    private final Map<String, AtomicLong> callsBySession = new ConcurrentHashMap<>();
    static final int MAX_SESSIONS_COUNTED = 100_000;
    /** TCP connections open to this server, and the most seen at once. */
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong peakConnections = new AtomicLong();
    private volatile HttpServer server;
    private volatile AssumeRoleHandler handler;
    /** See {@link FaultStep}; replaced only by tests in this package. */
    private volatile FaultStep faultStep = FaultStep.NONE;
    /** See {@link ExchangeStep}; replaced only by tests in this package. */
    private volatile ExchangeStep exchangeStep = ExchangeStep.NONE;

    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
        if (config.sts().provider() == BrokerConfig.Provider.embedded) {
            start();
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    /**
     * Binds the server, waiting for the bind (start-up runs on the main thread, never an event loop).
     *
     * @throws IllegalStateException naming {@code broker.embedded-sts.port} when the port cannot be bound
     */
    public void start() {
        start(config.embeddedSts().port());
    }

    /** {@link #start()} on an explicit port (0: any free one); a no-op while already listening. */
    synchronized void start(int port) {
        if (server != null) {
            return;
        }
        handler = new AssumeRoleHandler(keys.get(), clock);
        HttpServer candidate = vertx.createHttpServer(new HttpServerOptions()
                        .setHost(HOST)
                        .setPort(port)
                        .setMaxInitialLineLength(MAX_INITIAL_LINE)
                        // HTTP/1.1 only, like STS: an h2c upgrade would move the query into an HTTP/2
                        // :path header capped at 8 KiB, refusing long policies that STS accepts.
                        .setHttp2ClearTextEnabled(false)
                        .setIdleTimeout(60))
                .connectionHandler(connection -> {
                    peakConnections.accumulateAndGet(connections.incrementAndGet(), Math::max);
                    connection.closeHandler(ignored -> connections.decrementAndGet());
                })
                .requestHandler(this::onRequest);
        try {
            candidate.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("The embedded STS cannot listen on " + HOST + ":" + port
                    + " (broker.embedded-sts.port): " + cause + ". Free the port or set broker.embedded-sts.port=0"
                    + " to pick any free one.", cause);
        }
        server = candidate;
        LOG.infof("Embedded STS listening on http://%s:%d, accepting AccessKeyId %s", HOST, candidate.actualPort(),
                keys.get().accessKeyId());
        if (ConfigUtils.isProfileActive("prod")) {
            LOG.warn("!!! broker.sts.provider=embedded in the prod profile: this broker hands out FAKE credentials"
                    + " from its embedded STS that no Alibaba Cloud service accepts. Set broker.sts.provider=alibaba"
                    + " for real ones. !!!");
        }
    }

    /** Closes the server (idempotent); waits for the port to be released. */
    public synchronized void stop() {
        HttpServer running = server;
        server = null;
        if (running == null) {
            return;
        }
        try {
            running.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warnf("Embedded STS did not close cleanly: %s", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** True while listening. */
    public boolean isRunning() {
        return server != null;
    }

    /** The bound port (the real one when configured with 0). */
    public int actualPort() {
        HttpServer running = server;
        if (running == null) {
            throw new IllegalStateException("The embedded STS is not listening (broker.sts.provider is "
                    + config.sts().provider() + ")");
        }
        return running.actualPort();
    }

    /** {@code http://127.0.0.1:<actual port>}, the endpoint to give a client. */
    public String baseUrl() {
        return "http://" + HOST + ":" + actualPort();
    }

    /** Requests to {@code /} answered so far, successful or not: the exact number of upstream calls. */
    public long callCount() {
        return calls.get();
    }

    /** AssumeRole requests answered with fresh credentials so far. */
    public long issuedCount() {
        return issued.get();
    }

    /**
     * Requests that reached {@code /} with this {@code RoleSessionName} (one broker caller's calls),
     * however they were answered: exact per caller even while other callers' background refreshes
     * run, which {@link #callCount()} counts too.
     */
    public long callCount(String roleSessionName) {
        AtomicLong n = callsBySession.get(roleSessionName);
        return n == null ? 0 : n.get();
    }

    /** Requests received and not yet answered or dropped: what a hanging STS is holding right now. */
    public long inFlight() {
        return inFlight.get();
    }

    /** The most requests in flight at once since start or {@link #resetPeaks()}. */
    public long peakInFlight() {
        return peakInFlight.get();
    }

    /** TCP connections open to this server right now (idle keep-alive ones included). */
    public long openConnections() {
        return connections.get();
    }

    /** The most TCP connections open at once since start or {@link #resetPeaks()}. */
    public long peakConnections() {
        return peakConnections.get();
    }

    /** Starts the peaks over from the current values, so a test can measure its own burst. */
    public void resetPeaks() {
        peakInFlight.set(inFlight.get());
        peakConnections.set(connections.get());
    }

    /** Package-private: the fault-injection seam (see {@link FaultStep}). */
    void faultStep(FaultStep step) {
        this.faultStep = step == null ? FaultStep.NONE : step;
    }

    /** Package-private: the recording seam (see {@link ExchangeStep}). */
    void exchangeStep(ExchangeStep step) {
        this.exchangeStep = step == null ? ExchangeStep.NONE : step;
    }

    private void onRequest(HttpServerRequest request) {
        peakInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        AtomicBoolean finished = new AtomicBoolean();
        Runnable finish = () -> {
            if (finished.compareAndSet(false, true)) {
                inFlight.decrementAndGet();
            }
        };
        request.response().endHandler(ignored -> finish.run());
        request.response().closeHandler(ignored -> finish.run());
        countSession(request);
        if (faultStep.intercept(request)) {
            return;
        }
        answerUnfaulted(request);
    }

    private void countSession(HttpServerRequest request) {
        if (!"/".equals(request.path())) {
            return;
        }
        List<String> names;
        try {
            names = new QueryStringDecoder(request.uri(), StandardCharsets.UTF_8).parameters().get("RoleSessionName");
        } catch (IllegalArgumentException badEncoding) {
            return;
        }
        if (names != null && !names.isEmpty()
                && (callsBySession.size() < MAX_SESSIONS_COUNTED || callsBySession.containsKey(names.get(0)))) {
            callsBySession.computeIfAbsent(names.get(0), k -> new AtomicLong()).incrementAndGet();
        }
    }

    /** A request answered by an injected fault still reached "STS": it counts as an upstream call. */
    void countFaultedCall() {
        calls.incrementAndGet();
    }

    /** Normal handling, also used by {@link EmbeddedStsFaults} after an injected delay. */
    void answerUnfaulted(HttpServerRequest request) {
        if (!"/".equals(request.path())) {
            request.response().setStatusCode(404).end();
            return;
        }
        Buffer body = Buffer.buffer();
        request.handler(chunk -> {
            if (body.length() + chunk.length() > MAX_BODY_BYTES) {
                request.connection().close();
            } else {
                body.appendBuffer(chunk);
            }
        });
        request.endHandler(ignored -> answer(request, body));
    }

    private void answer(HttpServerRequest request, Buffer body) {
        String requestId = UUID.randomUUID().toString().toUpperCase(Locale.ROOT);
        StsReply reply;
        if (request.method() != HttpMethod.GET && request.method() != HttpMethod.POST) {
            reply = StsReply.error(requestId, StsError.methodNotAllowed());
        } else {
            Map<String, String> params;
            try {
                params = parameters(request, body);
            } catch (IllegalArgumentException badEncoding) {
                params = null;
            }
            if (params == null) {
                reply = StsReply.error(requestId, StsError.invalidQuery());
            } else {
                reply = exchangeStep.exchange(params, handler.handle(request.method().name(), params));
            }
        }
        calls.incrementAndGet();
        if (reply.isSuccess()) {
            issued.incrementAndGet();
        }
        request.response()
                .setStatusCode(reply.status())
                .putHeader("content-type", "application/json;charset=utf-8")
                .putHeader("x-acs-request-id", reply.requestId())
                .end(reply.body());
    }

    /** Decoded query parameters, then form parameters not already present; the first value of a name wins. */
    private static Map<String, String> parameters(HttpServerRequest request, Buffer body) {
        Map<String, String> params = new HashMap<>();
        addFirstValues(params, new QueryStringDecoder(request.uri(), StandardCharsets.UTF_8).parameters());
        String contentType = request.getHeader("content-type");
        if (request.method() == HttpMethod.POST && body.length() > 0 && contentType != null
                && contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            addFirstValues(params, new QueryStringDecoder(body.toString(StandardCharsets.UTF_8),
                    StandardCharsets.UTF_8, false).parameters());
        }
        return params;
    }

    private static void addFirstValues(Map<String, String> target, Map<String, List<String>> decoded) {
        decoded.forEach((name, values) -> {
            if (!values.isEmpty()) {
                target.putIfAbsent(name, values.get(0));
            }
        });
    }
}
