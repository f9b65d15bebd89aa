package io.stsbroker.api;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.stsbroker.auth.Caller;
import io.stsbroker.usage.UsageKind;
import io.stsbroker.usage.UsageLedger;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * Feeds {@link UsageLedger} from the credential endpoints' answers: 200 counts as served, 429 as
 * throttled, 403 as forbidden, for the caller authentication proved. The warm route reports what it
 * answers through {@link #count}; every other credential response is counted by an end handler this
 * route adds after the warm route, from the request's security identity. Requests refused before a
 * caller is known (401, or 429 for an address over its failure limit) are not a caller's.
 */
@Singleton
public class UsageTap {

    private static final String PATH = "/v1/credentials";

    private final UsageLedger ledger;

    UsageTap(UsageLedger ledger) {
        this.ledger = ledger;
    }

    void install(@Observes Router router) {
        router.route(PATH + "*").order(RouteOrder.USAGE_TAP).handler(ctx -> {
            ctx.addEndHandler(done -> count(callerOf(ctx), ctx.response().getStatusCode()));
            ctx.next();
        });
    }

    /** Counts one credential response with this status for {@code caller} (null: nobody's, not counted). */
    void count(String caller, int status) {
        UsageKind kind = switch (status) {
            case 200 -> UsageKind.SERVED;
            case 429 -> UsageKind.THROTTLED;
            case 403 -> UsageKind.FORBIDDEN;
            default -> null;
        };
        if (kind != null && caller != null) {
            ledger.count(caller, kind);
        }
    }

    private static String callerOf(RoutingContext ctx) {
        if (ctx.user() instanceof QuarkusHttpUser user) {
            SecurityIdentity identity = user.getSecurityIdentity();
            Caller caller = identity == null ? null : identity.getAttribute(Caller.ATTRIBUTE);
            return caller == null ? null : caller.identity();
        }
        return null;
    }
}
