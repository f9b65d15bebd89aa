package io.stsbroker.sts;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Metrics of the calls to STS.
 * <ul>
 *   <li>{@code broker.upstream.calls}, counter, tag {@code result}: {@code Success}, the STS error
 *       {@code Code} (e.g. {@code Throttling.User}), {@code network} (no STS answer, or one that
 *       could not be read) or {@code timeout}.</li>
 *   <li>{@code broker.upstream.latency}, timer with a percentile histogram, of every attempt that
 *       reached the network, whatever its result.</li>
 *   <li>{@code broker.upstream.connections}, gauge: connections to STS open right now.</li>
 * </ul>
 */
final class UpstreamMetrics {

    static final String CALLS = "broker.upstream.calls";
    static final String LATENCY = "broker.upstream.latency";
    static final String SUCCESS = "Success";
    static final String NETWORK = "network";
    static final String TIMEOUT = "timeout";

    /** STS codes are short dotted words; anything else (a misbehaving proxy) is folded into one tag value. */
    private static final Pattern CODE_TAG = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final MeterRegistry registry;
    private final Timer latency;

    UpstreamMetrics(MeterRegistry registry, Duration timeout) {
        this.registry = registry;
        this.latency = Timer.builder(LATENCY)
                .description("Duration of one STS AssumeRole attempt, successful or not")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(timeout.multipliedBy(2))
                .register(registry);
    }

    /** Reports the open connections of {@code http} as {@code broker.upstream.connections}. */
    void connections(UpstreamHttp http) {
        Gauge.builder("broker.upstream.connections", http, UpstreamHttp::openConnections)
                .description("Connections to STS open right now").register(registry);
    }

    Timer.Sample start() {
        return Timer.start(registry);
    }

    /** Stops the latency sample and counts one call with {@code result}. */
    void record(Timer.Sample sample, String result) {
        sample.stop(latency);
        Counter.builder(CALLS)
                .description("STS AssumeRole attempts by result")
                .tag("result", CODE_TAG.matcher(result).matches() ? result : "Unrecognized")
                .register(registry)
                .increment();
    }
}
