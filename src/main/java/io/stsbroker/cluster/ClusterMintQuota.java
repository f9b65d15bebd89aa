package io.stsbroker.cluster;

import io.stsbroker.vending.CredentialKey;
import io.stsbroker.vending.FetchPriority;
import io.stsbroker.vending.MintQuota;
import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.inject.Inject;

import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * In cluster mode, counts each caller's mints and variants across replicas ({@link SharedMintQuota}).
 * With cluster mode off, while the replica is degraded, or when Redis fails during a decision, the
 * local quota decides: a caller then gets {@code mints-per-caller} and {@code max-variants-per-caller}
 * on each replica, as a single broker would give it (the cluster budget's degraded share still caps
 * what all callers together cause).
 */
@Decorator
@Priority(10)
class ClusterMintQuota implements MintQuota {

    private final MintQuota local;
    private final ClusterMode cluster;

    @Inject
    ClusterMintQuota(@Delegate MintQuota local, ClusterMode cluster) {
        this.local = local;
        this.cluster = cluster;
    }

    @Override
    public CompletionStage<Decision> admit(CredentialKey key, ToLongFunction<CredentialKey> heldFor,
                                           Consumer<FetchPriority> start) {
        return cluster.enabled() ? cluster.mints().admit(key, heldFor, start, local) : local.admit(key, heldFor, start);
    }

    @Override
    public void forget(CredentialKey key) {
        local.forget(key);
        if (cluster.enabled()) {
            cluster.mints().forget(key).subscribe().with(ignored -> { }, ignored -> { });
        }
    }
}
