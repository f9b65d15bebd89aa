package io.stsbroker.cluster;

import io.smallrye.mutiny.Uni;
import io.stsbroker.sts.AssumeRoleRequest;
import io.stsbroker.sts.StsCredentials;
import io.stsbroker.vending.CredentialKey;
import io.stsbroker.vending.CredentialSource;
import io.stsbroker.vending.FetchPriority;
import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.inject.Inject;

/**
 * Stands between the local credential cache and STS in cluster mode: a miss or refresh first looks
 * for the shared entry and mints only once cluster-wide, within the cluster budget. With cluster
 * mode off every call goes straight to the upstream source.
 */
@Decorator
@Priority(10)
class ClusterCredentialSource implements CredentialSource {

    private final CredentialSource upstream;
    private final ClusterMode cluster;

    @Inject
    ClusterCredentialSource(@Delegate CredentialSource upstream, ClusterMode cluster) {
        this.upstream = upstream;
        this.cluster = cluster;
    }

    @Override
    public Uni<StsCredentials> fetch(CredentialKey key, AssumeRoleRequest request, FetchPriority priority) {
        if (!cluster.enabled()) {
            return upstream.fetch(key, request, priority);
        }
        return cluster.load(key, () -> upstream.fetch(key, request, priority));
    }
}
