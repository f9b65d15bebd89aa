package io.stsbroker.vending;

import io.stsbroker.sts.AssumeRoleRequest;
import io.stsbroker.sts.StsCredentials;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** A cache entry's refresh gate and back-off, and what it hands out, on plain numbers (no cache, no clock). */
class CachedCredentialTest {

    private static final Instant EXPIRES = Instant.parse("2026-12-01T13:00:00Z");
    private static final AssumeRoleRequest REQUEST = new AssumeRoleRequest("acs:ram::1:role/reader", "alice-abc",
            Duration.ofHours(1), Optional.empty(), Optional.empty());
    private static final StsCredentials CREDENTIALS = new StsCredentials("STS.id", "secret-value", "token-value",
            EXPIRES, "req-1");

    private static CachedCredential refreshableAt(long millis) {
        return new CachedCredential(REQUEST, CREDENTIALS, "reader", Instant.ofEpochMilli(millis));
    }

    @Test
    void refreshIsNotClaimedBeforeItsTimeAndIsClaimedExactlyAtIt() {
        CachedCredential c = refreshableAt(10_000);
        assertThat(c.claimRefresh(9_999, 500)).isFalse();
        assertThat(c.claimRefresh(10_000, 500)).isTrue();
    }

    @Test
    void onlyOneCallerClaimsARefreshUntilItsHoldRunsOut() {
        CachedCredential c = refreshableAt(10_000);
        assertThat(c.claimRefresh(10_001, 500)).isTrue();
        assertThat(c.claimRefresh(10_001, 500)).as("second caller at the same instant").isFalse();
        assertThat(c.claimRefresh(10_500, 500)).as("one milli before the hold ends").isFalse();
        assertThat(c.claimRefresh(10_501, 500)).as("the claimer stalled: another may take over").isTrue();
    }

    @Test
    void failedRefreshesBackOffDoublingFromTheBaseUpToTheCap() {
        CachedCredential c = refreshableAt(0);
        assertThat(c.refreshFailed(1_000, 100, 1_000)).isEqualTo(100);
        assertThat(c.claimRefresh(1_099, 0)).isFalse();
        assertThat(c.claimRefresh(1_100, 0)).isTrue();
        assertThat(c.refreshFailed(2_000, 100, 1_000)).isEqualTo(200);
        assertThat(c.refreshFailed(2_000, 100, 1_000)).isEqualTo(400);
        assertThat(c.refreshFailed(2_000, 100, 1_000)).isEqualTo(800);
        assertThat(c.refreshFailed(2_000, 100, 1_000)).isEqualTo(1_000);
        assertThat(c.claimRefresh(2_999, 0)).isFalse();
        assertThat(c.claimRefresh(3_000, 0)).isTrue();
    }

    @Test
    void backOffStopsDoublingAfterSixteenFailuresAndNeverOverflows() {
        CachedCredential c = refreshableAt(0);
        long backoff = 0;
        for (int i = 1; i <= 17; i++) {
            backoff = c.refreshFailed(0, 1, Long.MAX_VALUE);
            assertThat(backoff).as("failure %d", i).isEqualTo(1L << Math.min(i - 1, 16));
        }
        for (int i = 0; i < 30; i++) {
            backoff = c.refreshFailed(0, 1, Long.MAX_VALUE);
        }
        assertThat(backoff).isEqualTo(1L << 16);
        // A base large enough to overflow if shifted further still gives a positive wait.
        CachedCredential big = refreshableAt(0);
        for (int i = 0; i < 40; i++) {
            assertThat(big.refreshFailed(0, 1L << 40, Long.MAX_VALUE)).isPositive();
        }
    }

    @Test
    void aFailedMintHoldsItsFailureAndNeverClaimsARefresh() {
        IllegalStateException why = new IllegalStateException("sts down");
        CachedCredential failed = CachedCredential.failed(REQUEST, "reader", why);
        assertThat(failed.failure()).isSameAs(why);
        assertThat(failed.credentials()).isNull();
        assertThat(failed.request()).isSameAs(REQUEST);
        assertThat(failed.roleName()).isEqualTo("reader");
        assertThat(failed.claimRefresh(Long.MAX_VALUE - 1, 0)).isFalse();
        assertThat(failed.toString()).isEqualTo("CachedCredential[failed: IllegalStateException]").doesNotContain("sts down");
    }

    @Test
    void anEntryWithCredentialsHasNoFailureAndVendsWhatItHolds() {
        CachedCredential c = refreshableAt(0);
        assertThat(c.failure()).isNull();
        assertThat(c.request()).isSameAs(REQUEST);
        assertThat(c.credentials()).isSameAs(CREDENTIALS);
        VendedCredential v = c.vended();
        assertThat(v.credentials()).isSameAs(CREDENTIALS);
        assertThat(v.roleName()).isEqualTo("reader");
        assertThat(v.roleArn()).isEqualTo("acs:ram::1:role/reader");
        assertThat(v.sessionName()).isEqualTo("alice-abc");
    }

    @Test
    void descriptionNamesTheSessionAndKeyButNoSecret() {
        String s = refreshableAt(0).toString();
        assertThat(s).startsWith("CachedCredential[").contains("STS.id").contains("session=alice-abc")
                .doesNotContain("secret-value").doesNotContain("token-value");
    }
}
