package io.stsbroker.vending;

import io.stsbroker.sts.AssumeRoleRequest;
import io.stsbroker.sts.StsCredentials;
import io.stsbroker.testsupport.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** How long the cache keeps an entry: until its credential has min-remaining left, on the broker's clock. */
class CredentialExpiryTest {

    private static final Instant START = Instant.parse("2026-12-01T12:00:00Z");
    private static final AssumeRoleRequest REQUEST = new AssumeRoleRequest("acs:ram::1:role/reader", "alice-abc",
            Duration.ofHours(1), Optional.empty(), Optional.empty());
    private static final CredentialKey KEY = new CredentialKey("acs:ram::1:role/reader", "alice", 3600, "", "");

    private final MutableClock clock = new MutableClock(START);
    private final CredentialExpiry expiry = new CredentialExpiry(clock, Duration.ofMinutes(20));

    private static CachedCredential expiringAt(Instant expiration) {
        return new CachedCredential(REQUEST, new StsCredentials("STS.id", "s", "t", expiration, "r"), "reader", expiration);
    }

    @Test
    void anEntryLivesUntilItsCredentialHasMinRemainingLeft() {
        CachedCredential c = expiringAt(START.plus(Duration.ofHours(1)));
        assertThat(expiry.expireAfterCreate(KEY, c, 0)).isEqualTo(Duration.ofMinutes(40).toNanos());
        clock.advance(Duration.ofMinutes(39).plusSeconds(59));
        assertThat(expiry.expireAfterCreate(KEY, c, 0)).isEqualTo(Duration.ofSeconds(1).toNanos());
    }

    @Test
    void anUpdatedEntryIsMeasuredAfreshFromItsNewCredential() {
        CachedCredential c = expiringAt(START.plus(Duration.ofMinutes(50)));
        assertThat(expiry.expireAfterUpdate(KEY, c, 0, Duration.ofHours(5).toNanos()))
                .isEqualTo(Duration.ofMinutes(30).toNanos());
    }

    @Test
    void readingAnEntryLeavesItsExpiryAsItWas() {
        CachedCredential c = expiringAt(START.plus(Duration.ofHours(1)));
        assertThat(expiry.expireAfterRead(KEY, c, 0, 12_345)).isEqualTo(12_345);
    }

    @Test
    void aCredentialAtOrBelowTheFloorExpiresAtOnce() {
        assertThat(expiry.expireAfterCreate(KEY, expiringAt(START.plus(Duration.ofMinutes(20))), 0)).isZero();
        assertThat(expiry.expireAfterCreate(KEY, expiringAt(START.plus(Duration.ofMinutes(5))), 0)).isZero();
        assertThat(expiry.expireAfterUpdate(KEY, expiringAt(START.minus(Duration.ofMinutes(5))), 0, 99)).isZero();
    }

    @Test
    void aFailedMintExpiresAtOnceOnCreateAndUpdate() {
        CachedCredential failed = CachedCredential.failed(REQUEST, "reader", new IllegalStateException("x"));
        assertThat(expiry.expireAfterCreate(KEY, failed, 0)).isZero();
        assertThat(expiry.expireAfterUpdate(KEY, failed, 0, 99)).isZero();
    }
}
