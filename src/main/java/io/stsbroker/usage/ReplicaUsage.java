package io.stsbroker.usage;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.stsbroker.audit.AuditEvent;
import io.stsbroker.config.BrokerConfig;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * This replica's counts per caller, in per-minute buckets over {@code broker.usage.window}.
 *
 * <p>Memory is bounded: at most {@code broker.usage.max-callers} identities are tracked (Caffeine,
 * size-bounded; beyond it the least used identities are dropped with their counts), each with
 * {@code window-minutes} buckets of a minute stamp and four counters (24 bytes a minute, 1.4 KB for
 * an hour), so about {@code max-callers x (24 x window-minutes + 300)} bytes in all: 8.7 MB with the
 * defaults (5000 identities, 60 minutes).
 *
 * <p>AssumeRole calls are counted from the audit stream ({@link AuditEvent.Type#MINT}, one record
 * per call made for a caller, success or failure, background refreshes included); the others by
 * {@code api.UsageTap} from the credential responses' status.
 */
@Singleton
public class ReplicaUsage implements UsageLedger {

    static final String SCOPE = "replica";
    private static final int KINDS = UsageKind.values().length;

    private final Clock clock;
    private final int minutes;
    private final int maxCallers;
    private final Cache<String, Buckets> callers;
    /** Built once: {@link #count} runs on every credential response, the warm ones included. */
    private final java.util.function.Function<String, Buckets> newBuckets;

    @Inject
    ReplicaUsage(BrokerConfig config, Clock clock) {
        this(clock, config.usage().window(), config.usage().maxCallers());
    }

    /** {@code window}: whole minutes from 1m to 24h; {@code maxCallers} at least 1 (checked at start-up). */
    ReplicaUsage(Clock clock, Duration window, int maxCallers) {
        this.clock = clock;
        this.minutes = (int) window.toMinutes();
        this.maxCallers = maxCallers;
        this.callers = Caffeine.newBuilder().maximumSize(maxCallers).build();
        this.newBuckets = k -> new Buckets(this.minutes);
    }

    @Override
    public void count(String caller, UsageKind kind) {
        if (caller == null) {
            return;
        }
        long minute = minuteNow();
        callers.get(caller, newBuckets).add(minute, kind);
    }

    /** AssumeRole calls, from the audit records of mints (the caller's own and background refreshes). */
    void onAudit(@Observes AuditEvent e) {
        if (e.type() == AuditEvent.Type.MINT) {
            count(e.caller(), UsageKind.ASSUME_ROLE);
        }
    }

    @Override
    public UsageReport report() {
        long now = minuteNow();
        long oldest = now - minutes + 1;
        List<CallerUsage> out = new ArrayList<>();
        callers.asMap().forEach((caller, b) -> {
            long[] sum = b.sum(oldest);
            if (sum[0] + sum[1] + sum[2] + sum[3] > 0) {
                out.add(new CallerUsage(caller, sum[UsageKind.SERVED.ordinal()], sum[UsageKind.ASSUME_ROLE.ordinal()],
                        sum[UsageKind.THROTTLED.ordinal()], sum[UsageKind.FORBIDDEN.ordinal()]));
            }
        });
        out.sort(Comparator.comparingLong(CallerUsage::served).reversed().thenComparing(CallerUsage::caller));
        return new UsageReport(SCOPE, Instant.ofEpochSecond(oldest * 60), Instant.ofEpochSecond((now + 1) * 60),
                Duration.ofMinutes(minutes), maxCallers, List.copyOf(out));
    }

    /** Runs Caffeine's pending maintenance (evictions) now. */
    void cleanUp() {
        callers.cleanUp();
    }

    private long minuteNow() {
        return Math.floorDiv(clock.millis(), 60_000L);
    }

    /** A ring of per-minute counters; a slot is reset when its minute comes round again. */
    private static final class Buckets {
        private final long[] stamps;
        private final int[] counts;

        Buckets(int minutes) {
            stamps = new long[minutes];
            java.util.Arrays.fill(stamps, Long.MIN_VALUE);
            counts = new int[minutes * KINDS];
        }

        synchronized void add(long minute, UsageKind kind) {
            int slot = (int) Math.floorMod(minute, (long) stamps.length);
            if (stamps[slot] != minute) {
                stamps[slot] = minute;
                java.util.Arrays.fill(counts, slot * KINDS, slot * KINDS + KINDS, 0);
            }
            counts[slot * KINDS + kind.ordinal()]++;
        }

        synchronized long[] sum(long oldestMinute) {
            long[] sum = new long[KINDS];
            for (int slot = 0; slot < stamps.length; slot++) {
                if (stamps[slot] >= oldestMinute) {
                    for (int k = 0; k < KINDS; k++) {
                        sum[k] += counts[slot * KINDS + k];
                    }
                }
            }
            return sum;
        }
    }
}
