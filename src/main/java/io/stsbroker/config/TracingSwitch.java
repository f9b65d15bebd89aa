package io.stsbroker.config;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;

import java.util.List;

/**
 * Tracing is on exactly when an OTLP endpoint is configured: this interceptor answers
 * {@value #SDK_DISABLED} with {@code true} unless someone set that property, or set one of
 * {@link #ENDPOINTS} (in any config source: {@code application.yml}, {@code -D}, or the environment,
 * e.g. {@code QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT}). Quarkus's own default for the endpoint
 * ({@code http://localhost:4317}) does not count, so a broker with nothing configured never tries
 * to reach a collector.
 *
 * <p>Why an interceptor: {@value #SDK_DISABLED} is the extension's run-time switch (with the SDK
 * disabled no Vert.x tracer is installed and the exporter is never built), but its default is
 * {@code false}, and a configuration expression cannot say "true unless another property is set".
 * Registered through {@code META-INF/services/io.smallrye.config.ConfigSourceInterceptor}, so it
 * applies at build time and at run time alike.
 */
@Priority(Priorities.APPLICATION)
public class TracingSwitch implements ConfigSourceInterceptor {

    /** The extension's run-time switch. */
    public static final String SDK_DISABLED = "quarkus.otel.sdk.disabled";

    /** Either of these, set to anything, turns tracing on; the first wins for traces (Quarkus's rule). */
    public static final List<String> ENDPOINTS = List.of(
            "quarkus.otel.exporter.otlp.traces.endpoint", "quarkus.otel.exporter.otlp.endpoint");

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (!SDK_DISABLED.equals(name) || configured(value)) {
            return value;
        }
        boolean endpointSet = ENDPOINTS.stream().anyMatch(endpoint -> configured(context.proceed(endpoint)));
        if (endpointSet) {
            return value;
        }
        ConfigValue off = ConfigValue.builder().withName(SDK_DISABLED).withValue("true")
                .withConfigSourceName(TracingSwitch.class.getSimpleName())
                .withConfigSourceOrdinal(Integer.MIN_VALUE).build();
        return off;
    }

    /**
     * Set by someone: a value from a real config source, not a mapping's or extension's default
     * (those live in sources of the lowest ordinals).
     */
    static boolean configured(ConfigValue value) {
        return value != null && value.getValue() != null && !value.getValue().isBlank()
                && value.getConfigSourceOrdinal() > Integer.MIN_VALUE + 1000
                && !"DefaultValuesConfigSource".equals(value.getConfigSourceName());
    }
}
