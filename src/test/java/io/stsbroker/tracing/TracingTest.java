package io.stsbroker.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.stsbroker.api.RequestIds;
import io.stsbroker.sts.embedded.EmbeddedStsFaults;
import io.stsbroker.testing.TestKeys;
import io.stsbroker.testing.TestTokens;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tracing on ({@link TracingOn}): a span per request, the warm route's included, a child span per
 * AssumeRole attempt with its role ARN, attempt number and outcome, the trace id in the log lines
 * of the request, no spans for health and metrics, and nothing secret in any span. Runs with
 * {@code broker.http.warm-route} on, and off in {@link TracingWarmRouteOffTest}.
 */
@QuarkusTest
@TestProfile(TracingOn.class)
class TracingTest {

    private static final String ROLE = "warm-lab";
    private static final String ROLE_ARN = "acs:ram::1234567890123456:role/warm-lab";
    private static final String PATH = "/v1/credentials/" + ROLE;
    private static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
    private static final AttributeKey<String> ROLE_ARN_KEY = AttributeKey.stringKey("broker.sts.role_arn");
    private static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("broker.sts.attempt");
    private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("broker.sts.outcome");

    @ConfigProperty(name = "broker.http.warm-route")
    boolean warmRoute;
    @Inject
    InMemorySpanExporter spans;
    @Inject
    EmbeddedStsFaults faults;

    private LogCapture logs;

    @BeforeEach
    void start() {
        spans.reset();
        logs = LogCapture.open();
    }

    @AfterEach
    void stop() {
        logs.close();
        faults.clear();
    }

    private static String caller(String name) {
        return "system:serviceaccount:warm:trace-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A fresh W3C trace id: each request joins a trace of its own, so its spans are told apart from others'. */
    private static String newTraceId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    /** GET {@link #PATH} as {@code token}, in the trace {@code traceId} (a {@code traceparent} header). */
    private static Response vend(String token, String traceId) {
        return vend(token, traceId, PATH);
    }

    private static Response vend(String token, String traceId, String path) {
        return given().header("Authorization", TestKeys.bearer(token))
                .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01").get(path);
    }

    /** The server span of the request in trace {@code traceId}, once it ended. */
    private SpanData serverSpan(String traceId, String path) {
        return await().until(() -> spans.getFinishedSpanItems().stream()
                .filter(s -> s.getKind() == SpanKind.SERVER && s.getTraceId().equals(traceId))
                .findFirst().orElse(null), s -> s != null && path.equals(s.getAttributes().get(URL_PATH)));
    }

    private List<SpanData> assumeRoleSpans(String traceId) {
        return spans.getFinishedSpanItems().stream()
                .filter(s -> s.getTraceId().equals(traceId) && s.getName().equals("sts AssumeRole"))
                .sorted(Comparator.comparing(s -> s.getAttributes().get(ATTEMPT))).toList();
    }

    @Test
    void aMintIsAServerSpanWithAChildAssumeRoleSpan() {
        String trace = newTraceId();
        vend(TestTokens.rs256(caller("mint")), trace).then().statusCode(200);

        SpanData server = serverSpan(trace, PATH);
        List<SpanData> attempts = await().until(() -> assumeRoleSpans(server.getTraceId()), l -> !l.isEmpty());
        assertThat(attempts).singleElement().satisfies(a -> {
            assertThat(a.getParentSpanId()).isEqualTo(server.getSpanId());
            assertThat(a.getKind()).isEqualTo(SpanKind.CLIENT);
            assertThat(a.getAttributes().asMap()).hasSize(3);
            assertThat(a.getAttributes().get(ROLE_ARN_KEY)).isEqualTo(ROLE_ARN);
            assertThat(a.getAttributes().get(ATTEMPT)).isEqualTo(1L);
            assertThat(a.getAttributes().get(OUTCOME)).isEqualTo("success");
            assertThat(a.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
        });
    }

    @Test
    void aRetriedAttemptIsAnErrorSpanThenASuccessSpanUnderTheSameRequest() {
        faults.failNext(1, "Throttling", 400, "role/" + ROLE);

        String trace = newTraceId();
        vend(TestTokens.rs256(caller("retry")), trace).then().statusCode(200);

        SpanData server = serverSpan(trace, PATH);
        List<SpanData> attempts = await().until(() -> assumeRoleSpans(server.getTraceId()), l -> l.size() >= 2);
        assertThat(attempts).hasSize(2).allSatisfy(a -> assertThat(a.getParentSpanId()).isEqualTo(server.getSpanId()));
        assertThat(attempts.get(0).getAttributes().get(ATTEMPT)).isEqualTo(1L);
        assertThat(attempts.get(0).getAttributes().get(OUTCOME)).isEqualTo("Throttling");
        assertThat(attempts.get(0).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(attempts.get(1).getAttributes().get(ATTEMPT)).isEqualTo(2L);
        assertThat(attempts.get(1).getAttributes().get(OUTCOME)).isEqualTo("success");
    }

    private static double warmServed() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith("broker_vend_warm_total ") || l.startsWith("broker_vend_warm_total{"))
                // The value is the second field: with tracing on, OpenMetrics lines may end with an exemplar.
                .mapToDouble(l -> Double.parseDouble(l.split(" ")[1])).sum();
    }

    @Test
    void aCachedHandOutIsAServerSpanWithoutAssumeRoleOnEitherRoute() {
        String token = TestTokens.rs256(caller("cached"));
        String first = newTraceId();
        String second = newTraceId();
        vend(token, first).then().statusCode(200);
        double warmBefore = warmServed();
        vend(token, second).then().statusCode(200);
        assertThat(warmServed() - warmBefore).as("answered by the warm route").isEqualTo(warmRoute ? 1 : 0);

        serverSpan(first, PATH);
        await().until(() -> assumeRoleSpans(first), l -> l.size() == 1);
        SpanData cached = serverSpan(second, PATH);
        assertThat(cached.getParentSpanId()).as("a child of the caller's traceparent").isEqualTo("00f067aa0ba902b7");
        assertThat(assumeRoleSpans(second)).as("the second answer came from the cache").isEmpty();
    }

    @Test
    void healthAndMetricsMakeNoSpans() {
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
        String trace = newTraceId();
        vend(TestTokens.rs256(caller("after-probes")), trace).then().statusCode(200);

        serverSpan(trace, PATH);
        assertThat(spans.getFinishedSpanItems()).extracting(s -> String.valueOf(s.getAttributes().get(URL_PATH)))
                .noneMatch(path -> path.startsWith("/q/"));
    }

    @Test
    void logLinesOfARequestCarryItsTraceIdAndItsRequestId() {
        String requestId = "trace-log-" + UUID.randomUUID();
        String trace = newTraceId();
        given().header("Authorization", TestKeys.bearer(TestTokens.rs256(caller("log"))))
                .header("traceparent", "00-" + trace + "-00f067aa0ba902b7-01")
                .header(RequestIds.HEADER, requestId).get(PATH).then().statusCode(200);

        SpanData server = serverSpan(trace, PATH);
        ExtLogRecord mint = logs.awaitMint(requestId);
        assertThat(mint.getMdc(RequestIds.LOG_KEY)).isEqualTo(requestId);
        assertThat(mint.getMdc("traceId")).isEqualTo(server.getTraceId());
        assertThat(mint.getMdc("spanId")).isNotBlank();
    }

    @Test
    void noSpanCarriesASecretATokenAnApiKeyAPolicyOrTheCaller() {
        String identity = caller("secrets");
        String jwt = TestTokens.rs256(identity);
        String jwtTrace = newTraceId();
        String keyTrace = newTraceId();
        Response byJwt = vend(jwt, jwtTrace);
        byJwt.then().statusCode(200);
        Response byKey = vend(TestKeys.REPORTING, keyTrace, "/v1/credentials/scoped-reader");
        byKey.then().statusCode(200);
        serverSpan(jwtTrace, PATH);
        serverSpan(keyTrace, "/v1/credentials/scoped-reader");

        // The caller's token and identity, the role's policy, and the signed query the broker sends STS.
        List<String> forbidden = new ArrayList<>(List.of(jwt, TestKeys.REPORTING, identity, "apikey:reporting",
                "opensearch:Search", "Signature=", "AccessKeyId=", "SignatureNonce="));
        for (Response r : List.of(byJwt, byKey)) {
            forbidden.add(r.path("accessKeySecret"));
            forbidden.add(r.path("securityToken"));
            forbidden.add(r.path("accessKeyId"));
        }
        List<String> seen = new ArrayList<>();
        for (SpanData s : spans.getFinishedSpanItems()) {
            seen.add(s.getName());
            s.getAttributes().forEach((k, v) -> seen.add(k.getKey() + "=" + v));
            s.getEvents().forEach(e -> e.getAttributes().forEach((k, v) -> seen.add(k.getKey() + "=" + v)));
            seen.add(s.getStatus().getDescription());
        }
        assertThat(seen).as("every span name and attribute").isNotEmpty();
        for (String secret : forbidden) {
            assertThat(secret).isNotBlank();
            assertThat(seen).noneMatch(text -> text.contains(secret));
        }
    }
}
