package io.stsbroker.vending;

import com.github.benmanes.caffeine.cache.AsyncCacheLoader;
import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.stsbroker.audit.AuditEvent;
import io.stsbroker.audit.AuditLog;
import io.stsbroker.audit.LogText;
import io.stsbroker.config.BrokerConfig;
import io.stsbroker.error.BrokerException;
import io.stsbroker.error.ErrorCode;
import io.stsbroker.sts.AssumeRoleRequest;
import io.stsbroker.sts.StsCredentials;
import io.stsbroker.sts.StsException;
import io.stsbroker.sts.UpstreamErrors;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.DoubleStream;

/**
 * Hands out cached STS credentials: never one with less than {@code min-remaining} left (the caller
 * waits for a fresh one), and once less than {@code refresh-ahead} is left, the cached one is still
 * served while one jittered background refresh replaces it.
 *
 * <p>Concurrent misses for one key share one AssumeRole (Caffeine's in-flight future). A refresh
 * that fails transiently keeps the old credential until it reaches the floor; one that fails
 * because the cloud withdrew the grant evicts it, so the revocation takes effect.
 *
 * <p>A permanent refusal ({@link UpstreamErrors.Kind#PERMANENT} or {@link UpstreamErrors.Kind#REVOKED})
 * is remembered per key for {@code broker.cache.failure-ttl} and answered from memory meanwhile, so
 * a caller retrying a denied role in a loop costs STS one call per TTL. Transient failures are
 * never remembered: the next request tries again (within the upstream budget).
 *
 * <p>A request that would start a new mint first passes {@link MintAdmission} (per-caller limits on
 * mints and on variants held, 429 beyond them); a caller's first credential for a role then goes
 * before other upstream calls in the budget. A request answered from the cache, or joining a mint
 * already in progress, never gets there.
 */
@Startup // its meters exist from start-up, not from the first request
@Singleton
public class CredentialVendor {

    private static final Logger LOG = Logger.getLogger(CredentialVendor.class);
    /** How long a started refresh holds off others on the same entry (Caffeine dedupes too). */
    private static final long REFRESH_HOLD_MILLIS = 30_000;
    private static final long REFRESH_RETRY_BASE_MILLIS = 5_000;
    private static final long REFRESH_RETRY_MAX_MILLIS = 60_000;

    private final Clock clock;
    private final UpstreamFetcher fetcher;
    private final AuditLog audit;
    private final boolean auditHandOuts;
    private final Duration minRemaining;
    private final Duration refreshAhead;
    private final Duration requestTimeout;
    private final AsyncLoadingCache<CredentialKey, CachedCredential> cache;
    private final MintAdmission admission;
    /** Permanent refusals by key, for {@code failure-ttl}; null when that is zero. */
    private final Cache<CredentialKey, BrokerException> failures;
    private final Counter failureHits;
    private final Counter hits;
    private final Counter misses;
    private final Counter refreshOk;
    private final Counter refreshFailed;
    private final Counter refreshEvicted;
    private final DistributionSummary remaining;

    CredentialVendor(Clock clock, UpstreamFetcher fetcher, AuditLog audit, BrokerConfig config, MeterRegistry meters) {
        this.clock = clock;
        this.fetcher = fetcher;
        this.audit = audit;
        this.auditHandOuts = config.audit().handOuts();
        this.minRemaining = config.cache().minRemaining();
        this.refreshAhead = config.cache().refreshAhead();
        this.requestTimeout = config.requestTimeout();
        Ticker ticker = () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
        this.admission = new MintAdmission(config.rateLimit().mintsPerCaller(), config.cache().maxVariantsPerCaller(),
                config.cache().maxEntries(), this::secondsHeld, meters);
        this.cache = Caffeine.newBuilder()
                // Maintenance on the calling thread (see CallerRateLimiter); loads and refreshes
                // never block it, they return the fetcher's future.
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
                .buildAsync(new Loader());
        Duration failureTtl = config.cache().failureTtl();
        this.failures = failureTtl.isZero() ? null : Caffeine.newBuilder()
                .maximumSize(config.cache().maxEntries())
                .ticker(ticker)
                .expireAfterWrite(failureTtl)
                .build();
        this.failureHits = meters.counter("broker.cache.requests", "result", "failure");
        this.hits = meters.counter("broker.cache.requests", "result", "hit");
        this.misses = meters.counter("broker.cache.requests", "result", "miss");
        this.refreshOk = meters.counter("broker.cache.refreshes", "result", "success");
        this.refreshFailed = meters.counter("broker.cache.refreshes", "result", "failure");
        this.refreshEvicted = meters.counter("broker.cache.refreshes", "result", "evicted");
        this.remaining = DistributionSummary.builder("broker.credentials.remaining")
                .description("Lifetime left on credentials handed out").baseUnit("seconds")
                // Buckets at the floor and the floor + 5 min: the alert on credentials handed out close
                // to the floor (k8s/monitoring) reads the latter.
                .serviceLevelObjectives(DoubleStream.of(minRemaining.toSeconds(), minRemaining.toSeconds() + 300,
                        1800, 3600, 7200, 43200).distinct().sorted().toArray()).register(meters);
        Gauge.builder("broker.cache.size", cache, c -> c.synchronous().estimatedSize()).register(meters);
    }

    /**
     * Credentials for an already authorized request; completes within {@code broker.request-timeout}
     * or fails with {@link BrokerException} (503 {@code UpstreamUnavailable} on timeout).
     */
    public CompletionStage<VendedCredential> vend(VendRequest request) {
        CredentialKey key = CredentialKey.of(request);
        Warm warm = warm(key, request);
        if (warm != null) {
            return CompletableFuture.completedFuture(warm.handOut());
        }
        if (failures != null) {
            BrokerException refused = failures.getIfPresent(key);
            if (refused != null) {
                failureHits.increment();
                return CompletableFuture.failedFuture(refused);
            }
        }
        misses.increment();
        CompletableFuture<CachedCredential> pending = cache.getIfPresent(key);
        if (pending == null) {
            // This request starts a mint (two racing for one new key may both be counted).
            try {
                pending = admission.admit(key, priority -> cache.get(key, (k, executor) -> load(key, request, priority)));
            } catch (BrokerException refused) {
                return CompletableFuture.failedFuture(refused);
            }
        }
        return pending
                .orTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .handle((entry, failure) -> {
                    if (failure != null) {
                        throw asBrokerException(failure);
                    }
                    if (entry.failure() != null) {
                        throw asBrokerException(entry.failure());
                    }
                    if (!aboveFloor(entry)) {
                        throw new BrokerException(ErrorCode.UPSTREAM_UNAVAILABLE,
                                "The token service returned credentials too close to expiry; try again shortly.",
                                null, Duration.ofSeconds(1), null);
                    }
                    return handOut(entry, request, "handout");
                });
    }

    /**
     * The cached credential {@link #vend} would answer with at once, not yet handed out, or null
     * when the request would wait for STS; finding it changes nothing (no counters, no refresh).
     */
    public Warm warm(VendRequest request) {
        return warm(CredentialKey.of(request), request);
    }

    private Warm warm(CredentialKey key, VendRequest request) {
        CompletableFuture<CachedCredential> present = cache.getIfPresent(key);
        if (present == null || !present.isDone() || present.isCompletedExceptionally()) {
            return null;
        }
        CachedCredential entry = present.join();
        return entry.failure() == null && aboveFloor(entry) ? new Warm(key, entry, request) : null;
    }

    /** A credential found in the cache above its floor: {@link #handOut()} counts the hit and may start a refresh. */
    public final class Warm {
        private final CredentialKey key;
        private final CachedCredential entry;
        private final VendRequest request;

        private Warm(CredentialKey key, CachedCredential entry, VendRequest request) {
            this.key = key;
            this.entry = entry;
            this.request = request;
        }

        public VendedCredential handOut() {
            hits.increment();
            maybeRefresh(key, entry);
            return CredentialVendor.this.handOut(entry, request, "cached");
        }
    }

    /**
     * Drops every cached credential of this caller and/or role (null matches all), and any remembered
     * refusal for them; returns how many credentials were dropped.
     */
    public long invalidate(String roleArn, String identity) {
        java.util.function.Predicate<CredentialKey> matches = k -> (roleArn == null || k.roleArn().equals(roleArn))
                && (identity == null || k.identity().equals(identity));
        var keys = cache.synchronous().asMap().keySet().stream().filter(matches).toList();
        cache.synchronous().invalidateAll(keys);
        if (failures != null) {
            failures.asMap().keySet().removeIf(matches);
        }
        return keys.size();
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

    private void maybeRefresh(CredentialKey key, CachedCredential entry) {
        if (entry.claimRefresh(clock.millis(), REFRESH_HOLD_MILLIS)) {
            cache.synchronous().refresh(key);
        }
    }

    private VendedCredential handOut(CachedCredential entry, VendRequest request, String event) {
        StsCredentials c = entry.credentials();
        remaining.record(Duration.between(clock.instant(), c.expiration()).toSeconds());
        if (auditHandOuts && event.equals("cached")) {
            audit.record(AuditEvent.of(AuditEvent.Type.HANDOUT, "Success").requestId(request.requestId())
                    .caller(request.identity()).role(request.roleName(), request.roleArn())
                    .sessionName(request.sessionName()).credential(c.accessKeyId(), c.expiration()).build());
        }
        return entry.vended();
    }

    /** Remembers a permanent refusal for {@code failure-ttl}; transient failures are not remembered. */
    private void rememberIfPermanent(CredentialKey key, Throwable t) {
        if (failures != null && t instanceof StsException e && e.kind() != UpstreamErrors.Kind.RETRYABLE) {
            failures.put(key, e);
        }
    }

    private CompletableFuture<CachedCredential> load(CredentialKey key, VendRequest request, FetchPriority priority) {
        AssumeRoleRequest call = new AssumeRoleRequest(request.roleArn(), request.sessionName(), request.duration(),
                request.sessionPolicy(), request.externalId());
        return fetcher.fetch(call, priority)
                .map(creds -> {
                    audit.record(AuditEvent.of(AuditEvent.Type.MINT, "Success").requestId(request.requestId())
                            .caller(request.identity()).role(request.roleName(), call.roleArn())
                            .sessionName(call.roleSessionName()).credential(creds.accessKeyId(), creds.expiration())
                            .build());
                    return entry(call, creds, request.roleName());
                })
                .onFailure().invoke(t -> {
                    rememberIfPermanent(key, t);
                    audit.record(AuditEvent.of(AuditEvent.Type.MINT, failureCode(t)).requestId(request.requestId())
                            .caller(request.identity()).role(request.roleName(), call.roleArn())
                            .sessionName(call.roleSessionName()).reason(t.getMessage()).build());
                })
                .onFailure().recoverWithItem(t -> CachedCredential.failed(call, request.roleName(), t))
                .subscribeAsCompletionStage();
    }

    private CachedCredential entry(AssumeRoleRequest call, StsCredentials creds, String roleName) {
        // Jitter spreads the refreshes of entries minted together over the first quarter of the window.
        long windowMillis = refreshAhead.minus(minRemaining).toMillis();
        long jitter = ThreadLocalRandom.current().nextLong(Math.max(1, windowMillis / 4));
        Instant refreshAt = creds.expiration().minus(refreshAhead).plusMillis(jitter);
        return new CachedCredential(call, creds, roleName, refreshAt);
    }

    /** Refreshes repeat the entry's own request; a revoked grant completes with null, which evicts. */
    private final class Loader implements AsyncCacheLoader<CredentialKey, CachedCredential> {

        @Override
        public CompletableFuture<CachedCredential> asyncLoad(CredentialKey key, java.util.concurrent.Executor executor) {
            // Every get() passes its own mapping function; a refresh of an absent key has nothing to repeat.
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<CachedCredential> asyncReload(CredentialKey key, CachedCredential old,
                                                               java.util.concurrent.Executor executor) {
            return fetcher.fetch(old.request(), FetchPriority.DEFERRABLE)
                    .map(creds -> {
                        refreshOk.increment();
                        audit.record(AuditEvent.of(AuditEvent.Type.MINT, "Success").requestId("refresh").caller(key.identity())
                                .role(old.roleName(), old.request().roleArn()).sessionName(old.request().roleSessionName())
                                .credential(creds.accessKeyId(), creds.expiration()).build());
                        return entry(old.request(), creds, old.roleName());
                    })
                    .onFailure().recoverWithItem(t -> {
                        if (t instanceof StsException e && e.kind() == UpstreamErrors.Kind.REVOKED) {
                            refreshEvicted.increment();
                            LOG.warnf("Refresh of %s for %s refused with %s: evicting the cached credential",
                                    old.roleName(), LogText.escape(key.identity()), e.upstreamCode().orElse("?"));
                            audit.record(AuditEvent.of(AuditEvent.Type.EVICT, failureCode(t)).requestId("refresh")
                                    .caller(key.identity()).role(old.roleName(), old.request().roleArn())
                                    .sessionName(old.request().roleSessionName()).reason(t.getMessage()).build());
                            rememberIfPermanent(key, t);
                            return null;
                        }
                        refreshFailed.increment();
                        long backoff = old.refreshFailed(clock.millis(), REFRESH_RETRY_BASE_MILLIS, REFRESH_RETRY_MAX_MILLIS);
                        LOG.infof("Refresh of %s for %s failed (%s); serving the cached credential, next attempt in %d ms",
                                old.roleName(), LogText.escape(key.identity()), failureCode(t), backoff);
                        return old;
                    })
                    .subscribeAsCompletionStage();
        }
    }

    private static String failureCode(Throwable t) {
        if (t instanceof BrokerException b) {
            return b.upstreamCode().orElse(b.code().code());
        }
        return t.getClass().getSimpleName();
    }

    private static BrokerException asBrokerException(Throwable failure) {
        Throwable t = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (t instanceof BrokerException b) {
            return b;
        }
        if (t instanceof java.util.concurrent.TimeoutException) {
            return new BrokerException(ErrorCode.UPSTREAM_UNAVAILABLE,
                    "No credentials within broker.request-timeout; the token service is slow or unreachable.",
                    null, Duration.ofSeconds(1), null);
        }
        // Class name only: the message of an unexpected exception may carry request data.
        LOG.errorf("Unexpected %s while vending credentials", t.getClass().getName());
        return new BrokerException(ErrorCode.UPSTREAM_UNAVAILABLE, "Credentials could not be obtained; try again shortly.",
                null, Duration.ofSeconds(1), null);
    }
}
