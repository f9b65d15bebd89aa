package io.stsbroker.sts;

import io.smallrye.mutiny.Uni;

/** An {@link StsClient} whose every call first passes an {@link UpstreamGate}. */
final class GatedStsClient extends ForwardingStsClient {

    private final UpstreamGate gate;

    GatedStsClient(StsClient delegate, UpstreamGate gate) {
        super(delegate);
        this.gate = gate;
    }

    @Override
    public Uni<StsCredentials> assumeRole(AssumeRoleRequest request) {
        return assumeRole(request, StsAttempt.FIRST);
    }

    @Override
    public Uni<StsCredentials> assumeRole(AssumeRoleRequest request, StsAttempt attempt) {
        return gate.beforeSend(attempt.deferrable()).onItem().transformToUni(ignored -> delegate.assumeRole(request, attempt));
    }
}
