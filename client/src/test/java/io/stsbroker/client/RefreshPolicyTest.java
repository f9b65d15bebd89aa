package io.stsbroker.client;

import io.stsbroker.client.RefreshPolicy.Action;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pure timing decisions, measured back from a credential expiring at 13:00. */
class RefreshPolicyTest {
    private static final Instant EXPIRY = Instant.parse("2026-11-27T13:00:00Z");
    private static final RefreshPolicy POLICY = RefreshPolicy.DEFAULT;

    @ParameterizedTest(name = "{0} left, last attempt {1} ago -> {2}")
    @CsvSource({
            "PT40M,     , SERVE",
            "PT18M,     , SERVE_AND_REFRESH",
            "PT18M1S,   , SERVE",
            "PT17M,     , SERVE_AND_REFRESH",
            "PT16M1S,   , SERVE_AND_REFRESH",
            "PT16M,     , FETCH_FIRST",
            "PT5M,      , FETCH_FIRST",
            "-PT1M,     , FETCH_FIRST",
            "PT17M, PT5S, SERVE",
            "PT17M, PT15S, SERVE_AND_REFRESH"})
    void decideFollowsTheDefaultThresholds(Duration left, Duration sinceAttempt, Action expected) {
        Instant now = EXPIRY.minus(left);
        Instant refreshAt = POLICY.refreshAt(EXPIRY, 0.0);
        Instant lastAttempt = sinceAttempt == null ? null : now.minus(sinceAttempt);

        assertThat(POLICY.decide(now, EXPIRY, refreshAt, lastAttempt)).isEqualTo(expected);
    }

    @Test
    void refreshAtIsMovedLaterByTheJitterFraction() {
        assertThat(POLICY.refreshAt(EXPIRY, 0.0)).isEqualTo(EXPIRY.minus(Duration.ofMinutes(18)));
        assertThat(POLICY.refreshAt(EXPIRY, 0.5)).isEqualTo(EXPIRY.minus(Duration.ofMinutes(17).plusSeconds(30)));
        // Even the latest jittered refresh point leaves a whole minute before the 16-minute floor.
        assertThat(POLICY.refreshAt(EXPIRY, 0.999)).isAfter(EXPIRY.minus(Duration.ofMinutes(17).plusSeconds(1)))
                .isBefore(EXPIRY.minus(Duration.ofMinutes(17)));
    }

    @Test
    void staleAtIsSixteenMinutesBeforeExpiryByDefault() {
        assertThat(POLICY.staleAt(EXPIRY)).isEqualTo(Instant.parse("2026-11-27T12:44:00Z"));
        assertThat(POLICY.usable(Instant.parse("2026-11-27T12:43:59Z"), EXPIRY)).isTrue();
        assertThat(POLICY.usable(Instant.parse("2026-11-27T12:44:00Z"), EXPIRY)).isFalse();
    }

    @Test
    void policyWhoseRefreshCouldNeverRunBeforeTheFloorIsRejectedWithTheValues() {
        assertThatThrownBy(() -> new RefreshPolicy(Duration.ofMinutes(17), Duration.ofMinutes(16),
                Duration.ofMinutes(1), Duration.ofSeconds(15)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("refreshBefore=PT17M jitter=PT1M minRemaining=PT16M");
    }

    @Test
    void negativeDurationsAreRejected() {
        assertThatThrownBy(() -> new RefreshPolicy(Duration.ofMinutes(18), Duration.ofMinutes(16),
                Duration.ofSeconds(-1), Duration.ofSeconds(15))).hasMessageContaining("negative");
    }

    @Test
    void jitterFractionOutsideUnitIntervalIsRejected() {
        assertThatThrownBy(() -> POLICY.refreshAt(EXPIRY, 1.0)).hasMessageContaining("[0, 1)");
    }
}
