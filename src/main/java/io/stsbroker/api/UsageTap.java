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
 * Feeds {@link UsageLedger} from the credential endpoints' responses, whichever path answered: when
 * a response to {@code /v1/credentials...} ends, its status (200 served, 429 throttled, 403
 * forbidden) is counted for the caller that authentication proved (the full path's security
 * identity, or the caller the warm route found and left under {@link #CALLER}). Requests refused
 * before a caller is known (401, or 429 for an address over its failure limit) are not a caller's.
 */
@Singleton
public class UsageTap {

    /** Where the warm route leaves the caller identity it answered for (the full path has the security identity). */
    public static final String CALLER = "broker.usage.caller";
    private static final String PATH = "/v1/credentials";

    private final UsageLedger ledger;

    UsageTap(UsageLedger ledger) {
        this.ledger = ledger;
    }

    void install(@Observes Router router) {
        router.route(PATH + "*").order(RouteOrder.USAGE_TAP).handler(ctx -> {
            ctx.addEndHandler(done -> count(ctx));
            ctx.next();
        });
    }

    private void count(RoutingContext ctx) {
        UsageKind kind = switch (ctx.response().getStatusCode()) {
            case 200 -> UsageKind.SERVED;
            case 429 -> UsageKind.THROTTLED;
            case 403 -> UsageKind.FORBIDDEN;
            default -> null;
        };
        if (kind != null) {
            ledger.count(callerOf(ctx), kind);
        }
    }

    private static String callerOf(RoutingContext ctx) {
        String warm = ctx.get(CALLER);
        if (warm != null) {
            return warm;
        }
        if (ctx.user() instanceof QuarkusHttpUser user) {
            SecurityIdentity identity = user.getSecurityIdentity();
            Caller caller = identity == null ? null : identity.getAttribute(Caller.ATTRIBUTE);
            return caller == null ? null : caller.identity();
        }
        return null;
    }
}
