package io.stsbroker.vending;

import io.github.bucket4j.TimeMeter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.stsbroker.config.BrokerConfig;
import io.stsbroker.sts.AssumeRoleRequest;
import io.stsbroker.sts.StsAttempt;
import io.stsbroker.sts.StsClient;
import io.stsbroker.sts.StsCredentials;
import io.stsbroker.sts.StsException;
import io.stsbroker.sts.UpstreamErrors;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fetches credentials from STS for the cache, for first requests and background refreshes alike:
 * <ul>
 *   <li>every attempt, retries included, first takes a token of the {@link UpstreamBudget}
 *       ({@code broker.sts.max-calls-per-second}), at the fetch's {@link FetchPriority} (a cold
 *       caller's first credential before extra variants and refreshes);</li>
 *   <li>only {@link UpstreamErrors.Kind#RETRYABLE} failures are retried, with Mutiny's exponential
 *       backoff: {@code broker.sts.retry-backoff} doubled per retry, at most 16 times it, with 50%
 *       jitter, for at most {@code broker.sts.max-attempts} attempts in all;</li>
 *   <li>the whole fetch, budget waits and backoffs included, gives up after
 *       {@code broker.request-timeout}.</li>
 * </ul>
 * A spent budget is not retried: it fails the fetch at once with 503.
 *
 * <p>No circuit breaker, on purpose: the budget already caps what a failing STS receives, every
 * caller has its answer within {@code broker.request-timeout}, and warm keys never call STS on the
 * request path; a breaker would only trade a cold caller's wait during an outage for refused calls
 * after STS recovers (the measurement is in docs/BENCHMARKS.md).
 */
@Startup
@Singleton
class UpstreamFetcher implements CredentialSource {

    /** The longest backoff, as a multiple of the first. */
    static final int MAX_BACKOFF_FACTOR = 16;
    static final double JITTER = 0.5;

    private final StsClient sts;
    private final UpstreamBudget budget;
    private final int maxAttempts;
    private final Duration backoff;
    private final Duration deadline;
    private final ScheduledExecutorService scheduler;
    private final TimeMeter time;
    private final AtomicInteger inFlight;
    private final AtomicInteger fetching = new AtomicInteger();

    @Inject
    UpstreamFetcher(StsClient sts, BrokerConfig config, MeterRegistry meters) {
        this(sts, config, meters, new AtomicInteger());
    }

    private UpstreamFetcher(StsClient sts, BrokerConfig config, MeterRegistry meters, AtomicInteger inFlight) {
        this(sts, new UpstreamBudget(config.sts().maxCallsPerSecond(), config.sts().budgetWait(),
                        Infrastructure.getDefaultWorkerPool(), TimeMeter.SYSTEM_NANOTIME, meters, inFlight::get,
                        StsClient.MAX_CONNECTIONS),
                config.sts().maxAttempts(), config.sts().retryBackoff(), config.requestTimeout(),
                Infrastructure.getDefaultWorkerPool(), TimeMeter.SYSTEM_NANOTIME, meters, inFlight);
    }

    /** A fetcher on the system's time, its waits on Mutiny's default worker pool. */
    UpstreamFetcher(StsClient sts, UpstreamBudget budget, int maxAttempts, Duration backoff, Duration deadline,
                    MeterRegistry meters) {
        this(sts, budget, maxAttempts, backoff, deadline, Infrastructure.getDefaultWorkerPool(),
                TimeMeter.SYSTEM_NANOTIME, meters);
    }

    /**
     * @param scheduler runs the backoffs and the deadline's timer (Mutiny's default worker pool in
     *                  the application)
     * @param time      the time the deadline is read in, the budget's
     */
    UpstreamFetcher(StsClient sts, UpstreamBudget budget, int maxAttempts, Duration backoff, Duration deadline,
                    ScheduledExecutorService scheduler, TimeMeter time, MeterRegistry meters) {
        this(sts, budget, maxAttempts, backoff, deadline, scheduler, time, meters, new AtomicInteger());
    }

    private UpstreamFetcher(StsClient sts, UpstreamBudget budget, int maxAttempts, Duration backoff, Duration deadline,
                            ScheduledExecutorService scheduler, TimeMeter time, MeterRegistry meters,
                            AtomicInteger inFlight) {
        this.inFlight = inFlight;
        this.sts = sts;
        this.budget = budget;
        this.maxAttempts = maxAttempts;
        this.backoff = backoff;
        this.deadline = deadline;
        this.scheduler = scheduler;
        this.time = time;
        Gauge.builder("broker.upstream.in.flight", inFlight, AtomicInteger::get)
                .description("AssumeRole attempts sent to STS and not yet answered").register(meters);
        Gauge.builder("broker.upstream.fetches", fetching, AtomicInteger::get)
                .description("Credential fetches in progress (first requests and refreshes, retries and waits included)")
                .register(meters);
    }

    /** {@link #fetch(AssumeRoleRequest, FetchPriority)} for a cold caller. */
    Uni<StsCredentials> fetch(AssumeRoleRequest request) {
        return fetch(request, FetchPriority.COLD);
    }

    /** Calls STS for {@code request}; the key is not needed upstream. */
    @Override
    public Uni<StsCredentials> fetch(CredentialKey key, AssumeRoleRequest request, FetchPriority priority) {
        return fetch(request, priority);
    }

    /** Fetches with every attempt taking its budget token at {@code priority}. */
    Uni<StsCredentials> fetch(AssumeRoleRequest request, FetchPriority priority) {
        // deferred: every retry is a fresh subscription, so every attempt takes its own budget token
        // and is signed anew (new nonce, new timestamp).
        Uni<StsCredentials> call = Uni.createFrom().deferred(() -> {
            long deadlineNanos = time.currentTimeNanos() + deadline.toNanos();
            // Numbered for observers (the tracing decorator): 1, then 2 for the first retry, ...
            AtomicInteger attempts = new AtomicInteger();
            Uni<StsCredentials> attempt = Uni.createFrom().deferred(() -> budget.acquire(deadlineNanos, priority)
                    .onItem().transformToUni(ignored -> attempt(request,
                            new StsAttempt(attempts.incrementAndGet(), priority == FetchPriority.DEFERRABLE))));
            if (maxAttempts > 1) {
                attempt = attempt.onFailure(UpstreamFetcher::retryable).retry()
                        .withBackOff(backoff, backoff.multipliedBy(MAX_BACKOFF_FACTOR)).withJitter(JITTER)
                        .withExecutor(scheduler).atMost(maxAttempts - 1L);
            }
            return attempt;
        });
        return call.ifNoItem().after(deadline).on(scheduler)
                .failWith(() -> StsException.unreachable("no answer within broker.request-timeout", null))
                .onSubscription().invoke(fetching::incrementAndGet)
                .onTermination().invoke(fetching::decrementAndGet);
    }

    /** Attempts sent to STS and not yet answered, failed or abandoned. */
    int inFlight() {
        return inFlight.get();
    }

    private Uni<StsCredentials> attempt(AssumeRoleRequest request, StsAttempt attempt) {
        return Uni.createFrom().deferred(() -> {
            inFlight.incrementAndGet();
            return sts.assumeRole(request, attempt);
        }).onTermination().invoke(inFlight::decrementAndGet);
    }

    static boolean retryable(Throwable t) {
        return t instanceof StsException e && e.kind() == UpstreamErrors.Kind.RETRYABLE;
    }
}
