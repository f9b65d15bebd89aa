package io.stsbroker.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.stsbroker.auth.Caller;
import io.stsbroker.auth.Callers;
import io.stsbroker.error.BrokerException;
import io.stsbroker.error.ErrorCode;
import io.stsbroker.policy.AccessPolicy;
import io.stsbroker.policy.CallerRateLimiter;
import io.stsbroker.policy.Role;
import io.stsbroker.policy.SessionNames;
import io.stsbroker.policy.VendSpec;
import io.stsbroker.vending.CredentialVendor;
import io.stsbroker.vending.VendRequest;
import io.stsbroker.vending.VendedCredential;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * {@code GET /v1/credentials/{role}} and {@code POST /v1/credentials}: any authenticated caller
 * within its request rate ({@link CallerRateLimiter}, else 429); the role grant is checked per
 * request, then the role's own rate for this caller, then parameters, then the cache is asked.
 *
 * <p>This is the full path. A GET whose caller is already proven and whose credential is cached is
 * usually answered before it gets here, by {@link WarmCredentialsRoute}, with the same checks and
 * the same bytes.
 */
@Path("/v1/credentials")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class CredentialsResource {

    private static final Set<String> BODY_FIELDS = Set.of("role", "durationSeconds", "policy");

    private final SecurityIdentity identity;
    private final AccessPolicy policy;
    private final CallerRateLimiter rateLimiter;
    private final CredentialVendor vendor;
    private final VendOutcomes outcomes;

    public CredentialsResource(SecurityIdentity identity, AccessPolicy policy, CallerRateLimiter rateLimiter,
                               CredentialVendor vendor, VendOutcomes outcomes) {
        this.identity = identity;
        this.policy = policy;
        this.rateLimiter = rateLimiter;
        this.vendor = vendor;
        this.outcomes = outcomes;
    }

    @GET
    @Path("{role}")
    public CompletionStage<Response> get(@PathParam("role") String role, @QueryParam("format") String format,
                                         @Context RoutingContext ctx) {
        return vend(admitted(), role, Optional.empty(), format, ctx);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public CompletionStage<Response> post(byte[] bytes, @QueryParam("format") String format, @Context RoutingContext ctx) {
        Caller caller = admitted();
        JsonNode body = JsonBodies.read(bytes);
        // The body is read as a tree so that the role is authorized before any other field is judged:
        // a caller without the grant gets 403 whatever else it sends.
        if (body == null || !body.isObject() || !body.path("role").isTextual()) {
            throw invalid("The body must be a JSON object with a string field \"role\".");
        }
        String role = body.get("role").asText();
        return vend(caller, role, Optional.of(body), format, ctx);
    }

    /** The caller, once counted against its request rate; 429 {@code Throttling} beyond it. */
    private Caller admitted() {
        Caller caller = Callers.of(identity);
        try {
            rateLimiter.admit(caller.identity());
        } catch (BrokerException e) {
            count(e.code().code());
            throw e;
        }
        return caller;
    }

    private CompletionStage<Response> vend(Caller caller, String roleName, Optional<JsonNode> body, String format,
                                           RoutingContext ctx) {
        String requestId = RequestIds.of(ctx);
        try {
            Role role = policy.authorize(caller.identity(), roleName, requestId);
            rateLimiter.admit(caller.identity(), role.name());
            boolean alibabaFormat = CredentialBodies.alibabaFormat(format);
            VendSpec spec = body.map(b -> policy.resolve(role, durationOf(b), policyOf(b)))
                    .orElseGet(() -> policy.resolve(role, Optional.empty(), Optional.empty()));
            return vendor.vend(vendRequest(caller, spec, requestId)).handle((v, failure) -> {
                if (failure != null) {
                    BrokerException e = unwrap(failure);
                    count(e.code().code());
                    throw new CompletionException(e);
                }
                count(VendOutcomes.SUCCESS);
                return ok(v, alibabaFormat);
            });
        } catch (BrokerException e) {
            count(e.code().code());
            return CompletableFuture.failedFuture(e);
        }
    }

    /** What the vending layer is asked for a caller and an authorized, resolved role. */
    static VendRequest vendRequest(Caller caller, VendSpec spec, String requestId) {
        Role role = spec.role();
        return new VendRequest(role.name(), role.arn(), caller.identity(), SessionNames.of(caller.identity()),
                spec.duration(), spec.sessionPolicy(), role.externalId(), requestId);
    }

    private static Response ok(VendedCredential v, boolean alibabaFormat) {
        Response.ResponseBuilder ok = Response.ok(CredentialBodies.of(v, alibabaFormat), CredentialBodies.CONTENT_TYPE);
        CredentialBodies.HEADERS.forEach(ok::header);
        return ok.build();
    }

    private static Optional<Long> durationOf(JsonNode body) {
        Iterator<String> names = body.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (!BODY_FIELDS.contains(n)) {
                throw invalid("Unknown field in body; allowed: role, durationSeconds, policy.");
            }
        }
        JsonNode d = body.get("durationSeconds");
        if (d == null || d.isNull()) {
            return Optional.empty();
        }
        if (!d.isIntegralNumber() || !d.canConvertToLong()) {
            throw invalid("durationSeconds must be a whole number of seconds.");
        }
        return Optional.of(d.asLong());
    }

    private static Optional<String> policyOf(JsonNode body) {
        JsonNode p = body.get("policy");
        if (p == null || p.isNull()) {
            return Optional.empty();
        }
        if (!p.isTextual()) {
            throw invalid("policy must be a string holding a JSON policy document.");
        }
        return Optional.of(p.asText());
    }

    private void count(String outcome) {
        outcomes.count(outcome);
    }

    private static BrokerException unwrap(Throwable t) {
        Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        return c instanceof BrokerException b ? b : new BrokerException(ErrorCode.INTERNAL_ERROR,
                "The broker failed unexpectedly; the request id identifies the log entry.");
    }

    private static BrokerException invalid(String message) {
        return new BrokerException(ErrorCode.INVALID_PARAMETER, message);
    }
}
