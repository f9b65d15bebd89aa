package io.stsbroker.vending;

import io.smallrye.mutiny.Uni;
import io.stsbroker.config.BrokerConfig;
import io.stsbroker.sts.AssumeRoleRequest;
import io.stsbroker.sts.StsClient;
import io.stsbroker.sts.StsCredentials;
import io.stsbroker.sts.StsException;
import io.stsbroker.sts.UpstreamErrors;
import jakarta.inject.Singleton;

import java.time.Duration;

/**
 * Fetches credentials from STS for the cache: retries only retryable failures (exponential backoff
 * with jitter, at most {@code broker.sts.max-attempts} attempts) and gives up after
 * {@code broker.request-timeout} in all.
 */
@Singleton
class UpstreamFetcher {

    private final StsClient sts;
    private final int maxAttempts;
    private final Duration backoff;
    private final Duration deadline;

    UpstreamFetcher(StsClient sts, BrokerConfig config) {
        this.sts = sts;
        this.maxAttempts = config.sts().maxAttempts();
        this.backoff = config.sts().retryBackoff();
        this.deadline = config.requestTimeout();
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("Invalid configuration broker.sts.max-attempts='" + maxAttempts + "': must be at least 1");
        }
    }

    Uni<StsCredentials> fetch(AssumeRoleRequest request) {
        // deferred: every retry is a fresh subscription, so every attempt is signed anew (new nonce, new timestamp).
        Uni<StsCredentials> call = Uni.createFrom().deferred(() -> sts.assumeRole(request));
        if (maxAttempts > 1) {
            call = call.onFailure(UpstreamFetcher::retryable).retry()
                    .withBackOff(backoff, backoff.multipliedBy(16)).withJitter(0.5)
                    .atMost(maxAttempts - 1L);
        }
        return call.ifNoItem().after(deadline)
                .failWith(() -> StsException.unreachable("no answer within broker.request-timeout", null));
    }

    static boolean retryable(Throwable t) {
        return t instanceof StsException e && e.kind() == UpstreamErrors.Kind.RETRYABLE;
    }
}
