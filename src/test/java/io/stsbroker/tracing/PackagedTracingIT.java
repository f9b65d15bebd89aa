package io.stsbroker.tracing;

import com.sun.net.httpserver.HttpServer;
import io.stsbroker.testing.PackagedBroker;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged jar in the production profile, as README documents tracing: off with nothing
 * configured (and nothing of OpenTelemetry in its log), on with only the standard
 * {@code QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT} variable set, exporting to that collector (here a
 * loopback OTLP/HTTP receiver) the request's span and the AssumeRole attempt's, without the
 * credential, the API key or the caller.
 */
class PackagedTracingIT {

    private static final String ROLE_ARN = "acs:ram::1234567890123456:role/it-traced";
    private static final String KEY = "it-trace-key";

    private static List<String> props() throws Exception {
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(KEY.getBytes(StandardCharsets.UTF_8)));
        return List.of("-Dbroker.sts.provider=embedded", "-Dbroker.roles.it-traced.arn=" + ROLE_ARN,
                "-Dbroker.roles.it-traced.allow=apikey:it", "-Dbroker.api-keys.it=" + digest);
    }

    private static HttpResponse<String> vend(PackagedBroker broker) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        broker.api().resolve("/v1/credentials/it-traced")).header("Authorization", "Bearer " + KEY)
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r;
    }

    @Test
    void withNoEndpointTheProductionJarRunsWithTracingOffAndLogsNothingOfIt() throws Exception {
        try (PackagedBroker broker = PackagedBroker.start(props())) {
            vend(broker);
            vend(broker);
            String out = broker.output();
            assertThat(out).contains("Tracing off (no OTLP endpoint configured)")
                    .doesNotContain("io.opentelemetry").doesNotContain("io.quarkus.opentelemetry")
                    .doesNotContain("localhost:4317");
        }
    }

    @Test
    void theStandardEndpointVariableAloneTurnsTracingOnAndSpansReachTheCollector() throws Exception {
        List<byte[]> exports = new CopyOnWriteArrayList<>();
        HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/", exchange -> {
            try (exchange) {
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                exchange.getRequestBody().transferTo(body);
                if ("POST".equals(exchange.getRequestMethod())) {
                    exports.add(body.toByteArray());
                }
                exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, -1);
            }
        });
        collector.start();
        try {
            Map<String, String> env = Map.of(
                    "QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + collector.getAddress().getPort(),
                    "QUARKUS_OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
                    "QUARKUS_OTEL_BSP_SCHEDULE_DELAY", "100ms");
            try (PackagedBroker broker = PackagedBroker.start(props(), env)) {
                HttpResponse<String> vended = vend(broker);
                String exported = await().atMost(Duration.ofSeconds(30)).until(() -> String.join("\n",
                        exports.stream().map(b -> new String(b, StandardCharsets.ISO_8859_1)).toList()),
                        all -> all.contains("sts AssumeRole") && all.contains("/v1/credentials/it-traced"));
                assertThat(broker.output()).contains("Tracing on");
                assertThat(exported).contains(ROLE_ARN).contains("broker.sts.attempt").contains("success")
                        .doesNotContain(KEY).doesNotContain("apikey:it");
                for (String field : List.of("accessKeySecret", "securityToken")) {
                    String value = com.fasterxml.jackson.databind.json.JsonMapper.builder().build()
                            .readTree(vended.body()).path(field).asText();
                    assertThat(value).isNotBlank();
                    assertThat(exported).doesNotContain(value);
                }
            }
        } finally {
            collector.stop(0);
        }
    }
}
