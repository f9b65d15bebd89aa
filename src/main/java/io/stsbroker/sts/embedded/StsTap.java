package io.stsbroker.sts.embedded;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;

import java.util.Map;

/**
 * The one test seam of {@link EmbeddedSts}: tests install a tap to count connections and requests,
 * take a request over (a fault: latency, an error, a dropped connection) or see and replace the
 * answer to what the broker asked for. Package-private on purpose: production code has no way to
 * install one, and no property, profile or endpoint reaches it.
 */
interface StsTap {

    /** The default: observes nothing and changes nothing. */
    StsTap NONE = new StsTap() {
    };

    /** Called once for every TCP connection accepted, before any of its requests. */
    default void connected(HttpConnection connection) {
    }

    /**
     * Wraps the server's normal request handling; called once when the tap is installed.
     *
     * @param normal what the server does with a request without a tap
     * @return the handler to run for every request instead (it may call {@code normal} later, or never)
     */
    default Handler<HttpServerRequest> requests(Handler<HttpServerRequest> normal) {
        return normal;
    }

    /**
     * Called for every request the protocol handler answered, with the decoded parameters it received.
     *
     * @return the answer to send: {@code reply} itself, or another one
     */
    default StsReply exchange(Map<String, String> received, StsReply reply) {
        return reply;
    }
}
