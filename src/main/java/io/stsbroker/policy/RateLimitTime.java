package io.stsbroker.policy;

import io.github.bucket4j.TimeMeter;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The time the request-rate buckets refill and expire by ({@link CallerRateLimiter}):
 * {@link System#nanoTime()}, monotonic, so a wall-clock step never stalls or floods a refill. Tests
 * supply their own {@link TimeMeter} bean to move it by hand, as they do for the {@link java.time.Clock}.
 */
@Dependent
public class RateLimitTime {

    @Produces
    @Singleton
    @DefaultBean
    TimeMeter rateLimitTime() {
        return TimeMeter.SYSTEM_NANOTIME;
    }
}
