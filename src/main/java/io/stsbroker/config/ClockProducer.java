package io.stsbroker.config;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;

/**
 * The one clock the cache, its Caffeine ticker, the STS signer and the embedded STS all read, so
 * tests can move time for all of them at once by supplying their own {@link Clock} bean.
 */
@Dependent
public class ClockProducer {

    @Produces
    @Singleton
    @DefaultBean
    Clock clock() {
        return Clock.systemUTC();
    }
}
