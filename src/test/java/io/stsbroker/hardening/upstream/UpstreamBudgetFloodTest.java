package io.stsbroker.hardening.upstream;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.stsbroker.sts.embedded.EmbeddedStsFaults;
import io.stsbroker.sts.embedded.StsCounters;
import io.stsbroker.testing.MutableClock;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.stsbroker.hardening.upstream.Lab.caller;
import static io.stsbroker.hardening.upstream.Lab.keyId;
import static io.stsbroker.hardening.upstream.Lab.vend;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The upstream call budget under a flood of distinct cold keys and under a wave of background
 * refreshes, with a budget of 10 calls/s so the pacing is easy to see: STS calls are
 * counted by {@link StsCounters#callCount()} sampled every 50 ms, and no one-second window may
 * hold more than the budget allows. Runs its own application (a test profile), about 3 s extra.
 */
@QuarkusTest
@TestProfile(UpstreamBudgetFloodTest.SmallBudget.class)
class UpstreamBudgetFloodTest {

    static final int BUDGET = 10;

    public static class SmallBudget implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("broker.sts.max-calls-per-second", Integer.toString(BUDGET),
                    "broker.sts.budget-wait", "2s");
        }
    }

    @Inject
    StsCounters sts;
    @Inject
    EmbeddedStsFaults faults;
    @Inject
    MutableClock clock;
    @Inject
    io.micrometer.core.instrument.MeterRegistry meters;

    /** Tokens the budget has handed out so far (at once or after a wait). */
    private long grants() {
        return (long) (meters.counter("broker.upstream.budget", "result", "immediate").count()
                + meters.counter("broker.upstream.budget", "result", "delayed").count());
    }

    @AfterEach
    void clear() {
        faults.clear();
    }

    /** Samples a count every 50 ms while running. */
    private static final class CallSampler implements AutoCloseable {
        final List<long[]> samples = java.util.Collections.synchronizedList(new ArrayList<>());
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        CallSampler(java.util.function.LongSupplier count) {
            long start = System.nanoTime();
            long base = count.getAsLong();
            thread = new Thread(() -> {
                while (running.get()) {
                    samples.add(new long[] {TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), count.getAsLong() - base});
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "call-sampler");
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join();
        }

        /** The most calls counted within any one second (between two samples 1 s apart or less). */
        long maxPerSecond() {
            long max = 0;
            synchronized (samples) {
                for (int i = 0; i < samples.size(); i++) {
                    for (int j = i; j < samples.size() && samples.get(j)[0] - samples.get(i)[0] <= 1_000; j++) {
                        max = Math.max(max, samples.get(j)[1] - samples.get(i)[1]);
                    }
                }
            }
            return max;
        }

        /** Calls in each whole second since the start. */
        List<Long> perSecond() {
            List<Long> out = new ArrayList<>();
            long prev = 0;
            synchronized (samples) {
                for (long[] s : samples) {
                    int second = (int) (s[0] / 1000);
                    while (out.size() <= second) {
                        out.add(0L);
                    }
                    out.set(second, out.get(second) + s[1] - prev);
                    prev = s[1];
                }
            }
            return out;
        }
    }

    @Test
    void aFloodOfColdKeysIsPacedAtTheBudgetAndTheOverflowGets503WithRetryAfter() throws Exception {
        int callers = 60;
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            tokens.add(caller("budget-flood-" + i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        List<Response> responses = new ArrayList<>();
        faults.record();
        CallSampler sampler = new CallSampler(sts::callCount);
        CallSampler granted = new CallSampler(this::grants);
        long floodStart = System.nanoTime();
        try (sampler; granted) {
            List<Future<Response>> all = new ArrayList<>();
            for (String token : tokens) {
                all.add(pool.submit(() -> vend(token)));
            }
            for (Future<Response> f : all) {
                responses.add(f.get(30, TimeUnit.SECONDS));
            }
            Thread.sleep(300);
        } finally {
            pool.shutdownNow();
        }
        long ok = responses.stream().filter(r -> r.statusCode() == 200).count();
        List<Response> refused = responses.stream().filter(r -> r.statusCode() != 200).toList();
        List<Long> at = faults.arrivals(Lab.ARN_PART);
        double sinceFloodStart = (at.get(at.size() - 1) - floodStart) / 1e9;
        System.out.printf("[budget] %d/s, %d cold callers at once: %d x 200, %d x 503; tokens granted per second %s"
                        + " (most in any 1 s window %d); calls reaching STS per second %s (most in any 1 s window %d);"
                        + " %d calls within %.2f s of the flood's start%n", BUDGET, callers, ok, refused.size(),
                granted.perSecond(), granted.maxPerSecond(), sampler.perSecond(), sampler.maxPerSecond(), at.size(),
                sinceFloodStart);

        // The budget holds one token and adds 10 a second: never more than 11 in any one second.
        assertThat(granted.maxPerSecond()).isLessThanOrEqualTo(BUDGET + 1);
        // At STS: never more calls than tokens since the flood began. (A busy event loop can delay a few
        // sends and bunch them, so the one-second windows seen by STS get some slack; without a budget
        // all 60 calls would land within the same few hundred milliseconds.)
        assertThat((double) at.size()).isLessThanOrEqualTo(1 + BUDGET * sinceFloodStart);
        assertThat(sampler.maxPerSecond()).isLessThanOrEqualTo(2L * BUDGET);
        assertThat((long) at.size()).isEqualTo(ok);
        // One at once plus 2 s of waiting at 10/s, give or take how the arrivals spread; fewer when
        // the machine is so busy that waiters wake late for their tokens.
        assertThat(ok).isBetween(5L, 45L);
        assertThat(refused).isNotEmpty().allSatisfy(r -> {
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.<String>path("code")).isEqualTo("UpstreamUnavailable");
            assertThat(Integer.parseInt(r.header("Retry-After"))).isBetween(1, 5);
        });
    }

    @Test
    void backgroundRefreshesSpendTheSameBudget() throws Exception {
        int callers = 15;
        List<String> tokens = new ArrayList<>();
        List<String> first = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            tokens.add(caller("budget-refresh-" + i));
            first.add(keyId(vend(tokens.get(i))));   // sequential: paced, never refused
        }
        Thread.sleep(1_100);   // let the bucket fill again
        faults.record();
        // 60-minute credentials, refresh-ahead 30 min plus up to 2.5 min of jitter: all due at 33 min.
        clock.advance(Duration.ofMinutes(33));
        try (CallSampler sampler = new CallSampler(sts::callCount); CallSampler granted = new CallSampler(this::grants)) {
            for (int i = 0; i < callers; i++) {
                assertThat(keyId(vend(tokens.get(i)))).isEqualTo(first.get(i));   // served, refresh started
            }
            for (int i = 0; i < callers; i++) {
                int k = i;
                // A refresh refused by the budget is tried again 5 s (clock time) later: nudge the clock.
                Lab.await(() -> {
                    boolean done = !keyId(vend(tokens.get(k))).equals(first.get(k));
                    if (!done) {
                        clock.advance(Duration.ofMillis(100));
                    }
                    return done;
                }, "refresh of caller " + k);
            }
            List<Long> at = faults.arrivals(Lab.ARN_PART);
            long spreadMillis = TimeUnit.NANOSECONDS.toMillis(at.get(at.size() - 1) - at.get(0));
            sampler.close();
            granted.close();
            System.out.printf("[budget] %d background refreshes due at once: %d upstream calls spread over %d ms;"
                    + " tokens per second %s (most in any 1 s window %d); calls at STS per second %s (most in any"
                    + " 1 s window %d)%n", callers, at.size(), spreadMillis, granted.perSecond(), granted.maxPerSecond(),
                    sampler.perSecond(), sampler.maxPerSecond());
            assertThat(granted.maxPerSecond()).isLessThanOrEqualTo(BUDGET + 1);
            assertThat(at).hasSize(callers);
            // 1 at once, then one every 100 ms: 15 refreshes take about 1.4 s, not an instant.
            assertThat(spreadMillis).isGreaterThanOrEqualTo(1_200);
            assertThat(sampler.maxPerSecond()).isLessThanOrEqualTo(2L * BUDGET);
        }
    }
}
