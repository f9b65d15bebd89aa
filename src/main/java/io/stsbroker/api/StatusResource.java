package io.stsbroker.api;

import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.stsbroker.api.dto.Status;
import io.stsbroker.auth.Callers;
import io.stsbroker.sts.StsClient;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** {@code GET /api/v1/status}: any authenticated caller; says the broker is up and who is asking. */
@Path("/api/v1/status")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class StatusResource {

    private final SecurityIdentity identity;
    private final StsClient sts;
    private final String version;

    public StatusResource(SecurityIdentity identity, StsClient sts,
                          @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown") String version) {
        this.identity = identity;
        this.sts = sts;
        this.version = version;
    }

    @GET
    public Status status() {
        return new Status("UP", Callers.of(identity).identity(), sts.providerName(), version);
    }
}
