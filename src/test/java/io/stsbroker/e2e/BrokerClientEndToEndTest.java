package io.stsbroker.e2e;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.stsbroker.client.BrokerClient;
import io.stsbroker.client.BrokerCredentials;
import io.stsbroker.client.TemporaryCredentials;
import io.stsbroker.policy.SessionNames;
import io.stsbroker.sts.embedded.EmbeddedSecurityToken;
import io.stsbroker.sts.embedded.EmbeddedSecurityToken.Verdict;
import io.stsbroker.sts.embedded.EmbeddedStsKeys;
import io.stsbroker.testsupport.MutableClock;
import io.stsbroker.testing.TestKeys;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import static io.stsbroker.e2e.E2e.CLIENT_REFRESHING;
import static io.stsbroker.e2e.E2e.advanceToLeft;
import static io.stsbroker.e2e.E2e.assertSameAsBroker;
import static io.stsbroker.e2e.E2e.awaitRotation;
import static io.stsbroker.e2e.E2e.brokerAnswer;
import static io.stsbroker.e2e.E2e.jwt;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client library against the real broker and its embedded STS: what it fetches is what the
 * broker hands out and what STS issued, it sees the broker's rotation, and it picks up a rotated
 * token file. Each test is its own caller, so cache state never crosses tests.
 */
@QuarkusTest
@TestProfile(E2eProfile.class)
class BrokerClientEndToEndTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    MutableClock clock;

    @Inject
    EmbeddedStsKeys stsKeys;

    private Verdict verdict(TemporaryCredentials c) {
        return EmbeddedSecurityToken.verify(c.securityToken(), c.accessKeyId(), clock.instant(), stsKeys.tokenKey());
    }

    private EmbeddedSecurityToken.Claims claims(TemporaryCredentials c) {
        return EmbeddedSecurityToken.read(c.securityToken(), stsKeys.tokenKey()).orElseThrow();
    }

    @Test
    void clientFetchesWhatTheBrokerHandsOutAndTheEmbeddedStsIssued() {
        String sub = "system:serviceaccount:search:e2e-first-fetch";
        BrokerClient client = E2e.client(base, jwt(sub), clock);
        try (BrokerCredentials credentials = client.credentials("search-reader")) {
            TemporaryCredentials c = credentials.credentials();

            assertSameAsBroker(c, brokerAnswer(jwt(sub), "search-reader"));
            assertThat(c.accessKeyId()).startsWith("STS.");
            assertThat(c.role()).isEqualTo("search-reader");
            assertThat(c.roleArn()).isEqualTo("acs:ram::1234567890123456:role/search-reader");
            assertThat(c.sessionName()).isEqualTo(SessionNames.of(sub));
            assertThat(c.remaining(clock.instant())).isGreaterThan(Duration.ofMinutes(20));
            assertThat(verdict(c)).isEqualTo(Verdict.VALID);
            assertThat(claims(c).roleArn()).isEqualTo(c.roleArn());
            assertThat(claims(c).roleSessionName()).isEqualTo(c.sessionName());
            assertThat(credentials.credentials()).as("served from the client's cache").isEqualTo(c);
        }
    }

    @Test
    void clientObservesRotationWhenTheBrokerHandsOutANewCredential() {
        String sub = "system:serviceaccount:cache:e2e-rotation";
        try (BrokerCredentials credentials = E2e.client(base, jwt(sub), clock).credentials("cache-lab")) {
            TemporaryCredentials first = credentials.credentials();

            // 27 minutes left: outside the client's refresh window, nothing changes.
            advanceToLeft(clock, first.expiration(), Duration.ofMinutes(27));
            assertThat(credentials.credentials()).isEqualTo(first);

            // 17 minutes left: the client serves the cached credential and refreshes in the background;
            // the broker, below its 20-minute floor, mints a new one instead of handing out the old.
            advanceToLeft(clock, first.expiration(), CLIENT_REFRESHING);
            assertThat(credentials.credentials()).as("served while the refresh runs").isEqualTo(first);
            TemporaryCredentials next = awaitRotation(credentials::credentials, first);

            assertThat(next.expiration()).isAfter(first.expiration());
            assertThat(next.remaining(clock.instant())).isGreaterThan(Duration.ofMinutes(20));
            assertThat(verdict(next)).isEqualTo(Verdict.VALID);
            assertThat(verdict(first)).as("the old one is still valid until it expires").isEqualTo(Verdict.VALID);
            assertSameAsBroker(next, brokerAnswer(jwt(sub), "cache-lab"));
        }
    }

    @Test
    void rewrittenTokenFileIsSentFromTheNextBrokerCall(@TempDir Path dir) throws IOException {
        String before = "system:serviceaccount:search:e2e-token-before";
        String after = "system:serviceaccount:search:e2e-token-after";
        Path tokenFile = dir.resolve("token");
        replace(tokenFile, jwt(before));
        BrokerClient client = BrokerClient.builder().environment(name -> null).baseUrl(base.toString())
                .tokenFile(tokenFile).clock(clock).build();

        assertThat(client.status().caller()).isEqualTo(before);
        try (BrokerCredentials credentials = client.credentials("search-reader")) {
            TemporaryCredentials first = credentials.credentials();
            assertThat(first.sessionName()).isEqualTo(SessionNames.of(before));

            replace(tokenFile, jwt(after));
            assertThat(client.status().caller()).isEqualTo(after);
            advanceToLeft(clock, first.expiration(), CLIENT_REFRESHING);
            TemporaryCredentials next = awaitRotation(credentials::credentials, first);

            assertThat(next.sessionName()).isEqualTo(SessionNames.of(after));
            assertThat(claims(next).roleSessionName()).isEqualTo(SessionNames.of(after));
            assertSameAsBroker(next, brokerAnswer(jwt(after), "search-reader"));
        }

        replace(tokenFile, TestKeys.REPORTING + "\n");
        assertThat(client.status().caller()).as("an API key works from the same file").isEqualTo("apikey:reporting");
    }

    /** Replaces the file atomically, as the kubelet swaps a projected token, so no reader sees half a token. */
    private static void replace(Path file, String token) throws IOException {
        Path next = Files.createTempFile(file.getParent(), "token", ".next");
        Files.writeString(next, token, StandardCharsets.UTF_8);
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
