package io.stsbroker.sts.embedded;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.subscription.Cancellable;
import io.stsbroker.sts.AssumeRoleRequest;
import io.stsbroker.sts.StsClient;
import io.stsbroker.sts.StsException;
import io.stsbroker.sts.UpstreamErrors;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The embedded STS's fault controls, seen through the broker's real STS client: a dropped
 * connection, a hanging request, a seeded failure rate, recorded arrivals, and the server's own
 * in-flight and connection counts that the hardening tests rely on.
 */
@QuarkusTest
class EmbeddedStsFaultsTest {

    private static final String ARN = "acs:ram::1234567890123456:role/upstream-lab";

    @Inject
    EmbeddedStsFaults faults;
    @Inject
    StsCounters counters;
    @Inject
    StsClient sts;

    @AfterEach
    void clear() {
        faults.clear();
    }

    private static AssumeRoleRequest request(String session) {
        return new AssumeRoleRequest(ARN, session, Duration.ofHours(1), Optional.empty(), Optional.empty());
    }

    private boolean succeeds(String session) {
        return catchThrowable(() -> sts.assumeRole(request(session)).await().atMost(Duration.ofSeconds(10))) == null;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void aDroppedConnectionIsANetworkFailureWithoutAnUpstreamCode() throws Exception {
        faults.dropConnections("role/upstream-lab");

        Throwable t = catchThrowable(() -> sts.assumeRole(request("drop-test")).await().atMost(Duration.ofSeconds(10)));

        assertThat(t).isInstanceOfSatisfying(StsException.class, e -> {
            assertThat(e.kind()).isEqualTo(UpstreamErrors.Kind.RETRYABLE);
            assertThat(e.upstreamCode()).isEmpty();
        });
        assertThat(counters.callCount("drop-test")).isEqualTo(1);
        await(() -> counters.inFlight() == 0, "the dropped request to leave the server's books");
    }

    @Test
    void aHangingRequestStaysInFlightUntilTheClientGivesUp() throws Exception {
        faults.hang("role/upstream-lab");
        counters.resetPeaks();
        long inFlightBefore = counters.inFlight();

        Cancellable pending = sts.assumeRole(request("hang-test")).subscribe().with(ok -> { }, failure -> { });
        await(() -> counters.inFlight() == inFlightBefore + 1, "the request to reach the server");
        assertThat(counters.openConnections()).isPositive();
        assertThat(counters.peakInFlight()).isGreaterThanOrEqualTo(inFlightBefore + 1);

        pending.cancel();   // what the client's deadline does: reset the request, closing its connection
        await(() -> counters.inFlight() == inFlightBefore, "the abandoned request to be closed");
    }

    @Test
    void immediateAnswersAreReadWhenTheCallStartsOffTheEventLoop() {
        // Retries start on a worker thread after their backoff, like these calls from the test thread.
        // An answer that arrives in full before the client installed its handlers must still be read.
        faults.failWith("Throttling", 400, "role/upstream-lab");
        for (int i = 0; i < 300; i++) {
            long start = System.nanoTime();
            Throwable t = catchThrowable(() -> sts.assumeRole(request("off-loop")).await().atMost(Duration.ofSeconds(10)));
            assertThat(t).isInstanceOfSatisfying(StsException.class,
                    e -> assertThat(e.upstreamCode()).as("call %s", e.getMessage()).contains("Throttling"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void aSeededFailureRateFailsTheSameCallsEveryRun() {
        List<Boolean> first = new ArrayList<>();
        faults.failRate(0.3, "Throttling.User", 400, 42, "role/upstream-lab");
        for (int i = 0; i < 100; i++) {
            first.add(succeeds("rate-test"));
        }
        List<Boolean> second = new ArrayList<>();
        faults.failRate(0.3, "Throttling.User", 400, 42, "role/upstream-lab");
        for (int i = 0; i < 100; i++) {
            second.add(succeeds("rate-test"));
        }
        long failed = first.stream().filter(ok -> !ok).count();
        System.out.printf("[faults] failRate(0.3, seed 42): %d of 100 calls failed%n", failed);

        assertThat(second).isEqualTo(first);
        assertThat(failed).isBetween(20L, 40L);
    }

    @Test
    void arrivalsAreRecordedPerRoleWhileAControlIsSet() {
        faults.record();
        assertThat(succeeds("arrivals-1")).isTrue();
        assertThat(succeeds("arrivals-2")).isTrue();

        List<Long> at = faults.arrivals("role/upstream-lab");
        assertThat(at).hasSize(2);
        assertThat(at.get(1)).isGreaterThan(at.get(0));
        assertThat(faults.arrivals("role/some-other-role")).isEmpty();
        faults.clear();
        assertThat(faults.arrivals(null)).isEmpty();
    }
}
