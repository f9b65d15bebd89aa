package io.stsbroker.tracing;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.quarkus.test.junit.QuarkusTest;
import io.stsbroker.api.RequestIds;
import io.stsbroker.testing.TestKeys;
import io.stsbroker.testing.TestTokens;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The default: no OTLP endpoint configured, so tracing is off ({@code config.TracingSwitch}): a mint and a cached hand-out make no span, the request's log lines carry no
 * trace id, and the OpenTelemetry extension logs nothing (its OTLP exporter is never built, so it
 * never tries {@code localhost:4317}). Runs with {@code broker.http.warm-route} on, and off in
 * {@link TracingOffWarmRouteOffTest}.
 */
@QuarkusTest
class TracingOffTest {

    @ConfigProperty(name = "quarkus.otel.sdk.disabled")
    boolean sdkDisabled;
    @Inject
    InMemorySpanExporter spans;

    @Test
    void withNoEndpointConfiguredNothingIsTracedAndNothingIsExported() {
        assertThat(sdkDisabled).as("quarkus.otel.sdk.disabled with nothing configured").isTrue();

        String token = TestKeys.bearer(TestTokens.rs256("system:serviceaccount:warm:trace-off-" + UUID.randomUUID()));
        String requestId = "trace-off-" + UUID.randomUUID();
        try (LogCapture logs = LogCapture.open()) {
            given().header("Authorization", token).header(RequestIds.HEADER, requestId)
                    .get("/v1/credentials/warm-lab").then().statusCode(200);
            given().header("Authorization", token).get("/v1/credentials/warm-lab").then().statusCode(200);

            ExtLogRecord mint = logs.awaitMint(requestId);
            assertThat(mint.getMdc(RequestIds.LOG_KEY)).isEqualTo(requestId);
            assertThat(mint.getMdc("traceId")).as("no span was current while serving").isNull();
            assertThat(logs.records()).as("nothing from the OpenTelemetry extension or its exporter")
                    .noneMatch(r -> r.getLoggerName().contains("opentelemetry"));
        }
        assertThat(spans.getFinishedSpanItems()).isEmpty();
    }
}
