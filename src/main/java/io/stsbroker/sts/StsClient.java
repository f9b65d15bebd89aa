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

    Uni<StsCredentials> assumeRole(AssumeRoleRequest request);

    /** {@code embedded} or {@code alibaba}: reported by the status endpoint. */
    String providerName();

    /** True once the client can take calls (for readiness). */
    boolean ready();
}
