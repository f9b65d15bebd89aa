package io.stsbroker.client;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BrokerResponsesTest {
    private static final String BODY = "{\"accessKeyId\":\"STS.abc\",\"accessKeySecret\":\"sek\",\"securityToken\":\"tok\","
            + "\"expiration\":\"2026-11-27T12:00:00Z\",\"role\":\"search-reader\","
            + "\"roleArn\":\"acs:ram::1234567890123456:role/search-reader\",\"sessionName\":\"search.indexer-1a2b3c4d\"}";

    @Test
    void credentialsBodyIsReadIntoTheValueType() {
        TemporaryCredentials credentials = BrokerResponses.credentials(new BrokerResponse(200, Map.of(), BODY));

        assertThat(credentials).isEqualTo(new TemporaryCredentials("STS.abc", "sek", "tok",
                Instant.parse("2026-11-27T12:00:00Z"), "search-reader",
                "acs:ram::1234567890123456:role/search-reader", "search.indexer-1a2b3c4d"));
    }

    @Test
    void credentialsBodyMissingAFieldFailsWithoutQuotingTheBody() {
        String body = "{\"accessKeyId\":\"STS.abc\",\"accessKeySecret\":\"very-secret\",\"expiration\":\"2026-11-27T12:00:00Z\"}";

        assertThatThrownBy(() -> BrokerResponses.credentials(new BrokerResponse(200, Map.of("X-Request-Id", List.of("r1")), body)))
                .isInstanceOf(BrokerException.class)
                .hasMessageContaining("securityToken")
                .hasMessageContaining("requestId=r1")
                .hasMessageNotContaining("very-secret")
                .satisfies(e -> assertThat(((BrokerException) e).code()).isEqualTo(BrokerError.CLIENT_MALFORMED_RESPONSE));
    }

    @Test
    void credentialsBodyWithABadExpirationIsMalformed() {
        String body = BODY.replace("2026-11-27T12:00:00Z", "tomorrow");

        assertThatThrownBy(() -> BrokerResponses.credentials(new BrokerResponse(200, Map.of(), body)))
                .hasMessageContaining("expiration");
    }

    @Test
    void nonJsonCredentialsBodyFailsWithoutQuotingIt() {
        assertThatThrownBy(() -> BrokerResponses.credentials(new BrokerResponse(200, Map.of(), "secret-ish text")))
                .isInstanceOf(BrokerException.class)
                .hasMessageNotContaining("secret-ish");
    }

    @Test
    void statusBodyNamesTheCaller() {
        BrokerStatus status = BrokerResponses.status(new BrokerResponse(200, Map.of(),
                "{\"status\":\"UP\",\"caller\":\"apikey:dev\",\"provider\":\"embedded\",\"version\":\"0.1.0-SNAPSHOT\"}"));

        assertThat(status).isEqualTo(new BrokerStatus("UP", "apikey:dev", "embedded", "0.1.0-SNAPSHOT"));
    }

    @Test
    void responseToStringNeverPrintsTheBody() {
        assertThat(new BrokerResponse(200, Map.of(), BODY).toString()).doesNotContain("sek", "tok");
    }
}
