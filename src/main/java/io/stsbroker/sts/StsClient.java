package io.stsbroker.sts;

import io.smallrye.mutiny.Uni;

/**
 * Performs one STS {@code AssumeRole} exchange, without caching or retrying (the vending layer owns
 * both).
 *
 * <p>The returned {@link Uni} fails with {@link StsException} for anything STS or the network
 * said; it never blocks the calling (event-loop) thread.
 */
public interface StsClient {

    /**
     * Connections kept to STS, so also the most calls in flight at once: AssumeRole is capped at
     * 100 calls/s per account, so few are busy at once.
     */
    int MAX_CONNECTIONS = 32;

    Uni<StsCredentials> assumeRole(AssumeRoleRequest request);

    /**
     * {@link #assumeRole(AssumeRoleRequest)} as the attempt {@code attempt} describes (its number, and
     * whether it may wait behind more urgent calls); see {@link StsAttempt}. By default the same call.
     */
    default Uni<StsCredentials> assumeRole(AssumeRoleRequest request, StsAttempt attempt) {
        return assumeRole(request);
    }

    /** {@code embedded} or {@code alibaba}: reported by the status endpoint. */
    String providerName();

    /** True once the client can take calls (for readiness). */
    boolean ready();
}
