package io.stsbroker.tracing;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The span exporter of every {@code @QuarkusTest} application: a CDI bean, which Quarkus's
 * OpenTelemetry extension picks up beside (here: instead of) the OTLP exporter. It only receives
 * spans while tracing is on ({@link TracingOn}); in the default test profile tracing is off.
 */
@Singleton
public class InMemorySpans {

    @Produces
    @Singleton
    InMemorySpanExporter exporter() {
        return InMemorySpanExporter.create();
    }
}
