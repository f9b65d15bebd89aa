package io.stsbroker.sts.embedded;

import io.stsbroker.testing.PackagedBroker;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Packaged brokers on {@code broker.sts.provider=alibaba} against a {@link LoopbackSts} over plain
 * {@code http://127.0.0.1}: the production STS client accepts the loopback endpoint, signs with the
 * static identity from the environment, and each broker's cache mints once per caller and role
 * while the two share one upstream.
 */
class LoopbackStsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "loopback-it-key";
    private static final String CALLER = "apikey:loopback";
    private static final String ARN = "acs:ram::1234567890123456:role/loopback-role";

    @ParameterizedTest(name = "warm route {0}")
    @ValueSource(booleans = {true, false})
    void twoPackagedBrokersSharingOneUpstreamEachMintOnceForACaller(boolean warmRoute) throws Exception {
        try (LoopbackSts sts = LoopbackSts.start()) {
            List<String> props = sts.brokerProperties("-Dbroker.http.warm-route=" + warmRoute,
                    "-Dbroker.api-keys.loopback=" + sha256Hex(KEY),
                    "-Dbroker.roles.loopback-role.arn=" + ARN,
                    "-Dbroker.roles.loopback-role.allow=" + CALLER);
            try (PackagedBroker first = PackagedBroker.start(props, sts.brokerEnvironment());
                 PackagedBroker second = PackagedBroker.start(props, sts.brokerEnvironment())) {
                String fromFirst = accessKeyId(first);
                String fromSecond = accessKeyId(second);
                assertThat(accessKeyId(first)).as("the first broker's cache").isEqualTo(fromFirst);
                assertThat(accessKeyId(second)).as("the second broker's cache").isEqualTo(fromSecond);

                assertThat(fromSecond).as("each broker minted its own").isNotEqualTo(fromFirst);
                assertThat(sts.counters().callCountForCaller(CALLER)).isEqualTo(2);
                assertThat(sts.counters().callCountForRole(ARN)).isEqualTo(2);
                assertThat(sts.counters().arrivals(a -> a.roleArn().equals(ARN)))
                        .allSatisfy(a -> assertThat(a.accessKeyId()).isEqualTo(sts.keys().accessKeyId()));
                for (String keyId : List.of(fromFirst, fromSecond)) {
                    StsRecorder.Issued issued = sts.recorder().issued(keyId);
                    assertThat(issued.roleArn()).isEqualTo(ARN);
                    assertThat(issued.roleSessionName()).startsWith("key@loopback-");
                }
                assertThat(first.output()).contains("STS provider alibaba on " + sts.endpoint());
            }
        }
    }

    private static String accessKeyId(PackagedBroker broker) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(broker.api() + "/v1/credentials/loopback-role"))
                .header("Authorization", "Bearer " + KEY).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        return body.path("accessKeyId").asText();
    }

    private static String sha256Hex(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
