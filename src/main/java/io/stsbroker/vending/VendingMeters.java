package io.stsbroker.vending;

import com.github.benmanes.caffeine.cache.AsyncCache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Duration;
import java.util.stream.DoubleStream;

/**
 * The credential cache's meters: {@code broker.cache.requests{result=hit|miss|failure}},
 * {@code broker.cache.refreshes{result=success|failure|evicted}}, {@code broker.credentials.remaining}
 * (seconds left on each credential handed out) and {@code broker.cache.size}. Registered once, at
 * construction: a registry lookup per request shows in profiles.
 */
final class VendingMeters {

    final Counter hits;
    final Counter misses;
    /** Answered from a remembered permanent refusal ({@link RefusalMemory}). */
    final Counter remembered;
    final Counter refreshed;
    final Counter refreshFailed;
    final Counter refreshEvicted;
    private final DistributionSummary remaining;

    VendingMeters(MeterRegistry meters, Duration minRemaining) {
        this.remembered = meters.counter("broker.cache.requests", "result", "failure");
        this.hits = meters.counter("broker.cache.requests", "result", "hit");
        this.misses = meters.counter("broker.cache.requests", "result", "miss");
        this.refreshed = meters.counter("broker.cache.refreshes", "result", "success");
        this.refreshFailed = meters.counter("broker.cache.refreshes", "result", "failure");
        this.refreshEvicted = meters.counter("broker.cache.refreshes", "result", "evicted");
        this.remaining = DistributionSummary.builder("broker.credentials.remaining")
                .description("Lifetime left on credentials handed out").baseUnit("seconds")
                // Buckets at the floor and the floor + 5 min: the alert on credentials handed out close
                // to the floor (k8s/monitoring) reads the latter.
                .serviceLevelObjectives(DoubleStream.of(minRemaining.toSeconds(), minRemaining.toSeconds() + 300,
                        1800, 3600, 7200, 43200).distinct().sorted().toArray()).register(meters);
    }

    /** Registers {@code broker.cache.size}, read from {@code cache} when scraped. */
    static void gaugeSize(MeterRegistry meters, AsyncCache<?, ?> cache) {
        Gauge.builder("broker.cache.size", cache, c -> c.synchronous().estimatedSize()).register(meters);
    }

    void handedOut(long secondsLeft) {
        remaining.record(secondsLeft);
    }
}
