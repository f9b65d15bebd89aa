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
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * This replica's counts per caller, in per-minute buckets over {@code broker.usage.window}.
 *
 * <p>Memory is bounded: at most {@code broker.usage.max-callers} identities are tracked (Caffeine,
 * size-bounded; beyond it the least used identities are dropped with their counts), each with
 * {@code window-minutes} slots, each holding a minute's stamp and four counters once the caller made
 * a request in it (44 bytes a minute, 2.6 KB for an hour), so at most about
 * {@code max-callers x (44 x window-minutes + 300)} bytes in all: 14.7 MB with the defaults (5000
 * identities, 60 minutes).
 *
 * <p>{@link #count} runs on the event loop for every credential response, warm ones included, so it
 * takes no lock and allocates nothing once the caller's minute exists (a monitor on the caller's
 * buckets was contended by both event loops whenever one caller was busy), and Caffeine's
 * maintenance runs on the calling thread, as in {@code policy.CallerRateLimiter}, rather than
 * waking a common-pool thread every few dozen reads.
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
        this.callers = Caffeine.newBuilder().executor(Runnable::run).maximumSize(maxCallers).build();
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

    /**
     * A ring of per-minute counters. A slot holds the {@link Minute} it was last counted in; when its
     * minute comes round again a fresh one replaces it (compare-and-set, so a concurrent count is
     * never lost to the reset). A count whose minute is already older than the slot's (a thread that
     * read the clock just before another rolled the slot over) goes to the slot's minute, the next one.
     */
    private static final class Buckets {
        private final AtomicReferenceArray<Minute> slots;

        Buckets(int minutes) {
            slots = new AtomicReferenceArray<>(minutes);
        }

        void add(long minute, UsageKind kind) {
            int slot = (int) Math.floorMod(minute, (long) slots.length());
            Minute m = slots.get(slot);
            while (m == null || m.minute < minute) {
                Minute fresh = new Minute(minute);
                if (slots.compareAndSet(slot, m, fresh)) {
                    m = fresh;
                    break;
                }
                m = slots.get(slot);
            }
            m.add(kind);
        }

        long[] sum(long oldestMinute) {
            long[] sum = new long[KINDS];
            for (int slot = 0; slot < slots.length(); slot++) {
                Minute m = slots.get(slot);
                if (m != null && m.minute >= oldestMinute) {
                    for (UsageKind k : UsageKind.values()) {
                        sum[k.ordinal()] += m.get(k);
                    }
                }
            }
            return sum;
        }
    }

    /** One minute's four counters, as int fields updated in place (one small object a minute). */
    private static final class Minute {
        private static final AtomicIntegerFieldUpdater<Minute> SERVED = updater("served");
        private static final AtomicIntegerFieldUpdater<Minute> ASSUME_ROLE = updater("assumeRole");
        private static final AtomicIntegerFieldUpdater<Minute> THROTTLED = updater("throttled");
        private static final AtomicIntegerFieldUpdater<Minute> FORBIDDEN = updater("forbidden");

        final long minute;
        private volatile int served;
        private volatile int assumeRole;
        private volatile int throttled;
        private volatile int forbidden;

        Minute(long minute) {
            this.minute = minute;
        }

        void add(UsageKind kind) {
            field(kind).incrementAndGet(this);
        }

        int get(UsageKind kind) {
            return field(kind).get(this);
        }

        private static AtomicIntegerFieldUpdater<Minute> field(UsageKind kind) {
            return switch (kind) {
                case SERVED -> SERVED;
                case ASSUME_ROLE -> ASSUME_ROLE;
                case THROTTLED -> THROTTLED;
                case FORBIDDEN -> FORBIDDEN;
            };
        }

        private static AtomicIntegerFieldUpdater<Minute> updater(String field) {
            return AtomicIntegerFieldUpdater.newUpdater(Minute.class, field);
        }
    }
}
