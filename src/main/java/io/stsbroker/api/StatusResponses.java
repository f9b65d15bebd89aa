package io.stsbroker.api;

import io.stsbroker.error.ErrorCode;
import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * The JSON error body for statuses Vert.x Web answers by itself (no route, wrong method, body too
 * large while read, ...), which would otherwise go out with an HTML or empty body.
 */
@Singleton
class StatusResponses {

    /** The statuses Vert.x Web raises without a failure of ours. */
    static final int[] STATUSES = {404, 405, 406, 413, 415, 431};

    private final ErrorResponses errors;

    StatusResponses(ErrorResponses errors) {
        this.errors = errors;
    }

    void install(@Observes Router router) {
        for (int status : STATUSES) {
            router.errorHandler(status, ctx -> errors.write(ctx, ErrorCode.forStatus(status)));
        }
    }
}
