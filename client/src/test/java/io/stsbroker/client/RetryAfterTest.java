package io.stsbroker.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class RetryAfterTest {
    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

    @Test
    void wholeSecondsAreReadAsADelay() {
        assertThat(RetryAfter.parse("3", NOW)).contains(Duration.ofSeconds(3));
        assertThat(RetryAfter.parse(" 0 ", NOW)).contains(Duration.ZERO);
    }

    @Test
    void httpDateIsReadRelativeToNow() {
        assertThat(RetryAfter.parse("Fri, 27 Nov 2026 12:00:30 GMT", NOW)).contains(Duration.ofSeconds(30));
    }

    @Test
    void httpDateInThePastMeansRetryNow() {
        assertThat(RetryAfter.parse("Fri, 27 Nov 2026 11:59:00 GMT", NOW)).contains(Duration.ZERO);
    }

    @Test
    void hugeValuesAreCappedAtADay() {
        assertThat(RetryAfter.parse("99999999999999999999", NOW)).contains(Duration.ofDays(1));
        assertThat(RetryAfter.parse("172800", NOW)).contains(Duration.ofDays(1));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"-1", "1.5", "soon", "2026-11-27T12:00:30Z", "3 seconds", "+3"})
    void anythingElseIsIgnored(String value) {
        assertThat(RetryAfter.parse(value, NOW)).isEmpty();
    }
}
