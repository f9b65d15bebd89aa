package io.stsbroker.sts;

import io.smallrye.mutiny.Uni;

/**
 * {@code broker.sts.provider=none}, for the injector-only mode: there is no STS and no identity to
 * sign with. Ready at once (nothing to wait for, so the injector's readiness reflects only its own
 * HTTP server); every exchange fails, though the credential API that would ask is not served.
 */
final class AbsentStsClient implements StsClient {

    @Override
    public Uni<StsCredentials> assumeRole(AssumeRoleRequest request) {
        return Uni.createFrom().failure(new IllegalStateException("broker.sts.provider=none: this replica has no STS"));
    }

    @Override
    public String providerName() {
        return "none";
    }

    @Override
    public boolean ready() {
        return true;
    }
}
