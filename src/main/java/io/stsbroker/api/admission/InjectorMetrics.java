package io.stsbroker.api.admission;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.stsbroker.injection.Decision;
import jakarta.inject.Singleton;

/**
 * {@code broker.injector.reviews} (tags {@code kind}: {@code Pod}, a workload kind or {@code other};
 * {@code outcome}: {@code injected}, {@code unchanged}, {@code checked}, {@code denied},
 * {@code invalid}) and {@code broker.injector.ungranted} (tag {@code kind}): opted-in pods and pod
 * templates whose service account is not granted the role they name. Identities are never tags
 * (unbounded); the warning and the log name them.
 */
@Singleton
class InjectorMetrics {

    private final MeterRegistry meters;

    InjectorMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    void record(String kind, Decision decision) {
        review(kind, decision.outcome().tag());
        if (decision.ungranted().isPresent()) {
            Counter.builder("broker.injector.ungranted")
                    .description("Opted-in pods and pod templates whose service account is not granted the role they name")
                    .tag("kind", kind).register(meters).increment();
        }
    }

    void invalid() {
        review("other", "invalid");
    }

    private void review(String kind, String outcome) {
        Counter.builder("broker.injector.reviews").description("Admission reviews answered, by object kind and outcome")
                .tag("kind", kind).tag("outcome", outcome).register(meters).increment();
    }
}
