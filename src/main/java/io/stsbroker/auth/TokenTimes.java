package io.stsbroker.auth;

import io.quarkus.runtime.Startup;
import io.stsbroker.config.BrokerConfig;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Duration;

/**
 * The one rule for a JWT's times, applied after its signature verified and again on every answer
 * from {@link VerifiedTokens}: a token is accepted while the clock is before {@code exp} plus
 * {@code broker.auth.expiry-skew} (default 0s), and refused while its {@code nbf} or {@code iat}
 * lies more than {@code broker.auth.issued-at-skew} (default 60s) in the future.
 *
 * <p><b>Note:</b> this reads the wall clock, not the broker's injected {@link Clock}: SmallRye JWT
 * (jose4j) checks the same claims on the wall clock, with a skew of the larger of the two settings
 * as an outer bound, and the two checks must agree on what "now" is.
 */
@Startup
@Singleton
public class TokenTimes {

    private final long expirySkewMillis;
    private final long issuedAtSkewMillis;
    private final Clock clock;

    @Inject
    TokenTimes(BrokerConfig config) {
        this(config.auth().expirySkew(), config.auth().issuedAtSkew(), Clock.systemUTC());
    }

    TokenTimes(Duration expirySkew, Duration issuedAtSkew, Clock clock) {
        this.expirySkewMillis = expirySkew.toMillis();
        this.issuedAtSkewMillis = issuedAtSkew.toMillis();
        this.clock = clock;
    }

    /**
     * Why a token with these claims (epoch seconds; null when absent) is refused now, or null when
     * its times are acceptable. A token without {@code exp} is refused as expired.
     */
    RefusalReason refusal(Long exp, Long nbf, Long iat) {
        long now = clock.millis();
        if (exp == null || now >= acceptedUntilMillis(exp)) {
            return RefusalReason.EXPIRED;
        }
        if ((nbf != null && nbf * 1000 - issuedAtSkewMillis > now) || (iat != null && iat * 1000 - issuedAtSkewMillis > now)) {
            return RefusalReason.NOT_YET_VALID;
        }
        return null;
    }

    /** The first instant (epoch millis) at which a token with this {@code exp} (epoch seconds) is refused. */
    long acceptedUntilMillis(long exp) {
        return exp * 1000 + expirySkewMillis;
    }

    /** Milliseconds left before a token accepted until {@code acceptedUntilMillis} is refused; 0 or less when it is. */
    long millisLeft(long acceptedUntilMillis) {
        return acceptedUntilMillis - clock.millis();
    }

    /** The skew SmallRye JWT is given, in whole seconds: the larger of the two, so that this class decides. */
    int verifierSkewSeconds() {
        return (int) Math.ceil(Math.max(expirySkewMillis, issuedAtSkewMillis) / 1000.0);
    }
}
