package io.stsbroker.vending;

import io.stsbroker.sts.AssumeRoleRequest;
import io.stsbroker.sts.StsCredentials;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A cache entry: the credentials, the AssumeRole request that minted them (so a refresh can repeat
 * it), and when a background refresh may start.
 *
 * <p>Only the refresh gate is mutable: it spaces out refresh attempts after a failure, so a hot key
 * whose refreshes keep failing does not send STS one call per request.
 */
final class CachedCredential {

    private final AssumeRoleRequest request;
    private final StsCredentials credentials;
    private final String roleName;
    private final AtomicLong nextRefreshMillis;
    private final Renderings renderings = new Renderings();
    private volatile int failedRefreshes;

    CachedCredential(AssumeRoleRequest request, StsCredentials credentials, String roleName, Instant refreshAt) {
        this.request = request;
        this.credentials = credentials;
        this.roleName = roleName;
        this.nextRefreshMillis = new AtomicLong(refreshAt.toEpochMilli());
    }

    AssumeRoleRequest request() {
        return request;
    }

    StsCredentials credentials() {
        return credentials;
    }

    String roleName() {
        return roleName;
    }

    /** True for exactly one caller once the refresh time has come; that caller starts the refresh. */
    boolean claimRefresh(long nowMillis, long holdMillis) {
        long next = nextRefreshMillis.get();
        return nowMillis >= next && nextRefreshMillis.compareAndSet(next, nowMillis + holdMillis);
    }

    /** After a failed refresh: the next attempt waits {@code backoffMillis}, doubling with each failure. */
    long refreshFailed(long nowMillis, long baseBackoffMillis, long maxBackoffMillis) {
        int n = Math.min(++failedRefreshes, 20);
        long backoff = Math.min(maxBackoffMillis, baseBackoffMillis << Math.min(n - 1, 16));
        nextRefreshMillis.set(nowMillis + backoff);
        return backoff;
    }

    VendedCredential vended() {
        return new VendedCredential(credentials, roleName, request.roleArn(), request.roleSessionName(), renderings);
    }

    @Override
    public String toString() {
        return "CachedCredential[" + credentials + ", session=" + request.roleSessionName() + "]";
    }
}
