package io.stsbroker.client;

import io.stsbroker.testsupport.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Cache behaviour with a hand-moved clock and a scripted fetcher (an interface stub, not a broker):
 * each fetch hands out credentials #n expiring 60 minutes after the moment it is made.
 */
class BrokerCredentialsTest {
    private static final Instant START = Instant.parse("2026-11-27T12:00:00Z");
    private static final Duration LIFETIME = Duration.ofMinutes(60);

    private final MutableClock clock = new MutableClock(START);
    private final AtomicInteger fetches = new AtomicInteger();
    private volatile Supplier<TemporaryCredentials> next = this::issue;

    private TemporaryCredentials issue() {
        int n = fetches.get();
        return new TemporaryCredentials("STS.id" + n, "secret" + n, "token" + n, clock.instant().plus(LIFETIME));
    }

    private final CredentialsFetcher fetcher = role -> {
        fetches.incrementAndGet();
        return next.get();
    };

    /** Background refreshes run inline, so every test is deterministic. */
    private BrokerCredentials credentials() {
        return BrokerCredentials.builder(fetcher, "search-reader").clock(clock).executor(Runnable::run).random(() -> 0.0).build();
    }

    private void leaveRemaining(TemporaryCredentials credentials, Duration left) {
        clock.set(credentials.expiration().minus(left));
    }

    private static BrokerUnavailableException brokerDown() {
        return new BrokerUnavailableException("Cannot reach the broker", BrokerError.client(BrokerError.CLIENT_NETWORK,
                "ConnectException"), null, null);
    }

    @Test
    void firstCall_fetchesAndLaterCallsAreServedFromCache() {
        try (BrokerCredentials credentials = credentials()) {
            TemporaryCredentials first = credentials.credentials();
            clock.advance(Duration.ofMinutes(30));

            assertThat(credentials.credentials()).isSameAs(first);
            assertThat(fetches).hasValue(1);
        }
    }

    @Test
    void backgroundRefresh_startsOnlyOnceLessThan18MinutesAreLeft() {
        try (BrokerCredentials credentials = credentials()) {
            TemporaryCredentials first = credentials.credentials();

            leaveRemaining(first, Duration.ofMinutes(18).plusSeconds(1));
            assertThat(credentials.credentials()).isSameAs(first);
            assertThat(fetches).hasValue(1);

            leaveRemaining(first, Duration.ofMinutes(18));
            assertThat(credentials.credentials()).as("served while the refresh runs").isSameAs(first);
            assertThat(fetches).hasValue(2);
            assertThat(credentials.credentials().accessKeyId()).isEqualTo("STS.id2");
        }
    }

    @Test
    void jitter_movesEachRefreshPointLaterWithinTheJitterWindow() {
        try (BrokerCredentials credentials = BrokerCredentials.builder(fetcher, "r").clock(clock)
                .executor(Runnable::run).random(() -> 0.5).build()) {
            TemporaryCredentials first = credentials.credentials();

            leaveRemaining(first, Duration.ofMinutes(17).plusSeconds(31));
            credentials.credentials();
            assertThat(fetches).hasValue(1);

            leaveRemaining(first, Duration.ofMinutes(17).plusSeconds(30));
            credentials.credentials();
            assertThat(fetches).hasValue(2);
        }
    }

    @Test
    void credentialWith16MinutesOrLessLeft_isNeverHandedOut() {
        try (BrokerCredentials credentials = credentials()) {
            TemporaryCredentials first = credentials.credentials();
            next = () -> {
                throw brokerDown();
            };
            leaveRemaining(first, Duration.ofMinutes(17));
            credentials.credentials(); // background refresh fails; cached one still served
            next = this::issue;

            leaveRemaining(first, Duration.ofMinutes(16));
            TemporaryCredentials handedOut = credentials.credentials();

            assertThat(handedOut).isNotSameAs(first);
            assertThat(handedOut.remaining(clock.instant())).isGreaterThan(Duration.ofMinutes(16));
        }
    }

    @Test
    void brokerDown_cachedCredentialIsServedUntilTheFloorThenTheFailureSurfaces() {
        try (BrokerCredentials credentials = credentials()) {
            TemporaryCredentials first = credentials.credentials();
            next = () -> {
                throw brokerDown();
            };

            leaveRemaining(first, Duration.ofMinutes(17));
            assertThat(credentials.credentials()).isSameAs(first);
            leaveRemaining(first, Duration.ofMinutes(16).plusSeconds(1));
            assertThat(credentials.credentials()).isSameAs(first);

            leaveRemaining(first, Duration.ofMinutes(16));
            assertThatThrownBy(credentials::credentials)
                    .isInstanceOf(BrokerUnavailableException.class)
                    .hasMessageContaining("Cannot reach the broker");
        }
    }

    @Test
    void failedBackgroundRefresh_isRetriedOnlyAfterTheRetryInterval() {
        try (BrokerCredentials credentials = credentials()) {
            TemporaryCredentials first = credentials.credentials();
            next = () -> {
                throw brokerDown();
            };
            leaveRemaining(first, Duration.ofMinutes(18));
            credentials.credentials();
            assertThat(fetches).hasValue(2);

            clock.advance(Duration.ofSeconds(14));
            credentials.credentials();
            credentials.credentials();
            assertThat(fetches).as("no new attempt within 15 s").hasValue(2);

            clock.advance(Duration.ofSeconds(1));
            credentials.credentials();
            assertThat(fetches).hasValue(3);
        }
    }

    @Test
    void freshCredentialWithTooLittleLeft_isRefusedNamingClockSkew() {
        next = () -> new TemporaryCredentials("STS.short", "s", "t", clock.instant().plus(Duration.ofMinutes(15)));
        try (BrokerCredentials credentials = credentials()) {
            assertThatThrownBy(credentials::credentials)
                    .isInstanceOf(BrokerException.class)
                    .hasMessageContaining("clock")
                    .satisfies(e -> assertThat(((BrokerException) e).code()).isEqualTo(BrokerError.CLIENT_CREDENTIALS_TOO_SHORT));
        }
    }

    @Test
    void concurrentCallersOnAnEmptyCache_shareOneFetch() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        next = () -> {
            await(release);
            return issue();
        };
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try (BrokerCredentials credentials = credentials()) {
            List<Future<TemporaryCredentials>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(callers.submit(credentials::credentials));
            }
            release.countDown();
            for (Future<TemporaryCredentials> result : results) {
                assertThat(result.get(10, TimeUnit.SECONDS).accessKeyId()).isEqualTo("STS.id1");
            }
            assertThat(fetches).hasValue(1);
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void callerPastTheFloor_joinsTheBackgroundRefreshAlreadyRunning() throws Exception {
        List<Runnable> queued = new ArrayList<>();
        try (BrokerCredentials credentials = BrokerCredentials.builder(fetcher, "r").clock(clock)
                .executor(queued::add).random(() -> 0.0).build()) {
            TemporaryCredentials first = credentials.credentials();
            leaveRemaining(first, Duration.ofMinutes(17));
            credentials.credentials(); // queues a background refresh
            leaveRemaining(first, Duration.ofMinutes(16));

            CompletableFuture<TemporaryCredentials> waiting = CompletableFuture.supplyAsync(credentials::credentials);
            queued.get(0).run();

            assertThat(waiting.get(10, TimeUnit.SECONDS).accessKeyId()).isEqualTo("STS.id2");
            assertThat(fetches).hasValue(2);
        }
    }

    @Test
    void backgroundRefresh_runsOnTheOwnDaemonThreadAndCloseEndsIt() throws Exception {
        List<Thread> fetchThreads = new ArrayList<>();
        CountDownLatch refreshed = new CountDownLatch(2);
        next = () -> {
            synchronized (fetchThreads) {
                fetchThreads.add(Thread.currentThread());
            }
            refreshed.countDown();
            return issue();
        };
        BrokerCredentials credentials = BrokerCredentials.builder(fetcher, "bg").clock(clock).build();
        TemporaryCredentials first = credentials.credentials();
        leaveRemaining(first, Duration.ofMinutes(17));
        credentials.credentials();
        assertThat(refreshed.await(10, TimeUnit.SECONDS)).isTrue();

        Thread background = fetchThreads.get(1);
        assertThat(background.getName()).startsWith("sts-broker-refresh-bg-");
        assertThat(background.isDaemon()).isTrue();

        credentials.close();
        background.join(5_000);
        assertThat(background.isAlive()).isFalse();
        assertThatThrownBy(credentials::credentials).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void close_releasesACallerWaitingOnARefreshThatWillNeverRun() throws Exception {
        List<Runnable> dropped = new ArrayList<>();
        BrokerCredentials credentials = BrokerCredentials.builder(fetcher, "r").clock(clock)
                .executor(dropped::add).random(() -> 0.0).build();
        TemporaryCredentials first = credentials.credentials();
        leaveRemaining(first, Duration.ofMinutes(17));
        credentials.credentials();
        leaveRemaining(first, Duration.ofMinutes(10));
        CompletableFuture<TemporaryCredentials> waiting = CompletableFuture.supplyAsync(credentials::credentials);

        credentials.close();

        assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
