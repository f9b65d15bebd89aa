package io.stsbroker.vending;

import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One log line per interval for an event that can come thousands of times a second under a flood:
 * the first occurrence is logged at once, later ones are counted and reported by the next line
 * written after the interval. Each occurrence is also counted in a metric by the caller; this only
 * keeps the log readable.
 */
final class ThrottledLog {

    private final Logger log;
    private final long intervalNanos;
    /** When the last line was written (nanoTime), or Long.MIN_VALUE before the first. */
    private final AtomicLong lastLine = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong unreported = new AtomicLong();

    ThrottledLog(Logger log, Duration interval) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
    }

    /**
     * Counts one occurrence and writes a WARN line if none was written within the interval;
     * {@code format} gets {@code arg} and then the number of occurrences the line covers.
     */
    void warn(String format, Object arg) {
        unreported.incrementAndGet();
        long now = System.nanoTime();
        long last = lastLine.get();
        if ((last == Long.MIN_VALUE || now - last >= intervalNanos) && lastLine.compareAndSet(last, now)) {
            log.warnf(format, arg, unreported.getAndSet(0));
        }
    }
}
