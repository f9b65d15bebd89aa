package io.stsbroker.vending;

import io.stsbroker.sts.AssumeRoleRequest;
import io.stsbroker.sts.StsCredentials;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A cache entry: the credentials, the AssumeRole request that minted them (so a refresh can repeat
 * it), and when a background refresh may start; or, for a mint that failed, only the failure.
 *
 * <p>A failed mint completes the cache's future normally with a {@linkplain #failed failure entry}
 * that expires at once ({@link CredentialExpiry}), rather than failing the future: every caller
 * waiting on that mint still gets the failure, and Caffeine does not log each one at WARN with a
 * stack trace ("Exception thrown during asynchronous load"), which under a flood was hundreds of
 * lines a second for outcomes already counted in metrics.
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
    private final Throwable failure;
    private volatile int failedRefreshes;

    CachedCredential(AssumeRoleRequest request, StsCredentials credentials, String roleName, Instant refreshAt) {
        this(request, credentials, roleName, new AtomicLong(refreshAt.toEpochMilli()), null);
    }

    private CachedCredential(AssumeRoleRequest request, StsCredentials credentials, String roleName,
                             AtomicLong nextRefreshMillis, Throwable failure) {
        this.request = request;
        this.credentials = credentials;
        this.roleName = roleName;
        this.nextRefreshMillis = nextRefreshMillis;
        this.failure = failure;
    }

    /** The outcome of a mint that failed: no credentials, expired as soon as it is stored. */
    static CachedCredential failed(AssumeRoleRequest request, String roleName, Throwable failure) {
        return new CachedCredential(request, null, roleName, new AtomicLong(Long.MAX_VALUE), failure);
    }

    /** Why the mint failed, or null for an entry that holds credentials. */
    Throwable failure() {
        return failure;
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
        return failure != null ? "CachedCredential[failed: " + failure.getClass().getSimpleName() + "]"
                : "CachedCredential[" + credentials + ", session=" + request.roleSessionName() + "]";
    }
}
