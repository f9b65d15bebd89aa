package io.stsbroker.client;

import io.stsbroker.client.internal.Json;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code POST /v1/credentials}: what is sent, and how answers come back, against the in-process fake. */
class CredentialsRequestTest {
    private static final String POLICY = "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"oss:Get*\",\"Resource\":\"*\"}]}";

    private static BrokerClient client(FakeBroker broker) {
        return BrokerClient.builder().baseUrl(broker.url()).token("post-token").retryPolicy(RetryPolicy.NONE).build();
    }

    @Test
    void fetchWithDurationAndPolicyPostsTheDocumentedBody() throws Exception {
        try (FakeBroker broker = new FakeBroker()) {
            TemporaryCredentials c = client(broker).fetch(CredentialsRequest.of("search-reader")
                    .withDuration(Duration.ofMinutes(45)).withPolicy(POLICY));

            assertThat(c.accessKeyId()).isEqualTo("STS.fake1");
            String head = broker.heads().get(0);
            assertThat(head).startsWith("POST /v1/credentials HTTP/1.1").containsIgnoringCase("content-type: application/json")
                    .contains("Authorization: Bearer post-token");
            Map<String, Object> body = Json.parseObject(broker.bodies().get(0));
            assertThat(body).containsOnlyKeys("role", "durationSeconds", "policy")
                    .containsEntry("role", "search-reader").containsEntry("durationSeconds", 2700.0).containsEntry("policy", POLICY);
        }
    }

    @Test
    void fetchWithOnlyADurationSendsNoPolicyField() throws Exception {
        try (FakeBroker broker = new FakeBroker()) {
            client(broker).fetch(CredentialsRequest.of("r").withDuration(Duration.ofSeconds(2400)));

            assertThat(Json.parseObject(broker.bodies().get(0))).containsOnlyKeys("role", "durationSeconds");
        }
    }

    @Test
    void fetchWithoutOptionsIsThePlainGet() throws Exception {
        try (FakeBroker broker = new FakeBroker()) {
            client(broker).fetch(CredentialsRequest.of("search reader"));

            assertThat(broker.heads().get(0)).startsWith("GET /v1/credentials/search%20reader HTTP/1.1");
        }
    }

    @Test
    void fetchRefusedAsInvalidIsABrokerExceptionWithTheBrokersCode() throws Exception {
        try (FakeBroker broker = new FakeBroker()) {
            broker.behave(FakeBroker.json(400, Map.of(), "{\"code\":\"InvalidParameter\",\"message\":\"durationSeconds must"
                    + " exceed 1800\",\"requestId\":\"r-1\"}"));

            assertThatThrownBy(() -> client(broker).fetch(CredentialsRequest.of("r").withDuration(Duration.ofSeconds(900))))
                    .isExactlyInstanceOf(BrokerException.class)
                    .hasMessageContaining("InvalidParameter").hasMessageContaining("durationSeconds must exceed 1800")
                    .hasMessageNotContaining("post-token");
        }
    }

    @Test
    void aRefusedRequestDoesNotHoldBackTheSameRoleAskedDifferently() throws Exception {
        try (FakeBroker broker = new FakeBroker()) {
            BrokerClient client = client(broker);
            broker.behave(FakeBroker.json(400, Map.of(), "{\"code\":\"InvalidParameter\"}"));
            assertThatThrownBy(() -> client.fetch(CredentialsRequest.of("r").withDuration(Duration.ofSeconds(900))))
                    .isInstanceOf(BrokerException.class);
            broker.behave(FakeBroker.credentials(Instant.now().plusSeconds(3600)));

            assertThat(client.fetch(CredentialsRequest.of("r").withDuration(Duration.ofSeconds(2400))).accessKeyId())
                    .isEqualTo("STS.fake1");
            assertThat(broker.requests()).isEqualTo(2);
        }
    }

    @Test
    void requestRejectsDurationsThatAreNotWholePositiveSecondsAndBlankPolicies() {
        CredentialsRequest r = CredentialsRequest.of("r");
        assertThatThrownBy(() -> r.withDuration(Duration.ZERO)).hasMessageContaining("positive whole number of seconds");
        assertThatThrownBy(() -> r.withDuration(Duration.ofMillis(1500))).hasMessageContaining("positive whole number of seconds");
        assertThatThrownBy(() -> r.withPolicy(" ")).hasMessageContaining("policy must not be blank");
        assertThatThrownBy(() -> CredentialsRequest.of("")).hasMessageContaining("role must be 1-128 printable characters");
    }
}
