package io.stsbroker.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.stsbroker.auth.Callers;
import io.stsbroker.error.BrokerException;
import io.stsbroker.error.ErrorCode;
import io.stsbroker.request.CredentialRequest;
import io.stsbroker.request.CredentialRequests;
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
import java.util.concurrent.CompletionStage;

/**
 * {@code GET /v1/credentials/{role}} and {@code POST /v1/credentials}: any authenticated caller;
 * the checks and their order are {@link CredentialRequests#vend}'s. This adapter only reads the
 * request (a POST body is parsed once the caller is within its rate, and its fields after the
 * grant check) and writes the answer.
 *
 * <p>This is the full path. A GET whose caller is already proven and whose credential is cached is
 * usually answered before it gets here, by {@link WarmCredentialsRoute}, through the same use case.
 */
@Path("/v1/credentials")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class CredentialsResource {

    private static final Set<String> BODY_FIELDS = Set.of("role", "durationSeconds", "policy");

    private final SecurityIdentity identity;
    private final CredentialRequests requests;

    public CredentialsResource(SecurityIdentity identity, CredentialRequests requests) {
        this.identity = identity;
        this.requests = requests;
    }

    @GET
    @Path("{role}")
    public CompletionStage<Response> get(@PathParam("role") String role, @QueryParam("format") String format,
                                         @Context RoutingContext ctx) {
        return requests.vend(Callers.of(identity),
                        () -> new CredentialRequest(role, format, CredentialRequest.Parameters.NONE, RequestIds.of(ctx)))
                .thenApply(CredentialsResource::ok);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public CompletionStage<Response> post(byte[] bytes, @QueryParam("format") String format, @Context RoutingContext ctx) {
        return requests.vend(Callers.of(identity), () -> {
            JsonNode body = JsonBodies.read(bytes);
            // The body is read as a tree so that the role is authorized before any other field is judged:
            // a caller without the grant gets 403 whatever else it sends.
            if (body == null || !body.isObject() || !body.path("role").isTextual()) {
                throw invalid("The body must be a JSON object with a string field \"role\".");
            }
            return new CredentialRequest(body.get("role").asText(), format, new BodyParameters(body), RequestIds.of(ctx));
        }).thenApply(CredentialsResource::ok);
    }

    private static Response ok(CredentialRequests.Answer answer) {
        Response.ResponseBuilder ok = Response.ok(CredentialBodies.of(answer.credential(), answer.format()),
                CredentialBodies.CONTENT_TYPE);
        CredentialBodies.HEADERS.forEach(ok::header);
        return ok.build();
    }

    /** A POST body's optional fields, judged when the use case asks for them (after the grant check). */
    private record BodyParameters(JsonNode body) implements CredentialRequest.Parameters {

        @Override
        public Optional<Long> durationSeconds() {
            Iterator<String> names = body.fieldNames();
            while (names.hasNext()) {
                if (!BODY_FIELDS.contains(names.next())) {
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

        @Override
        public Optional<String> policy() {
            JsonNode p = body.get("policy");
            if (p == null || p.isNull()) {
                return Optional.empty();
            }
            if (!p.isTextual()) {
                throw invalid("policy must be a string holding a JSON policy document.");
            }
            return Optional.of(p.asText());
        }
    }

    private static BrokerException invalid(String message) {
        return new BrokerException(ErrorCode.INVALID_PARAMETER, message);
    }
}
