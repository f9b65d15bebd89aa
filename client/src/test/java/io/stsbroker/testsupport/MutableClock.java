package io.stsbroker.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A UTC clock that only moves when a test moves it, so time-based behaviour is exact and needs no
 * sleeps. The broker's tests make it the application's clock, so the cache, its Caffeine ticker
 * and the embedded STS all see the same jump.
 */
public final class MutableClock extends Clock {

    private final AtomicReference<Instant> now;

    /** A clock that starts at the real time. */
    public MutableClock() {
        this(Instant.now());
    }

    /** A clock that starts at {@code start}. */
    public MutableClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    /** Moves the clock forward by {@code duration}. */
    public void advance(Duration duration) {
        now.updateAndGet(t -> t.plus(duration));
    }

    /**
     * Sets the clock to {@code instant}, forward or back. <b>Note:</b> an application's clock must
     * never move back (Caffeine's ticker follows it): use this on free-standing clocks only.
     */
    public void set(Instant instant) {
        now.set(instant);
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    /** This clock for UTC; any other zone is refused, since everything it drives works in UTC. */
    @Override
    public Clock withZone(ZoneId zone) {
        if (ZoneOffset.UTC.equals(zone.normalized())) {
            return this;
        }
        throw new UnsupportedOperationException("MutableClock works in UTC, not " + zone);
    }
}
