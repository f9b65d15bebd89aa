package io.stsbroker.api.admission;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * With {@code broker.injector.only=true} every path but the webhook, health and metrics is 404
 * {@code NotFound}, before authentication or any JAX-RS resource: the credential, role, status and
 * admin APIs do not exist on an injector replica. (In production health and metrics are on the
 * management port anyway, which this router does not serve.)
 */
@Singleton
class InjectorOnlyRoutes {

    /** After {@link AdmissionRoute}, which ends the webhook's requests before this filter. */
    static final int OBSERVER_PRIORITY = AdmissionRoute.OBSERVER_PRIORITY + 1;

    private final InjectorSettings settings;

    InjectorOnlyRoutes(InjectorSettings settings) {
        this.settings = settings;
    }

    void install(@Observes @Priority(OBSERVER_PRIORITY) Router router) {
        if (settings.injectorOnly()) {
            router.route().order(io.stsbroker.api.RouteOrder.ADMISSION).handler(this::filter);
        }
    }

    private void filter(RoutingContext ctx) {
        if (served(ctx.normalizedPath(), ctx.request().path())) {
            ctx.next();
        } else {
            ctx.fail(404);
        }
    }

    /** Both forms of the path must agree, so "/q/health/../../v1/..." is not taken for health. */
    static boolean served(String normalized, String raw) {
        if (normalized == null || raw == null || raw.contains("..") || raw.contains("%")) {
            return false;
        }
        for (String prefix : new String[] {"/q/health", "/q/metrics", AdmissionRoute.PATH}) {
            if (normalized.equals(prefix) || normalized.startsWith(prefix + "/")) {
                return raw.equals(normalized);
            }
        }
        return false;
    }
}
