package io.stsbroker.testing;

import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The application's clock in tests: starts at the real time and only moves when a test advances
 * it, so the cache, its Caffeine ticker and the embedded STS all see the same jump without sleeps.
 */
@Singleton
public class MutableClock extends Clock {

    private final AtomicReference<Instant> now;

    /** The application's clock: starts at the real time. */
    public MutableClock() {
        this(Instant.now());
    }

    /** A free-standing clock for unit tests. */
    public MutableClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    public void advance(Duration d) {
        now.updateAndGet(t -> t.plus(d));
    }

    /** For unit tests only: the application's clock must never move back (Caffeine's ticker follows it). */
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

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the broker works in UTC");
    }
}
