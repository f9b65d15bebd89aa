package io.stsbroker.config;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link TracingSwitch} on a real SmallRye Config with the extension's own defaults (the endpoint's
 * {@code http://localhost:4317/} and {@code sdk.disabled=false}, which must not count as configured)
 * and a source at the environment's ordinal standing for what a deployment sets.
 */
class TracingSwitchTest {

    private static boolean sdkDisabled(Map<String, String> deployment) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withInterceptors(new TracingSwitch())
                .withDefaultValue("quarkus.otel.sdk.disabled", "false")
                .withDefaultValue("quarkus.otel.exporter.otlp.traces.endpoint", "http://localhost:4317/")
                .withSources(new PropertiesConfigSource(deployment, "deployment", 300))
                .build();
        return config.getValue(TracingSwitch.SDK_DISABLED, Boolean.class);
    }

    @Test
    void withNothingConfiguredTracingIsOffDespiteTheExtensionsDefaultEndpoint() {
        assertThat(sdkDisabled(Map.of())).isTrue();
    }

    @Test
    void eitherEndpointPropertyTurnsTracingOn() {
        assertThat(sdkDisabled(Map.of("quarkus.otel.exporter.otlp.endpoint", "http://collector:4317"))).isFalse();
        assertThat(sdkDisabled(Map.of("quarkus.otel.exporter.otlp.traces.endpoint", "http://collector:4318/v1/traces")))
                .isFalse();
    }

    @Test
    void theEnvironmentVariableFormOfTheEndpointTurnsTracingOn() {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withInterceptors(new TracingSwitch())
                .withDefaultValue("quarkus.otel.sdk.disabled", "false")
                .withSources(new io.smallrye.config.EnvConfigSource(
                        Map.of("QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317"), 300))
                .build();
        assertThat(config.getValue(TracingSwitch.SDK_DISABLED, Boolean.class)).isFalse();
    }

    @Test
    void anExplicitSettingWinsEitherWay() {
        assertThat(sdkDisabled(Map.of("quarkus.otel.sdk.disabled", "false"))).isFalse();
        assertThat(sdkDisabled(Map.of("quarkus.otel.sdk.disabled", "true",
                "quarkus.otel.exporter.otlp.endpoint", "http://collector:4317"))).isTrue();
    }

    @Test
    void aBlankEndpointDoesNotCount() {
        assertThat(sdkDisabled(Map.of("quarkus.otel.exporter.otlp.endpoint", " "))).isTrue();
    }
}
