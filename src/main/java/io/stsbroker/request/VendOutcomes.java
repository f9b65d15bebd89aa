package io.stsbroker.request;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;

/**
 * Counts credential requests by outcome ({@code broker.vend.requests}, tag {@code outcome}: an error
 * code or {@code Success}) and those the warm route answered ({@code broker.vend.warm}).
 */
@Singleton
public class VendOutcomes {

    public static final String SUCCESS = "Success";

    private final MeterRegistry meters;
    // Registered once: a registry lookup per request shows in profiles.
    private final Counter successes;
    private final Counter warm;

    VendOutcomes(MeterRegistry meters) {
        this.meters = meters;
        this.successes = meters.counter("broker.vend.requests", "outcome", SUCCESS);
        this.warm = meters.counter("broker.vend.warm");
    }

    public void count(String outcome) {
        (outcome.equals(SUCCESS) ? successes : meters.counter("broker.vend.requests", "outcome", outcome)).increment();
    }

    public void countWarm() {
        warm.increment();
    }
}
