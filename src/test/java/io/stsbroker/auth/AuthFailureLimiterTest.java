package io.stsbroker.auth;

import io.stsbroker.error.BrokerException;
import io.stsbroker.error.ErrorCode;
import io.stsbroker.testsupport.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-address bucket of failed authentications: exact counts and waits on a controlled clock. */
class AuthFailureLimiterTest {

    private final MutableClock clock = new MutableClock();

    private AuthFailureLimiter limiter(int perMinute) {
        return new AuthFailureLimiter(FakeRequests.config("broker.auth.max-failures-per-minute", Integer.toString(perMinute)),
                clock);
    }

    private static io.vertx.ext.web.RoutingContext withToken(String address) {
        return FakeRequests.from(address, "Authorization", "Bearer wrong");
    }

    @Test
    void theNthFailureWithinAMinuteBlocksTheAddressForOneRefillInterval() {
        AuthFailureLimiter l = limiter(5);
        for (int i = 0; i < 4; i++) {
            l.recordFailure(withToken("10.0.0.1"));
            assertThat(l.refusal(withToken("10.0.0.1"))).as("after %d failures", i + 1).isEmpty();
        }
        l.recordFailure(withToken("10.0.0.1"));
        BrokerException refusal = l.refusal(withToken("10.0.0.1")).orElseThrow();
        assertThat(refusal.code()).isEqualTo(ErrorCode.THROTTLING);
        // 5 per minute refill one every 12 s.
        assertThat(refusal.retryAfter()).hasValue(Duration.ofSeconds(12));
        clock.advance(Duration.ofSeconds(11));
        assertThat(l.refusal(withToken("10.0.0.1"))).isPresent();
        clock.advance(Duration.ofSeconds(1));
        assertThat(l.refusal(withToken("10.0.0.1"))).isEmpty();
        // One refilled slot: the next failure blocks again.
        l.recordFailure(withToken("10.0.0.1"));
        assertThat(l.refusal(withToken("10.0.0.1"))).isPresent();
        clock.advance(Duration.ofMinutes(1));
        assertThat(l.refusal(withToken("10.0.0.1"))).isEmpty();
    }

    @Test
    void otherAddressesAreUnaffected() {
        AuthFailureLimiter l = limiter(2);
        l.recordFailure(withToken("10.0.0.2"));
        l.recordFailure(withToken("10.0.0.2"));
        assertThat(l.refusal(withToken("10.0.0.2"))).isPresent();
        assertThat(l.refusal(withToken("10.0.0.3"))).isEmpty();
    }

    @Test
    void ipv6AddressesShareTheBucketOfTheirSlash64() {
        AuthFailureLimiter l = limiter(2);
        l.recordFailure(withToken("2001:db8:1:2::a"));
        l.recordFailure(withToken("2001:db8:1:2:ffff:1:2:3"));
        assertThat(l.refusal(withToken("2001:db8:1:2::99"))).isPresent();
        assertThat(l.refusal(withToken("2001:db8:1:3::a"))).isEmpty();
        assertThat(AuthFailureLimiter.addressOf(withToken("2001:db8:1:2:ffff:1:2:3"))).isEqualTo("2001:db8:1:2:0:0:0:0/64");
    }

    @Test
    void requestsWithoutATokenAreNeitherCountedNorRefused() {
        AuthFailureLimiter l = limiter(1);
        l.recordFailure(FakeRequests.from("10.0.0.4"));
        l.recordFailure(FakeRequests.from("10.0.0.4"));
        assertThat(l.refusal(withToken("10.0.0.4"))).isEmpty();
    }

    @Test
    void burstOfFailuresInFlightBlocksForAtMostAMinute() {
        AuthFailureLimiter l = limiter(3);
        for (int i = 0; i < 50; i++) {
            l.recordFailure(withToken("10.0.0.5"));
        }
        assertThat(l.refusal(withToken("10.0.0.5")).orElseThrow().retryAfter()).hasValue(Duration.ofSeconds(20));
        clock.advance(Duration.ofSeconds(20));
        assertThat(l.refusal(withToken("10.0.0.5"))).isEmpty();
    }

    @Test
    void zeroSwitchesTheLimitOff() {
        AuthFailureLimiter l = limiter(0);
        for (int i = 0; i < 100; i++) {
            l.recordFailure(withToken("10.0.0.6"));
        }
        assertThat(l.refusal(withToken("10.0.0.6"))).isEmpty();
    }

    @Test
    void overLimitAgreesWithRefusalAndNeitherCountsAFailure() {
        AuthFailureLimiter l = limiter(2);
        l.recordFailure(withToken("10.0.0.7"));
        for (int i = 0; i < 5; i++) {
            assertThat(l.overLimit(withToken("10.0.0.7"))).isFalse();
            assertThat(l.refusal(withToken("10.0.0.7"))).isEmpty();
        }
        l.recordFailure(withToken("10.0.0.7"));
        assertThat(l.overLimit(withToken("10.0.0.7"))).isTrue();
        assertThat(l.overLimit(withToken("10.0.0.8"))).isFalse();
        clock.advance(Duration.ofSeconds(30));
        assertThat(l.overLimit(withToken("10.0.0.7"))).isFalse();
    }

    @Test
    void aRefusalMarksTheRequestThrottledForTheRefusalLog() {
        AuthFailureLimiter l = limiter(1);
        io.vertx.ext.web.RoutingContext refused = withToken("10.0.0.9");
        io.vertx.ext.web.RoutingContext allowed = withToken("10.0.0.10");
        l.recordFailure(withToken("10.0.0.9"));
        assertThat(l.refusal(refused)).isPresent();
        assertThat(l.refusal(allowed)).isEmpty();
        assertThat((Object) refused.get(AuthRefusals.REASON_KEY)).isEqualTo(RefusalReason.THROTTLED);
        assertThat((Object) allowed.get(AuthRefusals.REASON_KEY)).isNull();
    }

    @Test
    void retryAfterIsWhatRemainsOfTheRefillInterval() {
        AuthFailureLimiter l = limiter(6); // one slot every 10 s
        for (int i = 0; i < 6; i++) {
            l.recordFailure(withToken("10.0.0.11"));
        }
        clock.advance(Duration.ofMillis(2500));
        assertThat(l.refusal(withToken("10.0.0.11")).orElseThrow().retryAfter()).hasValue(Duration.ofMillis(7500));
        clock.advance(Duration.ofMillis(7499));
        assertThat(l.refusal(withToken("10.0.0.11")).orElseThrow().retryAfter()).hasValue(Duration.ofMillis(1));
    }

    @Test
    void failuresSpreadOverTheMinuteRefillAndNeverBlock() {
        AuthFailureLimiter l = limiter(4); // one slot every 15 s
        for (int i = 0; i < 20; i++) {
            l.recordFailure(withToken("10.0.0.12"));
            assertThat(l.refusal(withToken("10.0.0.12"))).as("failure %d", i + 1).isEmpty();
            clock.advance(Duration.ofSeconds(15));
        }
    }

    @Test
    void aBucketForgottenAfterAWindowStartsFull() {
        AuthFailureLimiter l = limiter(3);
        l.recordFailure(withToken("10.0.0.13"));
        l.recordFailure(withToken("10.0.0.13"));
        clock.advance(Duration.ofMinutes(2));
        l.recordFailure(withToken("10.0.0.13"));
        l.recordFailure(withToken("10.0.0.13"));
        assertThat(l.refusal(withToken("10.0.0.13"))).isEmpty();
        l.recordFailure(withToken("10.0.0.13"));
        assertThat(l.refusal(withToken("10.0.0.13"))).isPresent();
    }

    @Test
    void ipv4AddressesAreTheirOwnKeyAndMappedOrScopedIpv6IsNormalised() {
        assertThat(AuthFailureLimiter.addressOf(withToken("192.0.2.7"))).isEqualTo("192.0.2.7");
        assertThat(AuthFailureLimiter.addressOf(withToken("::ffff:192.0.2.7"))).isEqualTo("192.0.2.7");
        assertThat(AuthFailureLimiter.addressOf(withToken("2001:db8::1"))).isEqualTo("2001:db8:0:0:0:0:0:0/64");
    }

    private static io.quarkus.security.spi.runtime.AuthenticationFailureEvent failed(Throwable why, Object ctx) {
        java.util.Map<String, Object> props = new java.util.HashMap<>();
        if (ctx != null) {
            props.put(io.vertx.ext.web.RoutingContext.class.getName(), ctx);
        }
        return new io.quarkus.security.spi.runtime.AuthenticationFailureEvent(why, props);
    }

    @Test
    void authenticationFailureEventsCountAndOtherFailuresDoNot() {
        AuthFailureLimiter l = limiter(2);
        l.onAuthenticationFailure(failed(new IllegalStateException("infrastructure"), withToken("10.0.0.20")));
        l.onAuthenticationFailure(failed(new io.stsbroker.error.BrokerException(ErrorCode.THROTTLING, "429", null, null, null),
                withToken("10.0.0.20")));
        l.onAuthenticationFailure(failed(new io.quarkus.security.AuthenticationFailedException("no ctx"), null));
        l.onAuthenticationFailure(failed(new io.quarkus.security.AuthenticationFailedException("other"), "not a context"));
        assertThat(l.refusal(withToken("10.0.0.20"))).as("nothing above was the caller's failure").isEmpty();
        l.onAuthenticationFailure(failed(new io.quarkus.security.AuthenticationFailedException("bad key"), withToken("10.0.0.20")));
        assertThat(l.refusal(withToken("10.0.0.20"))).isEmpty();
        // Wrapped in CompletionExceptions, as Mutiny delivers it; and the completion variant counts too.
        l.onAuthenticationFailure(failed(new java.util.concurrent.CompletionException(new java.util.concurrent.CompletionException(
                new io.quarkus.security.AuthenticationCompletionException())), withToken("10.0.0.20")));
        assertThat(l.refusal(withToken("10.0.0.20"))).isPresent();
    }

    @Test
    void aCompletionExceptionWithoutACauseIsNotTheCallersFailure() {
        AuthFailureLimiter l = limiter(1);
        l.onAuthenticationFailure(failed(new java.util.concurrent.CompletionException("bare", null), withToken("10.0.0.21")));
        assertThat(l.refusal(withToken("10.0.0.21"))).isEmpty();
    }
}
