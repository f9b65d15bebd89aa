package io.stsbroker.testing;

import io.github.bucket4j.TimeMeter;
import jakarta.inject.Singleton;

import java.time.Duration;

/**
 * The request-rate limiter's time in {@code @QuarkusTest} applications (it replaces the
 * application's {@code RateLimitTime}): it follows {@link System#nanoTime()} until a test
 * {@link #freeze() freezes} it, then moves only by {@link #advance(Duration)} until the test
 * {@link #release() releases} it, and carries on from where it stood, never backwards. Other test
 * classes, which never freeze it, see the system's time.
 */
@Singleton
public class MutableTimeMeter implements TimeMeter {

    private long offset;
    private Long frozenAt;

    @Override
    public synchronized long currentTimeNanos() {
        return frozenAt != null ? frozenAt : System.nanoTime() + offset;
    }

    @Override
    public boolean isWallClockBased() {
        return false;
    }

    /** Stops time where it is now: buckets neither refill nor expire until {@link #advance} or {@link #release}. */
    public synchronized void freeze() {
        frozenAt = currentTimeNanos();
    }

    public synchronized void advance(Duration d) {
        if (frozenAt == null) {
            throw new IllegalStateException("freeze() first: a running time source cannot be moved");
        }
        frozenAt += d.toNanos();
    }

    /** Lets time run again from where it stands. */
    public synchronized void release() {
        if (frozenAt != null) {
            offset = frozenAt - System.nanoTime();
            frozenAt = null;
        }
    }
}
