package io.stsbroker.hardening.upstream;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stsbroker.sts.embedded.EmbeddedStsFaults;
import io.stsbroker.sts.embedded.StsCounters;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.stsbroker.hardening.upstream.Lab.caller;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cold keys during an outage fail fast, bounded by {@code broker.request-timeout}, without piling
 * up connections, upstream requests or threads: 200 distinct callers ask at once while STS hangs
 * or drops every connection. The test client is non-blocking (java.net.http on 2 threads), so the
 * JVM's thread count reflects the broker alone.
 */
@QuarkusTest
class ColdBurstOutageTest {

    private static final int CALLERS = 200;
    /** UpstreamHttp's pool size: the most connections the broker ever opens to STS. */
    private static final int MAX_UPSTREAM_CONNECTIONS = 32;

    enum Outage { HANGING, DROPPED_CONNECTIONS }

    @Inject
    EmbeddedStsFaults faults;
    @Inject
    StsCounters sts;
    @Inject
    MeterRegistry meters;
    @Inject
    io.stsbroker.sts.StsClient stsClient;
    @ConfigProperty(name = "broker.request-timeout")
    Duration requestTimeout;
    @TestHTTPResource("/v1/credentials/" + Lab.ROLE)
    URI url;

    @AfterEach
    void clear() throws InterruptedException {
        faults.clear();
        Lab.quiesce(meters);
    }

    private record Outcome(int status, long millis, boolean retryAfter, String code) {
    }

    @ParameterizedTest
    @EnumSource(Outage.class)
    void coldRequestsFailWithinTheTimeoutWithBoundedConnectionsAndThreads(Outage outage) throws Exception {
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            tokens.add(caller("cold-" + outage + "-" + i));
        }
        if (outage == Outage.HANGING) {
            faults.hang(Lab.ARN_PART);
        } else {
            faults.dropConnections(Lab.ARN_PART);
        }
        ExecutorService clientThreads = Executors.newFixedThreadPool(2);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(clientThreads)
                .connectTimeout(Duration.ofSeconds(10)).build();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Thread.sleep(200);
        int threadsBefore = threads.getThreadCount();
        threads.resetPeakThreadCount();
        sts.resetPeaks();
        long callsBefore = sts.callCount();

        AtomicBoolean sampling = new AtomicBoolean(true);
        AtomicLong peakBrokerInFlight = new AtomicLong();
        AtomicLong peakBrokerConnections = new AtomicLong();
        stsClient.ready();   // the client is created on first use, and registers its gauge then
        var inFlightGauge = meters.find("broker.upstream.in.flight").gauge();
        var connectionsGauge = meters.find("broker.upstream.connections").gauge();
        assertThat(inFlightGauge).isNotNull();
        assertThat(connectionsGauge).isNotNull();
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                peakBrokerInFlight.accumulateAndGet((long) inFlightGauge.value(), Math::max);
                peakBrokerConnections.accumulateAndGet((long) connectionsGauge.value(), Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "in-flight-sampler");
        sampler.start();

        long start = System.nanoTime();
        List<CompletableFuture<Outcome>> pending = new ArrayList<>();
        for (String token : tokens) {
            long sent = System.nanoTime();
            HttpRequest request = HttpRequest.newBuilder(url).header("Authorization", token)
                    .timeout(Duration.ofSeconds(30)).GET().build();
            pending.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(r -> new Outcome(
                    r.statusCode(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent),
                    r.headers().firstValue("Retry-After").isPresent(),
                    r.body().replaceAll(".*\"code\":\"([A-Za-z]+)\".*", "$1"))));
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (CompletableFuture<Outcome> f : pending) {
            outcomes.add(f.get(60, TimeUnit.SECONDS));
        }
        long totalMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        sampling.set(false);
        sampler.join();
        int peakThreads = threads.getPeakThreadCount();
        long upstreamAttempts = sts.callCount() - callsBefore;
        clientThreads.shutdownNow();

        long maxMillis = outcomes.stream().mapToLong(Outcome::millis).max().orElseThrow();
        long fast = outcomes.stream().filter(o -> o.millis() < 1_000).count();
        long atDeadline = outcomes.stream().filter(o -> o.millis() >= requestTimeout.toMillis() - 500).count();
        System.out.printf("[cold-burst] %s: %d cold callers at once -> all answered in %d ms (slowest %d ms,"
                        + " %d within 1 s, %d at the %d s deadline); statuses %s%n", outage, CALLERS, totalMillis,
                maxMillis, fast, atDeadline, requestTimeout.toSeconds(),
                outcomes.stream().collect(java.util.stream.Collectors.groupingBy(o -> o.status() + " " + o.code(),
                        java.util.stream.Collectors.counting())));
        System.out.printf("[cold-burst] %s: upstream attempts %d; broker side: peak %d connections to STS, %d attempts"
                        + " in flight (sent or waiting for a pooled connection); STS side: peak %d connections,"
                        + " %d requests held; JVM threads %d before, peak %d%n", outage, upstreamAttempts,
                peakBrokerConnections.get(), peakBrokerInFlight.get(), sts.peakConnections(), sts.peakInFlight(),
                threadsBefore, peakThreads);

        assertThat(outcomes).allSatisfy(o -> {
            assertThat(o.status()).isEqualTo(503);
            assertThat(o.code()).isEqualTo("UpstreamUnavailable");
            assertThat(o.retryAfter()).isTrue();
        });
        // Bounded by broker.request-timeout, never by the number of callers. The allowance is wide
        // because a 2-core machine shared by several builds delays answers by seconds (12.7 s was seen
        // at load 35); an unbounded wait would instead run into the client's 30 s timeout above.
        assertThat(maxMillis).isLessThan(requestTimeout.toMillis() + 12_000);
        // The broker's pool never uses more than 32 connections. A connection reset at the attempt
        // timeout frees its pool slot at once but is counted until its close completes, so the broker
        // may count a few more for a moment; STS notices the close later still, hence its allowance
        // of one more pool's worth. Without the pool bound these would follow the 200 callers.
        assertThat(peakBrokerConnections.get()).isLessThanOrEqualTo(MAX_UPSTREAM_CONNECTIONS + 8);
        assertThat(sts.peakConnections()).isLessThanOrEqualTo(2L * MAX_UPSTREAM_CONNECTIONS);
        assertThat(sts.peakInFlight()).isLessThanOrEqualTo(2L * MAX_UPSTREAM_CONNECTIONS);
        // Attempts waiting for a connection are bounded by the budget (tokens handed out within one
        // attempt timeout), not by the number of callers.
        assertThat(peakBrokerInFlight.get()).isLessThan(CALLERS);
        // Budget: 50/s, waits of at most 2 s, for at most 8 s.
        assertThat(upstreamAttempts).isLessThanOrEqualTo(1 + 50 * (totalMillis / 1000 + 1));
        assertThat(peakThreads - threadsBefore).as("threads added during the burst").isLessThanOrEqualTo(16);

        // Nothing is left hanging upstream once the callers have their answers.
        Lab.await(() -> sts.inFlight() == 0, "STS to hold no request");
        Lab.await(() -> meters.find("broker.upstream.in.flight").gauge().value() == 0, "no attempt in flight");
    }
}
