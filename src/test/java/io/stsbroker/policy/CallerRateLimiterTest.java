package io.stsbroker.policy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stsbroker.config.BrokerConfig;
import io.stsbroker.error.BrokerException;
import io.stsbroker.error.ErrorCode;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * {@link CallerRateLimiter} without the HTTP stack: limits, per-identity overrides, start-up
 * validation, the memory bound, and what one admitted request costs. The buckets run on a
 * controlled time source ({@link #now}), so counts are exact: nothing refills unless a test moves it.
 */
class CallerRateLimiterTest {

    /** The buckets' time, in nanoseconds; only tests move it. */
    private static final java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
    private static final io.github.bucket4j.TimeMeter TIME = new io.github.bucket4j.TimeMeter() {
        @Override
        public long currentTimeNanos() {
            return now.get();
        }

        @Override
        public boolean isWallClockBased() {
            return false;
        }
    };

    /** The {@code broker.*} settings the limiter reads, built as start-up builds them. */
    static BrokerConfig config(int perCaller, Map<String, Integer> callers, long maxCallers,
                               Map<String, Integer> roleLimits) {
        java.util.List<String> p = new java.util.ArrayList<>(java.util.List.of(
                "broker.rate-limit.per-caller", Integer.toString(perCaller),
                "broker.rate-limit.max-callers", Long.toString(maxCallers)));
        callers.forEach((identity, limit) -> p.addAll(java.util.List.of(
                "broker.rate-limit.callers.\"" + identity + "\"", Integer.toString(limit))));
        roleLimits.forEach((name, limit) -> p.addAll(java.util.List.of(
                "broker.roles." + name + ".arn", "acs:ram::1:role/" + name,
                "broker.roles." + name + ".rate-limit", Integer.toString(limit))));
        return io.stsbroker.testing.TestConfigs.broker(p.toArray(String[]::new));
    }

    private static CallerRateLimiter limiter(int perCaller, Map<String, Integer> callers, long maxCallers) {
        return new CallerRateLimiter(config(perCaller, callers, maxCallers, Map.of("limited", 2)), new SimpleMeterRegistry(), TIME);
    }

    private static int admitted(CallerRateLimiter l, String identity, int tries) {
        int ok = 0;
        for (int i = 0; i < tries; i++) {
            if (catchThrowable(() -> l.admit(identity)) == null) {
                ok++;
            }
        }
        return ok;
    }

    @Test
    void aBurstBeyondTheLimitIsRefusedWithThrottlingAndRetryAfterOneSecond() {
        CallerRateLimiter l = limiter(100, Map.of(), 1000);
        int ok = 0;
        Throwable t = null;
        while (t == null && ok < 1000) {
            t = catchThrowable(() -> l.admit("apikey:burst"));
            ok += t == null ? 1 : 0;
        }
        // Exactly the burst of 100: time does not move.
        assertThat(ok).isEqualTo(100);
        assertThat(t).isInstanceOfSatisfying(BrokerException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.THROTTLING);
            assertThat(e.code().status()).isEqualTo(429);
            assertThat(e.retryAfter()).contains(Duration.ofSeconds(1));
        });
        // Other callers are untouched.
        assertThat(admitted(l, "apikey:other", 10)).isEqualTo(10);
    }

    @Test
    void anIdentityWithItsOwnLimitGetsIt() {
        CallerRateLimiter l = limiter(100, Map.of("system:serviceaccount:batch:loader", 5), 1000);
        assertThat(l.limitFor("system:serviceaccount:batch:loader")).isEqualTo(5);
        assertThat(admitted(l, "system:serviceaccount:batch:loader", 20)).isEqualTo(5);
        // One second later the bucket is full again: 5 more, and no more.
        now.addAndGet(java.util.concurrent.TimeUnit.SECONDS.toNanos(1));
        assertThat(admitted(l, "system:serviceaccount:batch:loader", 20)).isEqualTo(5);
        // A fifth of a second refills one.
        now.addAndGet(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(200));
        assertThat(admitted(l, "system:serviceaccount:batch:loader", 20)).isEqualTo(1);
    }

    @Test
    void aRoleLimitCountsPerCallerAndRoleOnly() {
        CallerRateLimiter l = limiter(100, Map.of(), 1000);
        int ok = 0;
        for (int i = 0; i < 10; i++) {
            if (catchThrowable(() -> l.admit("apikey:a", "limited")) == null) {
                ok++;
            }
        }
        assertThat(ok).isEqualTo(2);
        l.admit("apikey:b", "limited");
        l.admit("apikey:a", "unlimited-role");
    }

    @Test
    void anIdleBucketIsDroppedAfterFiveSecondsAndComesBackFull() {
        CallerRateLimiter l = limiter(3, Map.of(), 1000);
        assertThat(admitted(l, "apikey:idle", 10)).isEqualTo(3);
        assertThat(l.trackedCallers()).isEqualTo(1);
        now.addAndGet(CallerRateLimiter.IDLE_EXPIRY.toNanos() - 1);
        assertThat(l.trackedCallers()).as("idle just under five seconds: still held").isEqualTo(1);
        now.addAndGet(1);
        assertThat(l.trackedCallers()).isZero();
        // Dropping it lost nothing: it had refilled long before, and a new one starts full.
        assertThat(admitted(l, "apikey:idle", 10)).isEqualTo(3);
    }

    @Test
    void aRoleBucketRefillsWithTimeLikeTheCallerOne() {
        CallerRateLimiter l = limiter(100, Map.of(), 1000);
        assertThat(admittedFor(l, "apikey:r", "limited", 10)).isEqualTo(2);
        now.addAndGet(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(499));
        assertThat(admittedFor(l, "apikey:r", "limited", 10)).isZero();
        now.addAndGet(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(1));
        assertThat(admittedFor(l, "apikey:r", "limited", 10)).isEqualTo(1);
    }

    private static int admittedFor(CallerRateLimiter l, String identity, String role, int tries) {
        int ok = 0;
        for (int i = 0; i < tries; i++) {
            if (catchThrowable(() -> l.admit(identity, role)) == null) {
                ok++;
            }
        }
        return ok;
    }

    @Test
    void theSmallestSettingsAreAccepted() {
        CallerRateLimiter l = new CallerRateLimiter(config(1, Map.of("apikey:one", 1), 1, Map.of("one", 1)),
                new SimpleMeterRegistry(), TIME);
        assertThat(admitted(l, "apikey:one", 3)).isEqualTo(1);
        assertThat(l.limitFor("apikey:other")).isEqualTo(1);
        l.admit("apikey:r", "one");
        assertThat(catchThrowable(() -> l.admit("apikey:r", "one"))).isInstanceOf(BrokerException.class);
    }

    @Test
    void memoryStaysBoundedWhateverTheNumberOfIdentities() {
        CallerRateLimiter l = limiter(100, Map.of(), 1_000);
        for (int i = 0; i < 50_000; i++) {
            l.admit("system:serviceaccount:many:sa-" + i);
        }
        long held = l.trackedCallers();
        System.out.printf("[rate-limit] 50000 identities, max-callers 1000: %d buckets held%n", held);
        assertThat(held).isLessThanOrEqualTo(1_000);
    }

    @Test
    void anAdmittedRequestAllocatesAlmostNothing() {
        CallerRateLimiter l = limiter(1_000_000_000, Map.of(), 1_000);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        String identity = "system:serviceaccount:hot:path";
        for (int i = 0; i < 200_000; i++) {   // warm-up: JIT and the bucket itself
            l.admit(identity);
        }
        int n = 1_000_000;
        long bytesBefore = threads.getCurrentThreadAllocatedBytes();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            l.admit(identity);
        }
        long nanos = System.nanoTime() - start;
        double bytesPerCall = (threads.getCurrentThreadAllocatedBytes() - bytesBefore) / (double) n;
        System.out.printf("[rate-limit] admit(): %.1f ns and %.2f bytes allocated per call (%d calls)%n",
                nanos / (double) n, bytesPerCall, n);
        assertThat(bytesPerCall).isLessThan(16);
    }
}
