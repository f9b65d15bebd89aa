package io.stsbroker.api;

import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.stsbroker.api.dto.RoleList;
import io.stsbroker.auth.Callers;
import io.stsbroker.policy.AccessPolicy;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /v1/roles}: any authenticated caller; lists only the roles granted to it. */
@Path("/v1/roles")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class RolesResource {

    private final SecurityIdentity identity;
    private final AccessPolicy policy;

    public RolesResource(SecurityIdentity identity, AccessPolicy policy) {
        this.identity = identity;
        this.policy = policy;
    }

    @GET
    public RoleList list() {
        String caller = Callers.of(identity).identity();
        return new RoleList(policy.rolesFor(caller).stream()
                .map(r -> new RoleList.RoleSummary(r.name(), r.arn(), r.duration().toSeconds()))
                .toList());
    }
}
