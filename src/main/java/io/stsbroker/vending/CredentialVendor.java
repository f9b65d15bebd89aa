package io.stsbroker.vending;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.stsbroker.audit.AuditLog;
import io.stsbroker.config.BrokerConfig;
import io.stsbroker.error.BrokerException;
import io.stsbroker.sts.AssumeRoleRequest;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Hands out cached STS credentials: never one with less than {@code min-remaining} left (the caller
 * waits for a fresh one), and once less than {@code refresh-ahead} is left, the cached one is still
 * served while one jittered background refresh replaces it ({@link RefreshSchedule},
 * {@link CredentialRefresher}).
 *
 * <p>Concurrent misses for one key share one fetch from the {@link CredentialSource} (Caffeine's
 * in-flight future). A permanent refusal is answered from {@link RefusalMemory} for
 * {@code failure-ttl}. A request that would start a new mint first passes {@link MintAdmission}
 * (429 beyond its per-caller limits); a request answered from the cache, or joining a mint already
 * in progress, never gets there.
 *
 * <p>{@link #warm} is the same lookup for a caller that may not wait: it finds the credential
 * {@link #vend} would answer with at once, or declines without changing anything.
 */
@Startup // its meters exist from start-up, not from the first request
@Singleton
public class CredentialVendor {

    private final Clock clock;
    private final CredentialSource source;
    private final Duration minRemaining;
    private final Duration requestTimeout;
    private final AsyncLoadingCache<CredentialKey, CachedCredential> cache;
    private final MintAdmission admission;
    private final RefusalMemory refusals;
    private final RefreshSchedule schedule;
    private final VendingMeters meters;
    private final VendingAudit audit;

    /** A vendor that counts mints on this replica only ({@link LocalMintQuota}). */
    public CredentialVendor(Clock clock, CredentialSource source, AuditLog audit, BrokerConfig config, MeterRegistry registry) {
        this(clock, source, audit, config, registry, new LocalMintQuota(config));
    }

    /** @param quota counts each caller's mints and variants (on this replica, or across replicas in cluster mode) */
    @Inject
    public CredentialVendor(Clock clock, CredentialSource source, AuditLog audit, BrokerConfig config, MeterRegistry registry,
                            MintQuota quota) {
        this.clock = clock;
        this.source = source;
        this.minRemaining = config.cache().minRemaining();
        this.requestTimeout = config.requestTimeout();
        this.audit = new VendingAudit(audit, config.audit().handOuts());
        this.meters = new VendingMeters(registry, minRemaining);
        this.schedule = new RefreshSchedule(clock, config.cache().refreshAhead(), minRemaining);
        Ticker ticker = () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
        this.admission = new MintAdmission(quota, this::secondsHeld, registry);
        this.refusals = new RefusalMemory(config.cache().failureTtl(), config.cache().maxEntries(), ticker);
        this.cache = Caffeine.newBuilder()
                // Maintenance on the calling thread (see CallerRateLimiter); loads and refreshes
                // never block it, they return the source's future.
                .executor(Runnable::run)
                .maximumSize(config.cache().maxEntries())
                .ticker(ticker)
                .expireAfter(new CredentialExpiry(clock, minRemaining))
                // A refresh keeps the key (REPLACED); anything else frees a variant slot.
                .removalListener((CredentialKey k, CachedCredential v, RemovalCause cause) -> {
                    if (cause != RemovalCause.REPLACED && k != null) {
                        admission.forget(k);
                    }
                })
                .buildAsync(new CredentialRefresher(source, schedule, refusals, meters, this.audit));
        VendingMeters.gaugeSize(registry, cache);
    }

    /**
     * Credentials for an already authorized request; completes within {@code broker.request-timeout}
     * or fails with {@link BrokerException} (503 {@code UpstreamUnavailable} on timeout).
     */
    public CompletionStage<VendedCredential> vend(VendRequest request) {
        CredentialKey key = request.key();
        WarmCredential warm = warm(request);
        if (warm != null) {
            return CompletableFuture.completedFuture(warm.handOut());
        }
        BrokerException refused = refusals.recall(key);
        if (refused != null) {
            meters.remembered.increment();
            return CompletableFuture.failedFuture(refused);
        }
        meters.misses.increment();
        CompletableFuture<CachedCredential> present = cache.getIfPresent(key);
        // Without a mint in progress this request starts one (two racing for one new key may both be counted).
        CompletionStage<CachedCredential> pending = present != null ? present
                : admission.admit(key, priority -> cache.get(key, (k, executor) -> mint(key, request, priority)))
                        .thenCompose(started -> started);
        return pending.toCompletableFuture()
                .orTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .handle((entry, failure) -> {
                    if (failure != null) {
                        throw VendFailures.asBrokerException(failure);
                    }
                    if (entry.failure() != null) {
                        throw VendFailures.asBrokerException(entry.failure());
                    }
                    if (!aboveFloor(entry)) {
                        throw VendFailures.tooCloseToExpiry();
                    }
                    return handOut(entry, request, false);
                });
    }

    /**
     * The cached credential {@link #vend} would answer with at once, not yet handed out, or null
     * when the request would wait (a miss, a mint in progress, a failed mint, a credential at its
     * floor); finding it changes nothing (no counters, no refresh, no audit).
     */
    public WarmCredential warm(VendRequest request) {
        CompletableFuture<CachedCredential> present = cache.getIfPresent(request.key());
        if (present == null || !present.isDone() || present.isCompletedExceptionally()) {
            return null;
        }
        CachedCredential entry = present.join();
        return entry.failure() == null && aboveFloor(entry) ? new WarmCredential(this, entry, request) : null;
    }

    /**
     * Drops every cached credential of this caller and/or role (null matches all), and any remembered
     * refusal for them; returns how many credentials were dropped. The one invalidation entry point:
     * the admin API calls it, and so may anything that learns of a revocation elsewhere (another replica).
     */
    public long invalidate(String roleArn, String identity) {
        Predicate<CredentialKey> matches = k -> (roleArn == null || k.roleArn().equals(roleArn))
                && (identity == null || k.identity().equals(identity));
        var keys = cache.synchronous().asMap().keySet().stream().filter(matches).toList();
        cache.synchronous().invalidateAll(keys);
        refusals.forget(matches);
        return keys.size();
    }

    /** A warm hand-out: counts the hit, starts the refresh if one is due, hands the entry out. */
    VendedCredential handOutWarm(CachedCredential entry, VendRequest request) {
        meters.hits.increment();
        if (schedule.claim(entry)) {
            cache.synchronous().refresh(request.key());
        }
        return handOut(entry, request, true);
    }

    /** For {@link MintAdmission}: seconds until {@code key} leaves the cache, 0 while minting, -1 when not held. */
    private long secondsHeld(CredentialKey key) {
        CompletableFuture<CachedCredential> f = cache.getIfPresent(key);
        if (f == null || f.isCompletedExceptionally()) {
            return -1;
        }
        if (!f.isDone()) {
            return 0;
        }
        CachedCredential entry = f.join();
        if (entry == null || entry.failure() != null) {
            return -1;
        }
        long s = Duration.between(clock.instant(), entry.credentials().expiration().minus(minRemaining)).toSeconds();
        return s < 0 ? -1 : s;
    }

    private boolean aboveFloor(CachedCredential entry) {
        return entry.credentials().expiration().minus(minRemaining).isAfter(clock.instant());
    }

    /** Only hand-outs from the cache are audited as such; a mint has its own record. */
    private VendedCredential handOut(CachedCredential entry, VendRequest request, boolean fromCache) {
        meters.handedOut(Duration.between(clock.instant(), entry.credentials().expiration()).toSeconds());
        if (fromCache) {
            audit.handedOut(request, entry.credentials());
        }
        return entry.vended();
    }

    private CompletableFuture<CachedCredential> mint(CredentialKey key, VendRequest request, FetchPriority priority) {
        AssumeRoleRequest call = request.assumeRole();
        return source.fetch(key, call, priority)
                .map(creds -> {
                    audit.minted(request, call, creds);
                    return schedule.entry(call, creds, request.roleName());
                })
                .onFailure().invoke(t -> {
                    refusals.rememberIfPermanent(key, t);
                    audit.mintFailed(request, call, t);
                })
                .onFailure().recoverWithItem(t -> CachedCredential.failed(call, request.roleName(), t))
                .subscribeAsCompletionStage();
    }
}
