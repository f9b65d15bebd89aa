package io.stsbroker.client.opensearch;

import io.stsbroker.testsupport.OpenSearchSignatureVerifier;
import com.aliyun.opensearch.OpenSearchClient;
import io.stsbroker.client.TemporaryCredentials;
import io.stsbroker.testsupport.OpenSearchSignatureVerifier.KnownKey;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpenSearchClientHolderTest {
    private static final String MONITOR_THREAD = "Http-client-ConenctionPool-Monitor";

    private static TemporaryCredentials credentials(int n) {
        return new TemporaryCredentials("STS.id" + n, "secret" + n, "token" + n,
                Instant.parse("2030-01-01T00:00:00Z").plusSeconds(3600L * n));
    }

    @Test
    void client_isReusedWhileTheCredentialsStayTheSame() {
        AtomicReference<TemporaryCredentials> current = new AtomicReference<>(credentials(1));
        try (OpenSearchClientHolder holder = OpenSearchClientHolder.forRegion(current::get, "cn-hangzhou")) {
            assertThat(holder.client()).isSameAs(holder.client());
        }
    }

    @Test
    void client_isRebuiltWithTheNewCredentialsWhenTheyRotate() throws Exception {
        AtomicReference<TemporaryCredentials> current = new AtomicReference<>(credentials(1));
        try (CapturingHttpServer server = new CapturingHttpServer();
             OpenSearchClientHolder holder = new OpenSearchClientHolder(current::get, OpenSearchEndpoint.of(server.endpoint()))) {
            OpenSearchClient first = holder.client();
            first.call("/apps/a/search", Map.of("query", "x"), "GET");

            current.set(credentials(2));
            OpenSearchClient second = holder.client();
            second.call("/apps/a/search", Map.of("query", "x"), "GET");

            assertThat(second).isNotSameAs(first);
            OpenSearchSignatureVerifier verifier = new OpenSearchSignatureVerifier(
                    id -> id.equals("STS.id2") ? Optional.of(new KnownKey("secret2", "token2")) : Optional.empty(),
                    Clock.systemUTC(), Duration.ofMinutes(15));
            assertThat(verifier.verify(server.requests().get(0)).reason()).isEqualTo("unknown access key id");
            assertThat(verifier.verify(server.requests().get(1)).valid()).isTrue();
        }
    }

    @Test
    void client_keepsTheNewerClientWhenACallerArrivesWithOlderCredentials() {
        AtomicReference<TemporaryCredentials> current = new AtomicReference<>(credentials(2));
        try (OpenSearchClientHolder holder = OpenSearchClientHolder.forRegion(current::get, "cn-beijing")) {
            OpenSearchClient newer = holder.client();
            current.set(credentials(1));

            assertThat(holder.client()).isSameAs(newer);
        }
    }

    @Test
    void rotations_releaseReplacedClientsSoMonitorThreadsDoNotAccumulate() throws InterruptedException {
        long before = monitorThreadsOnceAtMost(Long.MAX_VALUE);
        AtomicReference<TemporaryCredentials> current = new AtomicReference<>(credentials(1));
        try (OpenSearchClientHolder holder = OpenSearchClientHolder.forRegion(current::get, "cn-shanghai")) {
            for (int n = 1; n <= 10; n++) {
                current.set(credentials(n));
                holder.client();
            }
            // Left: the current client and the one replaced last (kept for requests still running on it).
            assertThat(monitorThreadsOnceAtMost(before + 2)).isEqualTo(before + 2);
        }
        assertThat(monitorThreadsOnceAtMost(before)).isEqualTo(before);
    }

    @Test
    void client_failsAfterClose() {
        OpenSearchClientHolder holder = OpenSearchClientHolder.forRegion(() -> credentials(1), "cn-hangzhou");
        holder.client();
        holder.close();

        assertThatThrownBy(holder::client).isInstanceOf(IllegalStateException.class);
    }

    /** Counts the SDK's monitor threads, waiting up to 5 s for stopped ones to exit (they do so promptly, not instantly). */
    private static long monitorThreadsOnceAtMost(long expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            long count = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.isAlive() && t.getName().contains(MONITOR_THREAD)).count();
            if (count <= expected || System.nanoTime() > deadline) {
                return count;
            }
            Thread.sleep(10);
        }
    }
}
