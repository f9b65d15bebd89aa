package io.stsbroker.testing;

import io.stsbroker.testsupport.MutableClock;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The application's clock in tests: a {@link MutableClock} that starts at the real time and only
 * moves when a test advances it, so the cache, its Caffeine ticker and the embedded STS all see the
 * same jump without sleeps. It replaces the production clock (a default bean); inject it as
 * {@code MutableClock} to move it, and never move it back.
 */
@Singleton
public class TestClockProducer {

    @Produces
    @Singleton
    MutableClock clock() {
        return new MutableClock();
    }
}
