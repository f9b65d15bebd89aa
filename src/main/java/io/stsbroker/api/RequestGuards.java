package io.stsbroker.api;

import io.quarkus.runtime.configuration.MemorySize;
import io.stsbroker.config.BrokerConfig;
import io.stsbroker.error.BrokerException;
import io.stsbroker.error.ErrorCode;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Optional;

/**
 * The first route of every request, in this order: assign the request id ({@link RequestIds});
 * refuse headers above the limit (431); refuse plain HTTP when TLS is required (403); refuse a
 * declared body above the limit (413). All of it runs before authentication, so no token is looked
 * at for a request that is refused anyway. One route rather than four: each is a few comparisons,
 * and this runs on every request, the warm path included.
 */
@Singleton
class RequestGuards {

    private final RequestLimits limits;
    private final TlsGuard tls;
    private final ErrorResponses errors;
    private final ShutdownGate shutdown;

    RequestGuards(BrokerConfig config, ErrorResponses errors, ShutdownGate shutdown,
                  @ConfigProperty(name = "quarkus.http.limits.max-body-size") Optional<MemorySize> maxBodySize) {
        this.limits = new RequestLimits(config.http().maxHeaderSize(),
                maxBodySize.map(MemorySize::asLongValue).orElse(Long.MAX_VALUE),
                io.stsbroker.api.admission.AdmissionRoute.ownBodyLimitPaths(config.injector().enabled()));
        this.tls = new TlsGuard(config.http().requireTls());
        this.errors = errors;
        this.shutdown = shutdown;
    }

    void install(@Observes Router router) {
        router.route().order(RouteOrder.REQUEST_GUARDS).handler(this::handle);
    }

    private void handle(RoutingContext ctx) {
        RequestIds.assign(ctx);
        if (shutdown.refused(ctx)) {
            return;
        }
        if (limits.headersTooLarge(ctx)) {
            RequestLimits.closeAfter(ctx);
            errors.write(ctx, ErrorCode.HEADER_TOO_LARGE);
        } else if (tls.refuses(ctx)) {
            errors.write(ctx, new BrokerException(ErrorCode.FORBIDDEN, TlsGuard.TLS_REQUIRED_MESSAGE));
        } else if (limits.declaredBodyTooLarge(ctx)) {
            RequestLimits.closeAfter(ctx);
            errors.write(ctx, ErrorCode.PAYLOAD_TOO_LARGE);
        } else {
            ctx.next();
        }
    }
}
