package io.stsbroker.usage;

import io.stsbroker.audit.AuditEvent;
import io.stsbroker.testsupport.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Counts per caller over a rolling window of minute buckets, within a bounded number of identities. */
class ReplicaUsageTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T18:00:30Z"));

    @Test
    void countsEachKindPerCallerBusiestFirst() {
        ReplicaUsage usage = new ReplicaUsage(clock, Duration.ofMinutes(60), 100);
        usage.count("a", UsageKind.SERVED);
        usage.count("b", UsageKind.SERVED);
        usage.count("b", UsageKind.SERVED);
        usage.count("b", UsageKind.THROTTLED);
        usage.count("b", UsageKind.FORBIDDEN);
        usage.onAudit(AuditEvent.of(AuditEvent.Type.MINT, "Success").caller("b").build());
        usage.onAudit(AuditEvent.of(AuditEvent.Type.DENY, "Forbidden").caller("b").build());

        UsageReport r = usage.report();
        assertThat(r.scope()).isEqualTo("replica");
        assertThat(r.callers()).containsExactly(new CallerUsage("b", 2, 1, 1, 1), new CallerUsage("a", 1, 0, 0, 0));
        assertThat(r.from()).isEqualTo(Instant.parse("2026-12-01T17:01:00Z"));
        assertThat(r.to()).isEqualTo(Instant.parse("2026-12-01T18:01:00Z"));
    }

    @Test
    void countsLeaveTheWindowMinuteByMinute() {
        ReplicaUsage usage = new ReplicaUsage(clock, Duration.ofMinutes(3), 100);
        usage.count("a", UsageKind.SERVED);              // 18:00
        clock.advance(Duration.ofMinutes(1));
        usage.count("a", UsageKind.SERVED);              // 18:01
        clock.advance(Duration.ofMinutes(2));            // 18:03: the window is 18:01..18:03
        assertThat(usage.report().callers()).containsExactly(new CallerUsage("a", 1, 0, 0, 0));
        usage.count("a", UsageKind.SERVED);              // 18:03 reuses 18:00's slot, which starts again at 0
        assertThat(usage.report().callers()).containsExactly(new CallerUsage("a", 2, 0, 0, 0));
        clock.advance(Duration.ofMinutes(3));            // 18:06: nothing left
        assertThat(usage.report().callers()).isEmpty();
    }

    @Test
    void atMostMaxCallersAreTracked() {
        ReplicaUsage usage = new ReplicaUsage(clock, Duration.ofMinutes(60), 10);
        for (int i = 0; i < 1000; i++) {
            usage.count("caller-" + i, UsageKind.SERVED);
        }
        // Caffeine evicts in its maintenance (on the counting thread); cleanUp runs what is still pending.
        usage.cleanUp();
        assertThat(usage.report().callers()).hasSizeLessThanOrEqualTo(10);
        assertThat(usage.report().maxCallers()).isEqualTo(10);
    }

    @Test
    void concurrentCountsOfOneCallerAreAllCounted() throws Exception {
        ReplicaUsage usage = new ReplicaUsage(clock, Duration.ofMinutes(60), 10);
        int threads = 4;
        int each = 50_000;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < each; i++) {
                        usage.count("busy", UsageKind.SERVED);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(usage.report().callers()).containsExactly(new CallerUsage("busy", (long) threads * each, 0, 0, 0));
    }

    @Test
    void noCallerIsNotCounted() {
        ReplicaUsage usage = new ReplicaUsage(clock, Duration.ofMinutes(60), 10);
        usage.count(null, UsageKind.THROTTLED);
        usage.onAudit(AuditEvent.of(AuditEvent.Type.ROLES_RELOAD, "Success").build());
        assertThat(usage.report().callers()).isEmpty();
    }
}
