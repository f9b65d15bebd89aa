package io.stsbroker.api;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.stream.Stream;

/**
 * Histogram buckets on {@code http_server_requests_seconds} (Quarkus's HTTP server timer), so the
 * dashboard can show request latency percentiles by outcome: 2 ms to 10 s, about 2.5x apart, the top
 * above {@code broker.request-timeout} (8 s). Twelve buckets per URI pattern, method and status; URIs
 * are already folded to patterns ({@code quarkus.micrometer.binder.http-server.match-patterns}).
 */
@Singleton
public class HttpLatencyBuckets {

    static final String HTTP_SERVER_REQUESTS = "http.server.requests";

    private static final double[] BUCKETS_NANOS = Stream.of(2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000)
            .mapToDouble(ms -> Duration.ofMillis(ms).toNanos()).toArray();

    @Produces
    @Singleton
    MeterFilter httpServerLatencyBuckets() {
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (!HTTP_SERVER_REQUESTS.equals(id.getName())) {
                    return config;
                }
                return DistributionStatisticConfig.builder().serviceLevelObjectives(BUCKETS_NANOS).build().merge(config);
            }
        };
    }
}
