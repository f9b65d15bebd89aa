package io.stsbroker.sts;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.tracing.TracingPolicy;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The transport under {@link AlibabaStsClient}: one HTTP/1.1 exchange with the STS endpoint on a
 * pooled Vert.x client, bounded by a deadline on the whole exchange.
 *
 * <p>Why a deadline of our own: Vert.x's connect timeout covers only the connect and its idle
 * timeout only silence between packets; a server that trickles bytes, or a pool that never frees a
 * connection, would outlive both. Our timer covers connect, pool wait, request and the full
 * response, and on expiry resets the request so its connection is not returned to the pool.
 */
final class UpstreamHttp implements AutoCloseable {

    /** An STS answer is a few KiB; anything far larger is not STS and is cut off. */
    static final int MAX_RESPONSE_BYTES = 64 * 1024;

    private static final int MAX_CONNECTIONS = StsClient.MAX_CONNECTIONS;

    /**
     * Idle pooled connections are closed after this: below the 15 s idle timeout common to cloud load
     * balancers, so we never reuse a connection the far end is about to drop.
     */
    private static final int KEEP_ALIVE_SECONDS = 10;

    /** What came back: status and the complete body. */
    record Response(int status, byte[] body) {
    }

    private final Vertx vertx;
    private final HttpClient client;
    private final StsEndpoint endpoint;
    private final Duration timeout;
    private final AtomicInteger openConnections = new AtomicInteger();

    UpstreamHttp(Vertx vertx, StsEndpoint endpoint, Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("broker.sts.timeout must be positive: " + timeout);
        }
        this.vertx = vertx;
        this.endpoint = endpoint;
        this.timeout = timeout;
        HttpClientOptions options = new HttpClientOptions()
                .setSsl(endpoint.https())
                // Host name verification against the JVM trust store; never trust-all.
                .setVerifyHost(true)
                .setTrustAll(false)
                .setDefaultHost(endpoint.host())
                .setDefaultPort(endpoint.port())
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                .setKeepAlive(true)
                .setKeepAliveTimeout(KEEP_ALIVE_SECONDS)
                // No Vert.x client span and no traceparent header to STS: the query carries the
                // broker's AccessKeyId, Signature and (RRSA) SecurityToken, which a client span would
                // record as url.full. The AssumeRole attempt has its own span (TracedStsClient).
                .setTracingPolicy(TracingPolicy.IGNORE);
        this.client = vertx.httpClientBuilder()
                .with(options)
                .with(new PoolOptions().setHttp1MaxSize(MAX_CONNECTIONS))
                .withConnectHandler(connection -> {
                    openConnections.incrementAndGet();
                    connection.closeHandler(ignored -> openConnections.decrementAndGet());
                })
                .build();
    }

    /** Connections to STS open right now: at most {@value #MAX_CONNECTIONS}, whatever the load. */
    int openConnections() {
        return openConnections.get();
    }

    /**
     * Sends {@code method uri} with an empty body and the given headers. Fails with
     * {@link UpstreamFailure} (timeout or oversized body) or with the network stack's exception.
     */
    Uni<Response> send(HttpMethod method, String uri, Map<String, String> headers) {
        return Uni.createFrom().emitter(emitter -> {
            Exchange exchange = new Exchange(emitter);
            long timer = vertx.setTimer(timeout.toMillis(),
                    id -> exchange.fail(UpstreamFailure.timeout(timeout, endpoint)));
            emitter.onTermination(() -> {
                vertx.cancelTimer(timer);
                exchange.abortIfUnfinished();
            });
            RequestOptions request = new RequestOptions()
                    .setMethod(method)
                    .setHost(endpoint.host())
                    .setPort(endpoint.port())
                    .setSsl(endpoint.https())
                    .setURI(uri);
            headers.forEach(request::putHeader);
            Runnable start = () -> client.request(request)
                    .compose(req -> {
                        exchange.started(req);
                        return req.send().onSuccess(exchange::read);
                    })
                    .onFailure(exchange::fail);
            // The exchange must start on a Vert.x context. From any other thread (a retry after a
            // backoff runs on a worker) the response callback would be queued as a separate task, and a
            // short answer could be read and ended before read() installs its handlers.
            Context current = Vertx.currentContext();
            if (current != null && current.isEventLoopContext()) {
                start.run();
            } else {
                Context context = vertx.getOrCreateContext();
                context.runOnContext(ignored -> start.run());
            }
        });
    }

    @Override
    public void close() {
        client.close();
    }

    /** One in-flight exchange; whichever of response, failure or deadline comes first wins. */
    private static final class Exchange {
        private final UniEmitter<? super Response> emitter;
        private final AtomicBoolean finished = new AtomicBoolean();
        private volatile boolean responseEnded;
        private volatile HttpClientRequest request;

        Exchange(UniEmitter<? super Response> emitter) {
            this.emitter = emitter;
        }

        void started(HttpClientRequest req) {
            request = req;
            if (finished.get()) {
                // The deadline fired while we waited for a connection: drop it at once.
                req.reset();
            }
        }

        void read(HttpClientResponse response) {
            Buffer body = Buffer.buffer();
            try {
                response.exceptionHandler(this::fail);
            } catch (IllegalStateException ended) {
                // Defensive: the response ended before we could read it (see send()); never hang on it.
                fail(UpstreamFailure.of("the response ended before it could be read"));
                return;
            }
            response.handler(chunk -> {
                if (finished.get()) {
                    return;
                }
                if (body.length() + chunk.length() > MAX_RESPONSE_BYTES) {
                    fail(UpstreamFailure.of("response body larger than " + MAX_RESPONSE_BYTES + " bytes"));
                } else {
                    body.appendBuffer(chunk);
                }
            });
            response.endHandler(v -> {
                responseEnded = true;
                if (finished.compareAndSet(false, true)) {
                    emitter.complete(new Response(response.statusCode(), body.getBytes()));
                }
            });
        }

        void fail(Throwable failure) {
            if (finished.compareAndSet(false, true)) {
                emitter.fail(failure);
            }
        }

        /**
         * On any termination: a request whose response did not end (deadline, failure, cancellation) is
         * reset, which closes its connection instead of returning a half-read one to the pool.
         */
        void abortIfUnfinished() {
            finished.set(true);
            HttpClientRequest req = request;
            if (req != null && !responseEnded) {
                req.reset();
            }
        }
    }
}
