package io.stsbroker.vending;

import com.github.benmanes.caffeine.cache.AsyncCacheLoader;
import io.stsbroker.audit.LogText;
import io.stsbroker.sts.StsException;
import io.stsbroker.sts.UpstreamErrors;
import org.jboss.logging.Logger;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The cache's loader, which only refreshes: a refresh repeats the entry's own AssumeRole through
 * the {@link CredentialSource} at {@link FetchPriority#DEFERRABLE}. A success replaces the entry; a
 * revoked grant completes with null, which evicts it (and remembers the refusal); any other failure
 * keeps serving the old credential and puts off the next attempt ({@link RefreshSchedule}).
 *
 * <p>First mints do not come here: every {@code get} passes its own mapping function, because the
 * key alone does not say who asked (the audit record needs the request).
 */
final class CredentialRefresher implements AsyncCacheLoader<CredentialKey, CachedCredential> {

    private static final Logger LOG = Logger.getLogger(CredentialRefresher.class);

    private final CredentialSource source;
    private final RefreshSchedule schedule;
    private final RefusalMemory refusals;
    private final VendingMeters meters;
    private final VendingAudit audit;

    CredentialRefresher(CredentialSource source, RefreshSchedule schedule, RefusalMemory refusals, VendingMeters meters,
                        VendingAudit audit) {
        this.source = source;
        this.schedule = schedule;
        this.refusals = refusals;
        this.meters = meters;
        this.audit = audit;
    }

    @Override
    public CompletableFuture<CachedCredential> asyncLoad(CredentialKey key, Executor executor) {
        // A refresh of an absent key has nothing to repeat.
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<CachedCredential> asyncReload(CredentialKey key, CachedCredential old, Executor executor) {
        return source.fetch(key, old.request(), FetchPriority.DEFERRABLE)
                .map(creds -> {
                    meters.refreshed.increment();
                    audit.refreshed(key, old, creds);
                    return schedule.entry(old.request(), creds, old.roleName());
                })
                .onFailure().recoverWithItem(t -> {
                    if (t instanceof StsException e && e.kind() == UpstreamErrors.Kind.REVOKED) {
                        meters.refreshEvicted.increment();
                        LOG.warnf("Refresh of %s for %s refused with %s: evicting the cached credential",
                                old.roleName(), LogText.escape(key.identity()), e.upstreamCode().orElse("?"));
                        audit.evicted(key, old, t);
                        refusals.rememberIfPermanent(key, t);
                        return null;
                    }
                    meters.refreshFailed.increment();
                    long backoff = schedule.failed(old);
                    LOG.infof("Refresh of %s for %s failed (%s); serving the cached credential, next attempt in %d ms",
                            old.roleName(), LogText.escape(key.identity()), VendFailures.codeOf(t), backoff);
                    return old;
                })
                .subscribeAsCompletionStage();
    }
}
