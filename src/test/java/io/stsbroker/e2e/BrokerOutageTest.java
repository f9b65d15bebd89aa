package io.stsbroker.e2e;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.stsbroker.client.BrokerClient;
import io.stsbroker.client.BrokerCredentials;
import io.stsbroker.client.BrokerError;
import io.stsbroker.client.BrokerUnavailableException;
import io.stsbroker.client.TemporaryCredentials;
import io.stsbroker.testsupport.MutableClock;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;

import static io.stsbroker.e2e.E2e.CLIENT_FLOOR;
import static io.stsbroker.e2e.E2e.CLIENT_REFRESHING;
import static io.stsbroker.e2e.E2e.advanceToLeft;
import static io.stsbroker.e2e.E2e.jwt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The client while the broker is unreachable: it reaches the real broker through a TCP relay, and
 * stopping the relay makes the broker unreachable at the client's URL (connection refused), with
 * no fake of the broker's API anywhere.
 */
@QuarkusTest
@TestProfile(E2eProfile.class)
class BrokerOutageTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    MutableClock clock;

    private BrokerClient clientThrough(TcpRelay relay, String name) {
        return BrokerClient.builder().environment(n -> null).baseUrl(relay.url())
                .token(jwt("system:serviceaccount:search:" + name)).clock(clock).build();
    }

    private static void assertUnreachable(BrokerUnavailableException e, TcpRelay relay) {
        assertThat(e).as("a BrokerUnavailableException").isNotNull();
        assertThat(e.code()).isEqualTo(BrokerError.CLIENT_NETWORK);
        assertThat(e.httpStatus()).isZero();
        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).startsWith("Cannot reach the broker at " + relay.url() + "/");
    }

    @Test
    void brokerDownCachedCredentialIsServedAboveTheFloorThenTypedUnavailableErrorThenRecovers() throws Exception {
        try (TcpRelay relay = new TcpRelay(base.getHost(), base.getPort());
             BrokerCredentials credentials = clientThrough(relay, "e2e-outage").credentials("search-reader")) {
            TemporaryCredentials first = credentials.credentials();

            relay.stop();
            // In the refresh window: the background refresh fails, the cached credential is still handed out.
            advanceToLeft(clock, first.expiration(), CLIENT_REFRESHING);
            for (int i = 0; i < 3; i++) {
                assertThat(credentials.credentials()).isEqualTo(first);
            }
            advanceToLeft(clock, first.expiration(), CLIENT_FLOOR.plusSeconds(1));
            assertThat(credentials.credentials()).as("one second above the floor").isEqualTo(first);

            advanceToLeft(clock, first.expiration(), CLIENT_FLOOR);
            assertUnreachable(catchThrowableOfType(BrokerUnavailableException.class, credentials::credentials), relay);
            assertUnreachable(catchThrowableOfType(BrokerUnavailableException.class, credentials::credentials), relay);

            relay.start();
            // The client answers from its memory of the failure until its backoff has passed.
            clock.advance(Duration.ofSeconds(2));
            TemporaryCredentials fresh = credentials.credentials();
            assertThat(fresh.accessKeyId()).isNotEqualTo(first.accessKeyId());
            assertThat(fresh.remaining(clock.instant())).isGreaterThan(Duration.ofMinutes(20));
        }
    }

    @Test
    void brokerDownBeforeTheFirstFetchThrowsTypedUnavailableErrorAtOnce() throws Exception {
        try (TcpRelay relay = new TcpRelay(base.getHost(), base.getPort());
             BrokerCredentials credentials = clientThrough(relay, "e2e-outage-cold").credentials("search-reader")) {
            relay.stop();

            assertUnreachable(catchThrowableOfType(BrokerUnavailableException.class, credentials::credentials), relay);
        }
    }
}
