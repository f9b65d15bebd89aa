package io.stsbroker.client;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TemporaryCredentialsTest {
    private static final Instant EXPIRY = Instant.parse("2026-11-27T12:00:00Z");

    @Test
    void toStringShowsTheKeyIdButNeverTheSecretOrToken() {
        TemporaryCredentials credentials = new TemporaryCredentials("STS.keyid", "s3cr3t-value", "tok3n-value",
                EXPIRY, "search-reader", "acs:ram::1:role/search-reader", "key@dev-1a2b3c4d");

        assertThat(credentials.toString())
                .contains("STS.keyid", "2026-11-27T12:00:00Z", "search-reader", "<hidden>")
                .doesNotContain("s3cr3t-value", "tok3n-value");
    }

    @Test
    void remainingIsMeasuredFromTheGivenInstant() {
        TemporaryCredentials credentials = new TemporaryCredentials("id", "secret", "token", EXPIRY);

        assertThat(credentials.remaining(EXPIRY.minusSeconds(90))).isEqualTo(Duration.ofSeconds(90));
        assertThat(credentials.remaining(EXPIRY.plusSeconds(1))).isNegative();
    }

    @Test
    void constructorRejectsBlankFieldsNamingTheFieldNotTheValue() {
        assertThatThrownBy(() -> new TemporaryCredentials("id", " ", "token", EXPIRY))
                .hasMessage("accessKeySecret must not be blank");
        assertThatThrownBy(() -> new TemporaryCredentials("id", "secret", null, EXPIRY))
                .hasMessage("securityToken must not be blank");
        assertThatThrownBy(() -> new TemporaryCredentials("id", "secret", "token", null))
                .isInstanceOf(NullPointerException.class);
    }
}
