package io.stsbroker.sts.embedded;

import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;

/**
 * Gives every {@code @QuarkusTest} application the test side of its embedded STS: inject
 * {@link StsCounters}, {@link EmbeddedStsFaults} or {@link StsRecorder}; they are installed on the
 * application's {@link EmbeddedStsServer} at start-up, as one {@link TestTap}.
 */
@Singleton
public class EmbeddedStsTestBeans {

    @Produces
    @Singleton
    StsCounters counters(Clock clock) {
        return new StsCounters(clock);
    }

    @Produces
    @Singleton
    EmbeddedStsFaults faults(Vertx vertx) {
        return new EmbeddedStsFaults(vertx);
    }

    @Produces
    @Singleton
    StsRecorder recorder(Clock clock) {
        return new StsRecorder(clock);
    }

    void install(@Observes StartupEvent ignored, EmbeddedStsServer server, StsCounters counters,
                 EmbeddedStsFaults faults, StsRecorder recorder) {
        server.tap(new TestTap(counters, faults, recorder));
    }
}
