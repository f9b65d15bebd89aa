package io.stsbroker.client.sidecar;

import io.stsbroker.client.TemporaryCredentials;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class UriCredentialsBodyTest {

    @Test
    void successIsExactlyTheCredentialsJavaUriFormat() {
        TemporaryCredentials credentials = new TemporaryCredentials("STS.abc", "sec\"ret", "tok/en+=",
                Instant.parse("2026-11-27T12:00:00.987654Z"), "r", "arn", "session");

        assertThat(UriCredentialsBody.success(credentials)).isEqualTo("{\"Code\":\"Success\",\"AccessKeyId\":\"STS.abc\","
                + "\"AccessKeySecret\":\"sec\\\"ret\",\"SecurityToken\":\"tok/en+=\",\"Expiration\":\"2026-11-27T12:00:00Z\"}");
    }

    @Test
    void errorCarriesCodeAndMessage() {
        assertThat(UriCredentialsBody.error("Forbidden", "no")).isEqualTo("{\"Code\":\"Forbidden\",\"Message\":\"no\"}");
    }
}
