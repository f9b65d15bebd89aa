package io.stsbroker.sts.embedded;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;

import java.util.Map;

/**
 * The tap tests install on an embedded STS: requests are counted as they arrive
 * ({@link StsCounters}), then meet the fault controls ({@link EmbeddedStsFaults}); answers are
 * recorded and possibly shortened ({@link StsRecorder}) and then counted as issued.
 */
record TestTap(StsCounters counters, EmbeddedStsFaults faults, StsRecorder recorder) implements StsTap {

    @Override
    public void connected(HttpConnection connection) {
        counters.connected(connection);
    }

    @Override
    public Handler<HttpServerRequest> requests(Handler<HttpServerRequest> normal) {
        return counters.wrap(faults.wrap(normal));
    }

    @Override
    public StsReply exchange(Map<String, String> received, StsReply reply) {
        return counters.exchange(recorder.exchange(received, reply));
    }
}
