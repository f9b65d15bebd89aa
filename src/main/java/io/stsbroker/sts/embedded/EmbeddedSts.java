package io.stsbroker.sts.embedded;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.tracing.TracingPolicy;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One listening embedded STS on {@code 127.0.0.1}: the HTTP side of {@link AssumeRoleHandler}, on
 * the given Vert.x instance's event loops, never blocking them. {@link EmbeddedStsServer} runs one
 * inside the application; tests may run one of their own without CDI.
 *
 * <p>Accepts {@code GET /} and {@code POST /}; parameters come from the query and, for a POST with
 * {@code Content-Type: application/x-www-form-urlencoded}, from the body too (the query wins).
 */
public final class EmbeddedSts implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EmbeddedSts.class);
    static final String HOST = "127.0.0.1";
    /** Long session policies travel in the query: allow a 32 KiB request line (Vert.x default: 4 KiB). */
    static final int MAX_INITIAL_LINE = 32 * 1024;
    /** Form bodies larger than this are not STS requests; the connection is closed. */
    static final int MAX_BODY_BYTES = 64 * 1024;

    private final HttpServer server;
    private final AssumeRoleHandler handler;
    private final Handler<HttpServerRequest> normal = this::answerOnRoot;
    /** See {@link StsTap}; replaced only by tests in this package. */
    private volatile StsTap tap = StsTap.NONE;
    private volatile Handler<HttpServerRequest> requests = normal;

    private EmbeddedSts(Vertx vertx, EmbeddedStsKeys keys, Clock clock, int port) {
        this.handler = new AssumeRoleHandler(keys, clock);
        this.server = vertx.createHttpServer(new HttpServerOptions()
                        // Not traced: its requests carry the signed query (AccessKeyId, Signature) that a
                        // server span would record as url.query. The broker's side has its own span.
                        .setTracingPolicy(TracingPolicy.IGNORE)
                        .setHost(HOST)
                        .setPort(port)
                        .setMaxInitialLineLength(MAX_INITIAL_LINE)
                        // HTTP/1.1 only, like STS: an h2c upgrade would move the query into an HTTP/2
                        // :path header capped at 8 KiB, refusing long policies that STS accepts.
                        .setHttp2ClearTextEnabled(false)
                        .setIdleTimeout(60))
                .connectionHandler(connection -> tap.connected(connection))
                .requestHandler(request -> requests.handle(request));
    }

    /**
     * Binds {@code 127.0.0.1:port} (0: any free one), waiting for the bind; call it from a thread
     * that may block, never an event loop. Signatures are checked against {@code keys}, timestamps
     * and expirations come from {@code clock}.
     *
     * @throws IllegalStateException naming the address and the cause when the port cannot be bound
     */
    public static EmbeddedSts listen(Vertx vertx, EmbeddedStsKeys keys, Clock clock, int port) {
        EmbeddedSts sts = new EmbeddedSts(vertx, keys, clock, port);
        try {
            sts.server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("The embedded STS cannot listen on " + HOST + ":" + port + ": " + cause, cause);
        }
        return sts;
    }

    /** The bound port (the real one when asked for 0). */
    public int port() {
        return server.actualPort();
    }

    /** {@code http://127.0.0.1:<port>}, the endpoint to give a client. */
    public String baseUrl() {
        return "http://" + HOST + ":" + port();
    }

    /** Closes the server and waits (at most 10 s) until the port is released. */
    @Override
    public void close() {
        try {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warnf("Embedded STS did not close cleanly: %s", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Package-private: installs the test seam (see {@link StsTap}); null restores the default. */
    void tap(StsTap newTap) {
        StsTap t = newTap == null ? StsTap.NONE : newTap;
        this.tap = t;
        this.requests = t.requests(normal);
    }

    private void answerOnRoot(HttpServerRequest request) {
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
                reply = tap.exchange(params, handler.handle(request.method().name(), params));
            }
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
