package io.stsbroker.vending;

import io.smallrye.mutiny.Uni;
import io.stsbroker.sts.AssumeRoleRequest;
import io.stsbroker.sts.StsCredentials;

/**
 * Where the credential cache gets credentials it does not hold: first mints and background
 * refreshes alike call {@link #fetch} and nothing else, so another tier (a cache shared by
 * several replicas) can stand between the cache and STS by implementing this interface around
 * the upstream one, for example as a CDI {@code @Decorator} of {@code CredentialSource} whose
 * {@code @Delegate} is the upstream source.
 *
 * <p>The default, {@link UpstreamFetcher}, calls STS within the upstream budget, with retries.
 */
public interface CredentialSource {

    /**
     * Credentials for {@code request}, which is what {@code key} stands for; subscribed once per
     * mint or refresh. Fails with an {@link io.stsbroker.sts.StsException} classified by
     * {@link io.stsbroker.sts.UpstreamErrors} (a permanent refusal is remembered, a revoked grant
     * evicts on refresh) or with a {@link io.stsbroker.error.BrokerException}.
     *
     * @param priority who goes first when upstream calls are rationed ({@link FetchPriority#COLD}
     *                 for a caller that holds nothing yet, {@link FetchPriority#DEFERRABLE} for
     *                 extra variants and refreshes)
     */
    Uni<StsCredentials> fetch(CredentialKey key, AssumeRoleRequest request, FetchPriority priority);
}
