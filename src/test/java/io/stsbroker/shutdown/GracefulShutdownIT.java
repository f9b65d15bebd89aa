package io.stsbroker.shutdown;

import io.stsbroker.sts.embedded.LoopbackSts;
import io.stsbroker.testing.PackagedBroker;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SIGTERM to the packaged jar (production profile, {@code quarkus.shutdown.timeout=10s}) while a
 * credential request waits on a slow STS: readiness reports DOWN, a new request is refused with 503,
 * the request in flight still gets its 200 with a credential, and the process exits within the
 * shutdown timeout.
 */
class GracefulShutdownIT {

    private static final String KEY = "shutdown-it-key-0123456789";
    /** The production profile's quarkus.shutdown.timeout (application.yml). */
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);
    /** Each AssumeRole answer is this late; below broker.sts.timeout, so the one attempt succeeds. */
    private static final Duration STS_DELAY = Duration.ofSeconds(4);
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aRequestWaitingOnASlowStsWhenSigtermArrivesStillGetsItsCredential() throws Exception {
        try (LoopbackSts sts = LoopbackSts.start();
             PackagedBroker broker = PackagedBroker.start(sts.brokerProperties(
                     "-Dbroker.api-keys.it=" + sha256(KEY),
                     "-Dbroker.roles.it-role.arn=acs:ram::1234567890123456:role/it-role",
                     "-Dbroker.roles.it-role.allow=apikey:it",
                     "-Dbroker.sts.timeout=6s"), sts.brokerEnvironment())) {
            assertThat(status(broker.management().resolve("/q/health/ready"))).isEqualTo(200);
            sts.faults().delay(STS_DELAY);

            CompletableFuture<HttpResponse<String>> inFlight = http.sendAsync(credential(broker, "in-flight"),
                    HttpResponse.BodyHandlers.ofString());
            await().atMost(Duration.ofSeconds(20)).until(() -> sts.counters().inFlight() == 1);

            long sigterm = System.nanoTime();
            CompletableFuture<Process> exited = broker.terminate();

            // Readiness goes down while the request is still waiting on STS.
            int ready = await().atMost(STS_DELAY).pollInterval(Duration.ofMillis(50))
                    .until(() -> status(broker.management().resolve("/q/health/ready")), s -> s != 200);
            assertThat(ready).as("readiness, not a closed port").isEqualTo(503);
            assertThat(inFlight).isNotDone();
            // A new request is refused (503), not queued behind the one in flight.
            HttpResponse<String> late = http.send(credential(broker, "late"), HttpResponse.BodyHandlers.ofString());
            assertThat(late.statusCode()).isEqualTo(503);
            assertThat(late.body()).contains("\"code\":\"UpstreamUnavailable\"").contains("shutting down");
            assertThat(late.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(inFlight).isNotDone();

            HttpResponse<String> answered = inFlight.get(SHUTDOWN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
            assertThat(answered.body()).contains("\"accessKeyId\":\"STS.");

            Process p = exited.get(SHUTDOWN_TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS);
            Duration took = Duration.ofNanos(System.nanoTime() - sigterm);
            assertThat(p.isAlive()).isFalse();
            assertThat(took).as("from SIGTERM to exit; broker output:\n%s", broker.output()).isLessThan(SHUTDOWN_TIMEOUT);
            assertThat(sts.counters().callCount()).as("only the request in flight reached STS").isEqualTo(1);
        }
    }

    private HttpRequest credential(PackagedBroker broker, String requestId) {
        return HttpRequest.newBuilder(broker.api().resolve("/v1/credentials/it-role"))
                .header("Authorization", "Bearer " + KEY).header("X-Request-Id", requestId)
                .timeout(Duration.ofSeconds(30)).build();
    }

    /** The status, or 0 when nothing answers (the port already closed). */
    private int status(URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
