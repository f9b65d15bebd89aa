package io.stsbroker.auth;

import io.stsbroker.testsupport.MutableClock;
import io.stsbroker.testing.TestConfigs;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The times rule, on a clock the test moves: the same rule for a full verification and the verified-token cache. */
class TokenTimesTest {

    private static final Instant START = Instant.parse("2026-12-01T12:00:00Z");
    private final MutableClock clock = new MutableClock(START);

    private TokenTimes times(Duration expirySkew) {
        return new TokenTimes(expirySkew, Duration.ofSeconds(60), clock);
    }

    private static long seconds(Instant t) {
        return t.getEpochSecond();
    }

    @Test
    void tokenIsRefusedFromTheSecondItsExpNamesWithoutSkew() {
        TokenTimes t = times(Duration.ZERO);
        long exp = seconds(START.plusSeconds(10));
        clock.advance(Duration.ofMillis(9_999));
        assertThat(t.refusal(exp, null, null)).isNull();
        clock.advance(Duration.ofMillis(1));
        assertThat(t.refusal(exp, null, null)).isEqualTo(RefusalReason.EXPIRED);
    }

    @Test
    void expirySkewExtendsAcceptanceByExactlyTheSkew() {
        TokenTimes t = times(Duration.ofSeconds(30));
        long exp = seconds(START);
        clock.advance(Duration.ofMillis(29_999));
        assertThat(t.refusal(exp, null, null)).isNull();
        clock.advance(Duration.ofMillis(1));
        assertThat(t.refusal(exp, null, null)).isEqualTo(RefusalReason.EXPIRED);
    }

    @Test
    void tokenWithoutExpIsRefusedAsExpired() {
        assertThat(times(Duration.ZERO).refusal(null, null, null)).isEqualTo(RefusalReason.EXPIRED);
    }

    @Test
    void nbfAndIatMayLieUpToTheIssuedAtSkewAhead() {
        TokenTimes t = times(Duration.ZERO);
        long exp = seconds(START.plusSeconds(3600));
        assertThat(t.refusal(exp, seconds(START.plusSeconds(60)), seconds(START.plusSeconds(60)))).isNull();
        assertThat(t.refusal(exp, seconds(START.plusSeconds(61)), null)).isEqualTo(RefusalReason.NOT_YET_VALID);
        assertThat(t.refusal(exp, null, seconds(START.plusSeconds(61)))).isEqualTo(RefusalReason.NOT_YET_VALID);
    }

    @Test
    void rememberedTokenIsAnsweredUntilItsExpAndNotAfter() {
        TokenTimes t = times(Duration.ZERO);
        VerifiedTokens cache = new VerifiedTokens(TestConfigs.broker(), t);
        Caller caller = new Caller("system:serviceaccount:times:cached", Caller.Kind.JWT);
        cache.remember("header.payload.signature", Callers.identityOf(caller), seconds(START.plusSeconds(10)), "key-1");
        clock.advance(Duration.ofMillis(9_999));
        assertThat(cache.find("header.payload.signature")).isEqualTo(caller);
        clock.advance(Duration.ofMillis(1));
        assertThat(cache.find("header.payload.signature")).as("the full path's exp rule, no skew").isNull();
    }

    @Test
    void rememberedTokenHonoursTheExpirySkew() {
        VerifiedTokens cache = new VerifiedTokens(TestConfigs.broker(), times(Duration.ofSeconds(30)));
        Caller caller = new Caller("system:serviceaccount:times:skewed", Caller.Kind.JWT);
        cache.remember("h.p.s", Callers.identityOf(caller), seconds(START), "key-1");
        clock.advance(Duration.ofMillis(29_999));
        assertThat(cache.find("h.p.s")).isEqualTo(caller);
        clock.advance(Duration.ofMillis(1));
        assertThat(cache.find("h.p.s")).isNull();
    }

    @Test
    void rememberedTokensOfAKeyThatLeftTheSetAreDropped() {
        VerifiedTokens cache = new VerifiedTokens(TestConfigs.broker(), times(Duration.ZERO));
        Caller one = new Caller("system:serviceaccount:times:one", Caller.Kind.JWT);
        Caller two = new Caller("system:serviceaccount:times:two", Caller.Kind.JWT);
        long exp = seconds(START.plusSeconds(600));
        cache.remember("a.b.one", Callers.identityOf(one), exp, "key-1");
        cache.remember("a.b.two", Callers.identityOf(two), exp, "key-2");
        cache.retainVerifiedBy(java.util.Set.of("key-2", "key-3"));
        assertThat(cache.find("a.b.one")).isNull();
        assertThat(cache.find("a.b.two")).isEqualTo(two);
    }
}
