package io.stsbroker.api;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.stsbroker.sts.StsClient;
import jakarta.inject.Singleton;

/**
 * {@code broker_sts_provider_ready}: 1 while the STS provider can take calls (what
 * {@link StsReadinessCheck} reports on {@code /q/health/ready}), 0 otherwise. Prometheus alerts
 * cannot read a probe, so readiness is also a metric; registered at start-up so that the series
 * exists before the first probe.
 */
@Startup
@Singleton
class StsReadinessGauge {

    StsReadinessGauge(StsClient sts, MeterRegistry meters) {
        Gauge.builder("broker.sts.provider.ready", sts, s -> s.ready() ? 1 : 0)
                .description("1 while the STS provider can take calls (readiness), else 0")
                .strongReference(true)
                .register(meters);
    }
}
