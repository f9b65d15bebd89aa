package io.stsbroker.vending;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.stsbroker.error.BrokerException;
import io.stsbroker.error.ErrorCode;
import io.stsbroker.sts.AssumeRoleRequest;
import io.stsbroker.sts.StsAttempt;
import io.stsbroker.sts.StsClient;
import io.stsbroker.sts.StsCredentials;
import io.stsbroker.sts.StsException;
import io.stsbroker.sts.UpstreamErrors;
import io.stsbroker.testing.ManualScheduler;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The retry policy of {@link UpstreamFetcher} against a scripted STS: which failures are retried,
 * how many attempts, how far apart (exponential, jittered, capped), the overall deadline, and that
 * every attempt spends upstream budget. Backoffs, budget waits and the deadline all run on a
 * {@link ManualScheduler}, so the gaps between attempts are exactly what the policy chose.
 */
class UpstreamFetcherTest {

    private static final AssumeRoleRequest REQUEST = new AssumeRoleRequest("acs:ram::1234567890123456:role/r",
            "fetcher-test", Duration.ofHours(1), Optional.empty(), Optional.empty());
    private static final StsCredentials CREDS = new StsCredentials("STS.id", "secret", "token",
            Instant.parse("2030-01-01T00:00:00Z"), "req");
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final ManualScheduler time = new ManualScheduler();

    /** An STS whose n-th attempt (0-based) answers {@code script.apply(n)}; records when each attempt started. */
    static final class ScriptedSts implements StsClient {
        final List<Long> starts = new CopyOnWriteArrayList<>();
        private final IntFunction<Uni<StsCredentials>> script;
        private final java.util.function.LongSupplier clock;

        ScriptedSts(IntFunction<Uni<StsCredentials>> script) {
            this(script, System::nanoTime);
        }

        ScriptedSts(IntFunction<Uni<StsCredentials>> script, java.util.function.LongSupplier clock) {
            this.script = script;
            this.clock = clock;
        }

        @Override
        public Uni<StsCredentials> assumeRole(AssumeRoleRequest request) {
            return Uni.createFrom().deferred(() -> {
                int n = starts.size();
                starts.add(clock.getAsLong());
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

        /** Nanoseconds between consecutive attempts. */
        List<Long> gaps() {
            List<Long> gaps = new ArrayList<>();
            for (int i = 1; i < starts.size(); i++) {
                gaps.add(starts.get(i) - starts.get(i - 1));
            }
            return gaps;
        }
    }

    static Uni<StsCredentials> failing(String code, int status) {
        return Uni.createFrom().failure(new StsException(code, status, "req", null));
    }

    private ScriptedSts sts(IntFunction<Uni<StsCredentials>> script) {
        return new ScriptedSts(script, time::nanoTime);
    }

    private UpstreamFetcher fetcher(StsClient sts, int maxAttempts, Duration backoff, Duration deadline) {
        return fetcher(sts, new UpstreamBudget(10_000, Duration.ofSeconds(5), time, time, new SimpleMeterRegistry()),
                maxAttempts, backoff, deadline);
    }

    private UpstreamFetcher fetcher(StsClient sts, UpstreamBudget budget, int maxAttempts, Duration backoff,
                                    Duration deadline) {
        return new UpstreamFetcher(sts, budget, maxAttempts, backoff, deadline, time, time, new SimpleMeterRegistry());
    }

    /** Runs a fetch to its end (time moved past any deadline used here) and returns its failure. */
    private Throwable failureOf(UpstreamFetcher f) {
        CompletableFuture<StsCredentials> result = f.fetch(REQUEST).subscribeAsCompletionStage();
        time.advance(Duration.ofMinutes(1));
        assertThat(result).as("the fetch ended").isDone();
        Throwable t = catchThrowable(result::join);
        return t == null ? null : t.getCause();
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
        ScriptedSts sts = sts(n -> failing(code, status));
        Throwable t = failureOf(fetcher(sts, 3, Duration.ofMillis(5), Duration.ofSeconds(5)));

        assertThat(t).isInstanceOfSatisfying(StsException.class, e -> {
            assertThat(e.kind()).isEqualTo(kind);
            assertThat(e.upstreamCode()).contains(code);
        });
        assertThat(sts.starts).hasSize(attempts);
    }

    @Test
    void networkFailuresAreRetriedUpToTheCap() {
        ScriptedSts sts = sts(n -> Uni.createFrom().failure(StsException.unreachable("reset", null)));
        failureOf(fetcher(sts, 5, Duration.ofMillis(2), Duration.ofSeconds(5)));
        assertThat(sts.starts).hasSize(5);
    }

    @Test
    void oneAttemptMeansNoRetry() {
        ScriptedSts sts = sts(n -> failing("Throttling", 400));
        assertThat(failureOf(fetcher(sts, 1, Duration.ofMillis(2), Duration.ofSeconds(5)))).isInstanceOf(StsException.class);
        assertThat(sts.starts).hasSize(1);
    }

    @Test
    void aTransientFailureFollowedBySuccessYieldsTheCredentials() {
        ScriptedSts sts = sts(n -> n == 0 ? failing("Throttling.User", 400) : Uni.createFrom().item(CREDS));
        CompletableFuture<StsCredentials> got = fetcher(sts, 3, Duration.ofMillis(5), Duration.ofSeconds(5)).fetch(REQUEST)
                .subscribeAsCompletionStage();
        time.advance(Duration.ofMillis(4));
        assertThat(got).as("the first backoff is at least 5 ms").isNotDone();
        time.advance(Duration.ofSeconds(1));
        assertThat(got.join()).isEqualTo(CREDS);
        assertThat(sts.starts).hasSize(2);
    }

    @Test
    void backoffDoublesWithJitterAndIsCappedAtSixteenTimesTheFirst() {
        int attempts = 8;
        // Mutiny's backoff: d = 10 ms x 2^k, capped at 160 ms (16 x 10), then jittered by +-50% of d
        // but kept within [10 ms, 160 ms]. So the 7 gaps fall in these ranges (the budget, 10 000/s,
        // always has a token by then, so it adds nothing):
        long[] low = {10, 10, 20, 40, 80, 80, 80};
        long[] high = {15, 30, 60, 120, 160, 160, 160};
        int runs = 200;
        double[] mean = new double[low.length];
        for (int run = 0; run < runs; run++) {
            ScriptedSts sts = sts(n -> failing("Throttling", 400));
            failureOf(fetcher(sts, attempts, Duration.ofMillis(10), Duration.ofSeconds(30)));
            List<Long> gaps = sts.gaps();
            assertThat(gaps).hasSize(low.length);
            for (int i = 0; i < low.length; i++) {
                assertThat(gaps.get(i)).as("gap %d of run %d", i, run).isBetween(low[i] * MS, high[i] * MS);
                mean[i] += gaps.get(i) / (double) MS / runs;
            }
        }
        System.out.printf("[retry] mean gaps over %d runs (ms): %s%n", runs, java.util.Arrays.toString(mean));
        // Exponential: two retries later the wait is about 3 to 4 times longer (12.5 -> 40, 20 -> 80 ms
        // on average). 200 runs put each mean within a few per cent of its expectation.
        assertThat(mean[2] / mean[0]).isGreaterThan(2.5);
        assertThat(mean[3] / mean[1]).isGreaterThan(3.0);
        // Capped: past 16 x the first backoff the gaps stop growing.
        assertThat(mean[6] / mean[4]).isBetween(0.9, 1.1);
        // Jittered: the gaps use their whole range, not one value.
        assertThat(mean[3]).isBetween(70.0, 90.0);
    }

    @Test
    void jitterSpreadsTheRetriesOfFetchesThatFailedTogether() {
        int n = 20;
        List<ScriptedSts> all = new ArrayList<>();
        List<CompletableFuture<StsCredentials>> running = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ScriptedSts sts = sts(k -> failing("Throttling", 400));
            all.add(sts);
            running.add(fetcher(sts, 2, Duration.ofMillis(100), Duration.ofSeconds(5)).fetch(REQUEST)
                    .subscribeAsCompletionStage());
        }
        time.advance(Duration.ofSeconds(1));
        assertThat(running).allSatisfy(f -> assertThat(f).isCompletedExceptionally());
        List<Long> firstGaps = all.stream().map(s -> s.gaps().get(0) / MS).sorted().toList();
        System.out.printf("[retry] first backoff of %d simultaneous failures (ms): %s%n", n, firstGaps);
        // 100 ms plus up to 50% jitter (each fetcher's own budget has a token at once).
        assertThat(firstGaps).allSatisfy(g -> assertThat(g).isBetween(100L, 150L));
        // Without jitter all would be 100 ms; uniform over [100, 150] they spread over tens of ms.
        assertThat(firstGaps.get(n - 1) - firstGaps.get(0)).isGreaterThanOrEqualTo(15);
        assertThat(firstGaps.stream().distinct().count()).isGreaterThan(5);
    }

    @Test
    void theWholeFetchGivesUpAtTheDeadlineEvenWithAttemptsLeft() {
        ScriptedSts sts = sts(n -> Uni.createFrom().nothing());
        UpstreamFetcher f = fetcher(sts, 3, Duration.ofMillis(5), Duration.ofMillis(300));
        CompletableFuture<StsCredentials> result = f.fetch(REQUEST).subscribeAsCompletionStage();
        time.advance(Duration.ofMillis(299));
        assertThat(result).isNotDone();
        assertThat(f.inFlight()).isEqualTo(1);
        time.advance(Duration.ofMillis(1));
        assertThat(result).isCompletedExceptionally();
        assertThat(catchThrowable(result::join).getCause()).isInstanceOfSatisfying(StsException.class,
                e -> assertThat(e.kind()).isEqualTo(UpstreamErrors.Kind.RETRYABLE));
        assertThat(sts.starts).hasSize(1);
        assertThat(f.inFlight()).as("the abandoned attempt is no longer counted").isZero();
    }

    @Test
    void retriesStopAtTheDeadline() {
        // Fails at once every time, with backoffs of [10, 15), [10, 30), [20, 60), [40, 120) ms: the
        // attempts that fit before the deadline of 100 ms are 3 to 5, and none starts after it.
        ScriptedSts sts = sts(n -> failing("Throttling", 400));
        UpstreamFetcher f = fetcher(sts, 100, Duration.ofMillis(10), Duration.ofMillis(100));
        assertThat(failureOf(f)).isInstanceOf(StsException.class);
        assertThat(sts.starts).allSatisfy(at -> assertThat(at).isLessThan(100 * MS));
        assertThat(sts.starts.size()).isBetween(3, 5);
    }

    @Test
    void everyAttemptSpendsBudgetAndASpentBudgetEndsTheFetchWithoutRetry() {
        // One call per second, no waiting: the first attempt takes the only token, its retry finds none.
        UpstreamBudget budget = new UpstreamBudget(1, Duration.ZERO, time, time, new SimpleMeterRegistry());
        ScriptedSts sts = sts(n -> failing("Throttling", 400));
        Throwable t = failureOf(fetcher(sts, budget, 3, Duration.ofMillis(5), Duration.ofSeconds(5)));

        assertThat(sts.starts).hasSize(1);
        assertThat(t).isInstanceOfSatisfying(BrokerException.class, e -> {
            assertThat(e).isNotInstanceOf(StsException.class);
            assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
            assertThat(e.retryAfter()).isPresent();
        });
    }

    @Test
    void aRetryWaitsForTheBudgetWithinTheFetchDeadline() {
        // 10 calls/s: the retry 5 ms after the first attempt waits about 100 ms for its token.
        UpstreamBudget budget = new UpstreamBudget(10, Duration.ofSeconds(1), time, time, new SimpleMeterRegistry());
        ScriptedSts sts = sts(n -> n == 0 ? failing("Throttling", 400) : Uni.createFrom().item(CREDS));
        CompletableFuture<StsCredentials> got = fetcher(sts, budget, 2, Duration.ofMillis(5), Duration.ofSeconds(5))
                .fetch(REQUEST).subscribeAsCompletionStage();
        time.advance(Duration.ofSeconds(1));
        assertThat(got.join()).isEqualTo(CREDS);
        assertThat(sts.gaps().get(0)).isGreaterThanOrEqualTo(100 * MS);
    }

    @Test
    void inFlightCountsOnlyAttemptsAwaitingAnAnswer() {
        CompletableFuture<StsCredentials> answer = new CompletableFuture<>();
        AtomicInteger calls = new AtomicInteger();
        ScriptedSts sts = sts(n -> {
            calls.incrementAndGet();
            return Uni.createFrom().completionStage(answer);
        });
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        UpstreamFetcher f = new UpstreamFetcher(sts, new UpstreamBudget(10_000, Duration.ofSeconds(5), time, time,
                meters), 1, Duration.ofMillis(5), Duration.ofSeconds(5), time, time, meters);
        CompletableFuture<StsCredentials> a = f.fetch(REQUEST).subscribeAsCompletionStage();
        CompletableFuture<StsCredentials> b = f.fetch(REQUEST).subscribeAsCompletionStage();
        time.advance(Duration.ofMillis(5));   // the second waits a token's time (0.1 ms, at least 1 ms)
        assertThat(f.inFlight()).isEqualTo(2);
        assertThat(meters.get("broker.upstream.in.flight").gauge().value()).isEqualTo(2);
        assertThat(meters.get("broker.upstream.fetches").gauge().value()).isEqualTo(2);
        answer.complete(CREDS);
        assertThat(a.join()).isEqualTo(CREDS);
        assertThat(b.join()).isEqualTo(CREDS);
        assertThat(f.inFlight()).isZero();
        assertThat(meters.get("broker.upstream.fetches").gauge().value()).isZero();
        assertThat(calls).hasValue(2);
    }

    @Test
    void everyAttemptTellsTheStsClientItsNumberAndWhetherItMayWaitBehindFirstCredentials() {
        List<StsAttempt> attempts = new CopyOnWriteArrayList<>();
        ScriptedSts scripted = sts(n -> n == 0 ? failing("Throttling", 400) : Uni.createFrom().item(CREDS));
        StsClient sts = new StsClient() {
            @Override
            public Uni<StsCredentials> assumeRole(AssumeRoleRequest request) {
                return assumeRole(request, StsAttempt.FIRST);
            }

            @Override
            public Uni<StsCredentials> assumeRole(AssumeRoleRequest request, StsAttempt attempt) {
                attempts.add(attempt);
                return scripted.assumeRole(request);
            }

            @Override
            public String providerName() {
                return scripted.providerName();
            }

            @Override
            public boolean ready() {
                return true;
            }
        };
        UpstreamFetcher f = fetcher(sts, 3, Duration.ofMillis(10), Duration.ofSeconds(5));
        CompletableFuture<StsCredentials> extra = f.fetch(REQUEST, FetchPriority.DEFERRABLE).subscribeAsCompletionStage();
        time.advance(Duration.ofSeconds(1));
        assertThat(extra).isCompletedWithValue(CREDS);
        CompletableFuture<StsCredentials> first = f.fetch(REQUEST, FetchPriority.COLD).subscribeAsCompletionStage();
        time.advance(Duration.ofSeconds(1));
        assertThat(first).isCompletedWithValue(CREDS);
        // The deferrable fetch's retry is deferrable too, and numbered 2; the next fetch counts from 1.
        assertThat(attempts).containsExactly(new StsAttempt(1, true), new StsAttempt(2, true), new StsAttempt(1, false));
    }
}
