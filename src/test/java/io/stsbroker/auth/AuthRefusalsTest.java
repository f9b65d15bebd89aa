package io.stsbroker.auth;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.security.AuthenticationCompletionException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.UnauthorizedException;
import io.stsbroker.testsupport.MutableClock;
import io.vertx.ext.web.RoutingContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Counting and logging refused authentications, on their own: which reason, once per request, lines spaced out. */
class AuthRefusalsTest {

    private final MutableClock clock = new MutableClock();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AuthRefusals refusals = new AuthRefusals(clock, meters);
    private final RefusalLog log = new RefusalLog();

    @AfterEach
    void closeLog() {
        log.close();
    }

    private double count(RefusalReason reason) {
        return meters.get("broker.auth.failures").tag("reason", reason.tag()).counter().count();
    }

    private static RoutingContext withToken() {
        return FakeRequests.from("10.1.2.3", "Authorization", "Bearer x.y.z");
    }

    private static Throwable wrapped(Throwable inner, int times) {
        Throwable t = inner;
        for (int i = 0; i < times; i++) {
            t = new RuntimeException("wrapper " + i, t);
        }
        return t;
    }

    @Test
    void everyReasonHasASeriesAtZeroFromTheStartWithItsOutcome() {
        for (RefusalReason r : RefusalReason.values()) {
            var counter = meters.get("broker.auth.failures").tag("reason", r.tag()).counter();
            assertThat(counter.count()).isZero();
            assertThat(counter.getId().getTag("outcome")).isEqualTo(r == RefusalReason.THROTTLED ? "Throttling" : "Unauthorized");
        }
        assertThat(AuthRefusals.outcome(RefusalReason.THROTTLED)).isEqualTo("Throttling");
        assertThat(AuthRefusals.outcome(RefusalReason.EXPIRED)).isEqualTo("Unauthorized");
    }

    @Test
    void aRefusalIsCountedAndLoggedOncePerRequestHoweverOftenItIsRecorded() {
        RoutingContext ctx = withToken();
        Throwable failure = Refusals.refused(RefusalReason.EXPIRED);
        assertThat(refusals.record(ctx, failure, "req-1")).isTrue();
        assertThat(refusals.record(ctx, failure, "req-1")).isTrue();
        assertThat(count(RefusalReason.EXPIRED)).isEqualTo(1);
        assertThat(log.lines()).containsExactly("INFO Authentication refused: reason=expired request=req-1 client=10.1.2.3");
        assertThat(refusals.record(withToken(), failure, "req-2")).isTrue();
        assertThat(count(RefusalReason.EXPIRED)).isEqualTo(2);
    }

    @Test
    void theReasonMarkedOnTheRequestWinsOverTheFailure() {
        RoutingContext ctx = withToken();
        ctx.put(AuthRefusals.REASON_KEY, RefusalReason.THROTTLED);
        assertThat(AuthRefusals.reasonOf(ctx, new IllegalStateException("not auth"))).isEqualTo(RefusalReason.THROTTLED);
        assertThat(refusals.record(ctx, Refusals.refused(RefusalReason.EXPIRED), "r")).isTrue();
        assertThat(count(RefusalReason.THROTTLED)).isEqualTo(1);
        assertThat(count(RefusalReason.EXPIRED)).isZero();
    }

    @Test
    void aReasonCarriedInTheCauseChainIsFoundElseMissingOrOtherByTheToken() {
        assertThat(AuthRefusals.reasonOf(withToken(), wrapped(Refusals.refused(RefusalReason.BAD_SIGNATURE), 3)))
                .isEqualTo(RefusalReason.BAD_SIGNATURE);
        assertThat(AuthRefusals.reasonOf(withToken(), new AuthenticationFailedException("x"))).isEqualTo(RefusalReason.OTHER);
        assertThat(AuthRefusals.reasonOf(FakeRequests.from("10.1.2.3"), new AuthenticationFailedException("x")))
                .isEqualTo(RefusalReason.MISSING);
        assertThat(AuthRefusals.reasonOf(withToken(), new AuthenticationCompletionException())).isEqualTo(RefusalReason.OTHER);
        assertThat(AuthRefusals.reasonOf(withToken(), new UnauthorizedException())).isEqualTo(RefusalReason.OTHER);
    }

    @Test
    void otherFailuresAreLeftAloneAndCountNothing() {
        assertThat(refusals.record(withToken(), new IllegalStateException("boom"), "r")).isFalse();
        assertThat(refusals.record(withToken(), null, "r")).isFalse();
        for (RefusalReason r : RefusalReason.values()) {
            assertThat(count(r)).isZero();
        }
        assertThat(log.lines()).isEmpty();
    }

    @Test
    void causeChainsAreSearchedSixteenDeepAndNoFurther() {
        assertThat(AuthRefusals.reasonOf(withToken(), wrapped(new AuthenticationFailedException("x"), 15)))
                .isEqualTo(RefusalReason.OTHER);
        assertThat(AuthRefusals.reasonOf(withToken(), wrapped(new AuthenticationFailedException("x"), 16))).isNull();
        assertThat(Refusals.in(wrapped(new Refusals.Reason(RefusalReason.EXPIRED), 15))).isEqualTo(RefusalReason.EXPIRED);
        assertThat(Refusals.in(wrapped(new Refusals.Reason(RefusalReason.EXPIRED), 16))).isNull();
        assertThat(Refusals.in(new RuntimeException("no reason"))).isNull();
        assertThat(Refusals.in(null)).isNull();
    }

    @Test
    void aRefusedFailureCarriesItsReasonWithoutAStackTrace() {
        AuthenticationFailedException e = Refusals.refused(RefusalReason.UNKNOWN_KEY);
        assertThat(e.getMessage()).isEqualTo("unknown-key");
        assertThat(e.getCause()).isInstanceOf(Refusals.Reason.class);
        assertThat(e.getCause().getStackTrace()).isEmpty();
        assertThat(Refusals.in(e)).isEqualTo(RefusalReason.UNKNOWN_KEY);
    }

    @Test
    void linesForOneReasonAreSpacedASecondApartAndSaySoWhenSomeWereLeftOut() {
        Throwable expired = Refusals.refused(RefusalReason.EXPIRED);
        refusals.record(withToken(), expired, "a");
        clock.advance(Duration.ofMillis(999));
        refusals.record(withToken(), expired, "b");
        refusals.record(withToken(), Refusals.refused(RefusalReason.MALFORMED), "c"); // another reason: its own window
        clock.advance(Duration.ofMillis(1));
        refusals.record(withToken(), expired, "d");
        clock.advance(Duration.ofMillis(1000));
        refusals.record(withToken(), expired, "e");
        assertThat(log.lines()).containsExactly(
                "INFO Authentication refused: reason=expired request=a client=10.1.2.3",
                "INFO Authentication refused: reason=malformed request=c client=10.1.2.3",
                "INFO Authentication refused: reason=expired request=d client=10.1.2.3 (1 more with this reason since the last line)",
                "INFO Authentication refused: reason=expired request=e client=10.1.2.3");
        assertThat(count(RefusalReason.EXPIRED)).as("every refusal is counted, logged or not").isEqualTo(4);
    }

    @Test
    void aClockThatStepsBackDoesNotSilenceTheLog() {
        Throwable expired = Refusals.refused(RefusalReason.EXPIRED);
        refusals.record(withToken(), expired, "a");
        clock.advance(Duration.ofSeconds(-5));
        refusals.record(withToken(), expired, "b");
        assertThat(log.lines()).hasSize(2);
    }

    @Test
    void theRequestIdIsEscapedAndAnAddressVertxCannotNameIsUnknown() {
        refusals.record(FakeRequests.from("fe80::1%1", "Authorization", "Bearer x"), Refusals.refused(RefusalReason.MALFORMED),
                "id\nforged line");
        assertThat(log.lines()).singleElement().asString()
                .startsWith("INFO Authentication refused: reason=malformed request=id").doesNotContain("\n")
                .endsWith(" client=unknown");
    }
}
