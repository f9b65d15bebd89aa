package io.stsbroker.e2e;

import io.restassured.response.Response;
import io.stsbroker.client.BrokerClient;
import io.stsbroker.client.TemporaryCredentials;
import io.stsbroker.testsupport.MutableClock;
import io.stsbroker.testing.TestKeys;
import io.stsbroker.testing.TestTokens;

import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the end-to-end tests share: callers, clients on the application's clock, moving that
 * clock to a point measured from a credential's expiry, and bounded waits for background work.
 *
 * <p>Client thresholds used throughout (client README, {@code RefreshPolicy.DEFAULT}): background
 * refresh from 18 minutes left, less up to 1 minute of jitter; never hands out 16 minutes or less.
 * Broker thresholds ({@code application.yml}): refresh-ahead 30 minutes, min-remaining 20 minutes.
 * So at 17 minutes left the client refreshes and the broker, below its own floor, mints a new one.
 */
final class E2e {

    /** Left on a credential when the client is surely refreshing and the broker surely minting. */
    static final Duration CLIENT_REFRESHING = Duration.ofMinutes(17);
    /** The client's floor: with this much or less left, a credential is no longer handed out. */
    static final Duration CLIENT_FLOOR = Duration.ofMinutes(16);

    private static final Duration WAIT = Duration.ofSeconds(15);

    private E2e() {
    }

    /** A signed JWT for {@code sub}, as a Kubernetes projected token would be. */
    static String jwt(String sub) {
        return TestTokens.rs256(sub);
    }

    /** A client of the broker at {@code base} sending {@code token}, deciding expiry by {@code clock}. */
    static BrokerClient client(URL base, String token, MutableClock clock) {
        return BrokerClient.builder().environment(name -> null).baseUrl(base.toString()).token(token).clock(clock).build();
    }

    /** What the broker hands out to {@code token} for {@code role} when asked directly over HTTP. */
    static Response brokerAnswer(String token, String role) {
        Response r = given().header("Authorization", TestKeys.bearer(token)).get("/v1/credentials/" + role);
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        return r;
    }

    /** Asserts that {@code c} is exactly the broker's answer {@code r}, field by field. */
    static void assertSameAsBroker(TemporaryCredentials c, Response r) {
        assertThat(c.accessKeyId()).isEqualTo(r.path("accessKeyId"));
        assertThat(c.accessKeySecret()).isEqualTo(r.path("accessKeySecret"));
        assertThat(c.securityToken()).isEqualTo(r.path("securityToken"));
        assertThat(c.expiration()).isEqualTo(Instant.parse(r.path("expiration")));
    }

    /** Moves the application's clock forward to {@code expiration - left}. */
    static void advanceToLeft(MutableClock clock, Instant expiration, Duration left) {
        Duration step = Duration.between(clock.instant(), expiration.minus(left));
        assertThat(step.isNegative()).as("the clock only moves forward, not by %s", step).isFalse();
        clock.advance(step);
    }

    /** Polls {@code probe} until {@code done} holds, for at most 15 seconds of real time. */
    static <T> T await(Supplier<T> probe, Predicate<T> done, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        T value = probe.get();
        while (!done.test(value)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Gave up after " + WAIT.toSeconds() + "s waiting for " + what + "; last: " + value);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
            value = probe.get();
        }
        return value;
    }

    /** Polls {@code source} until it hands out a credential other than {@code old}: the rotation. */
    static TemporaryCredentials awaitRotation(Supplier<TemporaryCredentials> source, TemporaryCredentials old) {
        return await(source, c -> !c.accessKeyId().equals(old.accessKeyId()), "a credential other than " + old);
    }
}
