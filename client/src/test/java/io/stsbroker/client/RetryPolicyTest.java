package io.stsbroker.client;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryPolicyTest {

    @Test
    void backoffDoublesPerRetryUpToMaxDelay() {
        RetryPolicy policy = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofMillis(500));

        assertThat(policy.backoff(1, 0)).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.backoff(2, 0)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.backoff(3, 0)).isEqualTo(Duration.ofMillis(400));
        assertThat(policy.backoff(4, 0)).isEqualTo(Duration.ofMillis(500));
        assertThat(policy.backoff(9, 0)).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void backoffJitterRemovesAtMostHalf() {
        RetryPolicy policy = new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(1));

        assertThat(policy.backoff(1, 0.999)).isBetween(Duration.ofMillis(50), Duration.ofMillis(51));
    }

    @Test
    void invalidPoliciesFailNamingTheBadValue() {
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO)).hasMessageContaining(": 0");
        assertThatThrownBy(() -> new RetryPolicy(2, Duration.ofSeconds(5), Duration.ofSeconds(1)))
                .hasMessageContaining("PT5S > PT1S");
        assertThatThrownBy(() -> new RetryPolicy(2, Duration.ofSeconds(-1), Duration.ofSeconds(1)))
                .hasMessageContaining("negative");
    }
}
