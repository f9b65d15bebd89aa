package io.stsbroker.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.stsbroker.api.dto.InvalidateResult;
import io.stsbroker.api.dto.UsageResult;
import io.stsbroker.audit.AuditEvent;
import io.stsbroker.audit.AuditLog;
import io.stsbroker.audit.LogText;
import io.stsbroker.auth.Callers;
import io.stsbroker.error.BrokerException;
import io.stsbroker.error.ErrorCode;
import io.stsbroker.policy.AccessPolicy;
import io.stsbroker.policy.AdminPolicy;
import io.stsbroker.policy.Role;
import io.stsbroker.usage.UsageLedger;
import io.stsbroker.vending.CredentialVendor;
import io.stsbroker.vending.CredentialsInvalidated;
import jakarta.enterprise.event.Event;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import org.jboss.logging.Logger;

import java.util.Iterator;
import java.util.Optional;
import java.util.Set;

/**
 * {@code POST /v1/admin/invalidate}: only identities matching {@code broker.admin.allow}; drops
 * cached credentials so that the next request for them mints new ones.
 *
 * <p>{@code GET /v1/admin/usage}: the same admins; per-caller counts over a rolling window
 * ({@link UsageLedger}), this replica's only.
 *
 * <p><b>Note:</b> this stops the broker handing out a credential. A credential already handed out
 * stays valid at Alibaba Cloud until it expires; for a leaked one, change the role's trust policy
 * or permissions.
 */
@Path("/v1/admin")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class AdminResource {

    private static final Logger LOG = Logger.getLogger(AdminResource.class);
    private static final Set<String> FIELDS = Set.of("role", "caller");
    private static final int MAX_ROLE = 128;
    private static final int MAX_CALLER = 512;

    private final SecurityIdentity identity;
    private final AdminPolicy admins;
    private final AccessPolicy policy;
    private final CredentialVendor vendor;
    private final AuditLog audit;
    private final UsageLedger usage;
    private final Event<CredentialsInvalidated> invalidated;

    public AdminResource(SecurityIdentity identity, AdminPolicy admins, AccessPolicy policy, CredentialVendor vendor,
                         AuditLog audit, UsageLedger usage, Event<CredentialsInvalidated> invalidated) {
        this.invalidated = invalidated;
        this.identity = identity;
        this.admins = admins;
        this.policy = policy;
        this.vendor = vendor;
        this.audit = audit;
        this.usage = usage;
    }

    /** Admins only (403 for everyone else, 401 without a caller). */
    @GET
    @Path("usage")
    public UsageResult usage() {
        if (!admins.isAdmin(Callers.of(identity).identity())) {
            throw new BrokerException(ErrorCode.FORBIDDEN, "The caller may not do this.");
        }
        return UsageResult.of(usage.report());
    }

    /**
     * Body {@code {"role": "<name>"}}, {@code {"caller": "<identity>"}} or both (that caller's
     * credentials for that role). Checks run 401, 403, then 400: the body is read as text and only
     * parsed once the caller is known to be an admin, so others learn nothing from it.
     */
    @POST
    @Path("invalidate")
    @Consumes(MediaType.APPLICATION_JSON)
    public InvalidateResult invalidate(byte[] body, @Context RoutingContext ctx) {
        String requestId = RequestIds.of(ctx);
        String admin = Callers.of(identity).identity();
        if (!admins.isAdmin(admin)) {
            audit.record(AuditEvent.of(AuditEvent.Type.INVALIDATE, "Forbidden").requestId(requestId).caller(admin)
                    .reason("not in broker.admin.allow").build());
            throw new BrokerException(ErrorCode.FORBIDDEN, "The caller may not do this.");
        }
        Target target = parse(body);
        long count = 0;
        String reason;
        Optional<String> roleArn = target.role().map(name -> policy.role(name).map(Role::arn).orElse(null));
        if (target.role().isPresent() && roleArn.isEmpty()) {
            reason = "unknown role; invalidated=0";
        } else {
            count = vendor.invalidate(roleArn.orElse(null), target.caller().orElse(null));
            reason = "invalidated=" + count;
            // Other replicas learn of it through this event (cluster mode); a no-op on a single node.
            invalidated.fire(new CredentialsInvalidated(roleArn.orElse(null), target.caller().orElse(null)));
        }
        // A name outside the catalogue is logged only as a fingerprint, as AccessPolicy does for callers.
        String loggedRole = target.role().map(name -> roleArn.isPresent() ? name : AccessPolicy.fingerprint(name))
                .orElse(null);
        audit.record(AuditEvent.of(AuditEvent.Type.INVALIDATE, "Success").requestId(requestId).caller(admin)
                .target(target.caller().orElse(null)).role(loggedRole, roleArn.orElse(null)).reason(reason).build());
        LOG.infof("Admin %s invalidated %d cached credential(s) (role %s, caller %s)", LogText.escape(admin), count,
                loggedRole == null ? "*" : LogText.escape(loggedRole), target.caller().map(LogText::escape).orElse("*"));
        return new InvalidateResult(count);
    }

    private record Target(Optional<String> role, Optional<String> caller) {
    }

    private static Target parse(byte[] body) {
        // Bytes, not a String: Jackson then refuses malformed UTF-8 instead of reading U+FFFD.
        JsonNode node = JsonBodies.read(body);
        if (node == null || !node.isObject()) {
            throw invalid("The body must be a JSON object with \"role\" and/or \"caller\".");
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            if (!FIELDS.contains(names.next())) {
                throw invalid("Unknown field in body; allowed: role, caller.");
            }
        }
        Optional<String> role = text(node, "role", MAX_ROLE);
        Optional<String> caller = text(node, "caller", MAX_CALLER);
        if (role.isEmpty() && caller.isEmpty()) {
            throw invalid("Give \"role\", \"caller\", or both.");
        }
        return new Target(role, caller);
    }

    private static Optional<String> text(JsonNode body, String field, int max) {
        JsonNode v = body.get(field);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isTextual() || v.asText().isEmpty() || v.asText().length() > max) {
            throw invalid(field + " must be a non-empty string of at most " + max + " characters.");
        }
        return Optional.of(v.asText());
    }

    private static BrokerException invalid(String message) {
        return new BrokerException(ErrorCode.INVALID_PARAMETER, message);
    }
}
