package io.stsbroker.sts;

import io.smallrye.mutiny.Uni;

/** An {@link StsClient} whose every call first passes an {@link UpstreamGate}. */
final class GatedStsClient implements StsClient, AutoCloseable {

    private final StsClient delegate;
    private final UpstreamGate gate;

    GatedStsClient(StsClient delegate, UpstreamGate gate) {
        this.delegate = delegate;
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

    @Override
    public String providerName() {
        return delegate.providerName();
    }

    @Override
    public boolean ready() {
        return delegate.ready();
    }

    @Override
    public void close() throws Exception {
        if (delegate instanceof AutoCloseable c) {
            c.close();
        }
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
