package io.stsbroker.vending;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.stsbroker.error.BrokerException;
import io.stsbroker.error.ErrorCode;
import io.stsbroker.sts.AssumeRoleRequest;
import io.stsbroker.sts.StsClient;
import io.stsbroker.sts.StsCredentials;
import io.stsbroker.sts.StsException;
import io.stsbroker.sts.UpstreamErrors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The retry policy of {@link UpstreamFetcher} measured against a scripted STS: which failures are
 * retried, how many attempts, how far apart (exponential, jittered, capped), the overall deadline,
 * and that every attempt spends upstream budget.
 */
class UpstreamFetcherTest {

    private static final AssumeRoleRequest REQUEST = new AssumeRoleRequest("acs:ram::1234567890123456:role/r",
            "fetcher-test", Duration.ofHours(1), Optional.empty(), Optional.empty());
    private static final StsCredentials CREDS = new StsCredentials("STS.id", "secret", "token",
            Instant.parse("2030-01-01T00:00:00Z"), "req");

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    /** An STS whose n-th attempt (0-based) answers {@code script.apply(n)}; records when each attempt started. */
    static final class ScriptedSts implements StsClient {
        final List<Long> starts = new CopyOnWriteArrayList<>();
        private final IntFunction<Uni<StsCredentials>> script;

        ScriptedSts(IntFunction<Uni<StsCredentials>> script) {
            this.script = script;
        }

        @Override
        public Uni<StsCredentials> assumeRole(AssumeRoleRequest request) {
            return Uni.createFrom().deferred(() -> {
                int n = starts.size();
                starts.add(System.nanoTime());
                return script.apply(n);
            });
        }

        @Override
        public String providerName() {
            return "scripted";
        }

        @Override
        public boolean ready() {
            return true;
        }

        List<Long> gapsMillis() {
            List<Long> gaps = new ArrayList<>();
            for (int i = 1; i < starts.size(); i++) {
                gaps.add(TimeUnit.NANOSECONDS.toMillis(starts.get(i) - starts.get(i - 1)));
            }
            return gaps;
        }
    }

    static Uni<StsCredentials> failing(String code, int status) {
        return Uni.createFrom().failure(new StsException(code, status, "req", null));
    }

    private UpstreamFetcher fetcher(StsClient sts, int maxAttempts, Duration backoff, Duration deadline) {
        return fetcher(sts, new UpstreamBudget(10_000, Duration.ofSeconds(5), scheduler, new SimpleMeterRegistry()),
                maxAttempts, backoff, deadline);
    }

    private static UpstreamFetcher fetcher(StsClient sts, UpstreamBudget budget, int maxAttempts, Duration backoff,
                                           Duration deadline) {
        return new UpstreamFetcher(sts, budget, maxAttempts, backoff, deadline, new SimpleMeterRegistry());
    }

    private static Throwable failureOf(UpstreamFetcher f) {
        return catchThrowable(() -> f.fetch(REQUEST).await().atMost(Duration.ofSeconds(10)));
    }

    @ParameterizedTest(name = "{0} (HTTP {1}) is {2}: {3} attempt(s)")
    @CsvSource({
            "Throttling, 400, RETRYABLE, 3",
            "Throttling.User, 400, RETRYABLE, 3",
            "Throttling.Api, 400, RETRYABLE, 3",
            "ServiceUnavailable, 503, RETRYABLE, 3",
            "InternalError, 500, RETRYABLE, 3",
            "SomethingNew, 502, RETRYABLE, 3",
            "NoPermission, 403, REVOKED, 1",
            "EntityNotExist.Role, 404, REVOKED, 1",
            "InvalidAccessKeyId.NotFound, 404, PERMANENT, 1",
            "InvalidAccessKeyId.Inactive, 400, PERMANENT, 1",
            "InvalidParameter.RoleArn, 400, PERMANENT, 1",
            "SignatureDoesNotMatch, 400, PERMANENT, 1",
            "SomethingNew, 400, PERMANENT, 1",
    })
    void attemptsPerCodeClass(String code, int status, UpstreamErrors.Kind kind, int attempts) {
        ScriptedSts sts = new ScriptedSts(n -> failing(code, status));
        Throwable t = failureOf(fetcher(sts, 3, Duration.ofMillis(5), Duration.ofSeconds(5)));

        assertThat(t).isInstanceOfSatisfying(StsException.class, e -> {
            assertThat(e.kind()).isEqualTo(kind);
            assertThat(e.upstreamCode()).contains(code);
        });
        assertThat(sts.starts).hasSize(attempts);
    }

    @Test
    void networkFailuresAreRetriedUpToTheCap() {
        ScriptedSts sts = new ScriptedSts(n -> Uni.createFrom().failure(StsException.unreachable("reset", null)));
        failureOf(fetcher(sts, 5, Duration.ofMillis(2), Duration.ofSeconds(5)));
        assertThat(sts.starts).hasSize(5);
    }

    @Test
    void aTransientFailureFollowedBySuccessYieldsTheCredentials() {
        ScriptedSts sts = new ScriptedSts(n -> n == 0 ? failing("Throttling.User", 400) : Uni.createFrom().item(CREDS));
        StsCredentials got = fetcher(sts, 3, Duration.ofMillis(5), Duration.ofSeconds(5)).fetch(REQUEST)
                .await().atMost(Duration.ofSeconds(5));
        assertThat(got).isEqualTo(CREDS);
        assertThat(sts.starts).hasSize(2);
    }

    @Test
    void backoffDoublesWithJitterAndIsCappedAtSixteenTimesTheFirst() {
        long base = 10;
        int attempts = 8;
        // Mutiny's backoff: d = 10 ms x 2^k, capped at 160 ms (16 x 10), then jittered by +-50% of d
        // but kept within [10 ms, 160 ms]. So the 7 gaps fall in these ranges:
        long[] low = {10, 10, 20, 40, 80, 80, 80};
        long[] high = {15, 30, 60, 120, 160, 160, 160};
        int runs = 9;
        long[][] samples = new long[low.length][runs];
        // One unmeasured run first: class loading and the first timer thread would show up as delay.
        failureOf(fetcher(new ScriptedSts(n -> failing("Throttling", 400)), attempts, Duration.ofMillis(base),
                Duration.ofSeconds(30)));
        for (int run = 0; run < runs; run++) {
            ScriptedSts sts = new ScriptedSts(n -> failing("Throttling", 400));
            failureOf(fetcher(sts, attempts, Duration.ofMillis(base), Duration.ofSeconds(30)));
            List<Long> gaps = sts.gapsMillis();
            System.out.printf("[retry] run %d: gaps between attempts (ms) %s%n", run, gaps);
            assertThat(gaps).hasSize(low.length);
            for (int i = 0; i < low.length; i++) {
                // Never early; lateness is judged on medians, since a busy machine can delay any one timer.
                assertThat(gaps.get(i)).as("gap %d of run %d", i, run).isGreaterThanOrEqualTo(low[i] - 1);
                samples[i][run] = gaps.get(i);
            }
        }
        double[] median = new double[low.length];
        for (int i = 0; i < low.length; i++) {
            java.util.Arrays.sort(samples[i]);
            median[i] = samples[i][runs / 2];
            assertThat(median[i]).as("median gap %d", i).isLessThanOrEqualTo(high[i] + 30);
        }
        System.out.printf("[retry] median gaps (ms): %s%n", java.util.Arrays.toString(median));
        // Exponential: two retries later the wait is about 3 to 4 times longer (12.5 -> 40, 20 -> 80 ms on average).
        assertThat(median[2] / median[0]).isGreaterThan(2.0);
        assertThat(median[3] / median[1]).isGreaterThan(2.0);
        // Capped: past 16 x the first backoff the gaps stop growing.
        assertThat(median[6] / median[4]).isBetween(0.6, 1.6);
    }

    @Test
    void jitterSpreadsTheRetriesOfFetchesThatFailedTogether() {
        int n = 20;
        List<ScriptedSts> all = new ArrayList<>();
        List<CompletableFuture<StsCredentials>> running = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ScriptedSts sts = new ScriptedSts(k -> failing("Throttling", 400));
            all.add(sts);
            running.add(fetcher(sts, 2, Duration.ofMillis(100), Duration.ofSeconds(5)).fetch(REQUEST)
                    .subscribeAsCompletionStage());
        }
        running.forEach(f -> catchThrowable(f::join));
        List<Long> firstGaps = all.stream().map(s -> s.gapsMillis().get(0)).sorted().toList();
        System.out.printf("[retry] first backoff of %d simultaneous failures (ms): %s%n", n, firstGaps);
        assertThat(firstGaps).allSatisfy(g -> assertThat(g).isBetween(99L, 180L));
        // Without jitter all would be ~100 ms; uniform over [100, 150) they spread over tens of ms.
        assertThat(firstGaps.get(n - 1) - firstGaps.get(0)).isGreaterThanOrEqualTo(15);
        assertThat(firstGaps.stream().distinct().count()).isGreaterThan(5);
    }

    @Test
    void theWholeFetchGivesUpAtTheDeadlineEvenWithAttemptsLeft() {
        ScriptedSts sts = new ScriptedSts(n -> Uni.createFrom().nothing());
        UpstreamFetcher f = fetcher(sts, 3, Duration.ofMillis(5), Duration.ofMillis(300));
        long start = System.nanoTime();
        Throwable t = failureOf(f);
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(t).isInstanceOfSatisfying(StsException.class,
                e -> assertThat(e.kind()).isEqualTo(UpstreamErrors.Kind.RETRYABLE));
        // At the deadline, never before (timers do not fire early); the upper bound only separates
        // "gave up" from "waited for the attempt that never answers", generous for a loaded machine.
        assertThat(tookMillis).isBetween(290L, 10_000L);
        assertThat(sts.starts).hasSize(1);
        assertThat(f.inFlight()).as("the abandoned attempt is no longer counted").isZero();
    }

    @Test
    void everyAttemptSpendsBudgetAndASpentBudgetEndsTheFetchWithoutRetry() {
        // One call per second, no waiting: the first attempt takes the only token, its retry finds none.
        UpstreamBudget budget = new UpstreamBudget(1, Duration.ZERO, scheduler, new SimpleMeterRegistry());
        ScriptedSts sts = new ScriptedSts(n -> failing("Throttling", 400));
        Throwable t = failureOf(fetcher(sts, 3, Duration.ofMillis(5), Duration.ofSeconds(5), budget));

        assertThat(sts.starts).hasSize(1);
        assertThat(t).isInstanceOfSatisfying(BrokerException.class, e -> {
            assertThat(e).isNotInstanceOf(StsException.class);
            assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
            assertThat(e.retryAfter()).isPresent();
        });
    }

    @Test
    void inFlightCountsOnlyAttemptsAwaitingAnAnswer() {
        CompletableFuture<StsCredentials> answer = new CompletableFuture<>();
        AtomicInteger calls = new AtomicInteger();
        ScriptedSts sts = new ScriptedSts(n -> {
            calls.incrementAndGet();
            return Uni.createFrom().completionStage(answer);
        });
        UpstreamFetcher f = fetcher(sts, 1, Duration.ofMillis(5), Duration.ofSeconds(5));
        CompletableFuture<StsCredentials> a = f.fetch(REQUEST).subscribeAsCompletionStage();
        CompletableFuture<StsCredentials> b = f.fetch(REQUEST).subscribeAsCompletionStage();
        assertThat(f.inFlight()).isEqualTo(2);
        answer.complete(CREDS);
        assertThat(a.join()).isEqualTo(CREDS);
        assertThat(b.join()).isEqualTo(CREDS);
        assertThat(f.inFlight()).isZero();
    }

    private UpstreamFetcher fetcher(StsClient sts, int maxAttempts, Duration backoff, Duration deadline,
                                    UpstreamBudget budget) {
        return fetcher(sts, budget, maxAttempts, backoff, deadline);
    }
}
