package io.stsbroker.tracing;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * The test application with tracing on and spans going to the in-memory exporter
 * ({@link InMemorySpans}) instead of an OTLP collector: {@code quarkus.otel.sdk.disabled=false}
 * switches it on without an endpoint, which start-up allows only because the OTLP exporter is off
 * ({@code quarkus.otel.exporter.otlp.enabled=false}, fixed at build time, hence a profile of its own).
 * Spans are exported one by one as they end ({@code quarkus.otel.simple=true}).
 */
public class TracingOn implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "quarkus.otel.sdk.disabled", "false",
                "quarkus.otel.exporter.otlp.enabled", "false",
                "quarkus.otel.simple", "true");
    }

    /** {@link TracingOn} with {@code broker.http.warm-route=false}. */
    public static class WarmRouteOff extends TracingOn {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new java.util.HashMap<>(super.getConfigOverrides());
            overrides.put("broker.http.warm-route", "false");
            return overrides;
        }
    }
}
