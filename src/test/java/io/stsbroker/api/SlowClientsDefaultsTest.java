package io.stsbroker.api;

import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped idle timeout (application.yml, the value production runs with) closes a stalled
 * connection within seconds, not Quarkus' default 30 minutes, and stays above the request timeout.
 */
@QuarkusTest
class SlowClientsDefaultsTest {

    @ConfigProperty(name = "quarkus.http.idle-timeout")
    Duration idleTimeout;

    @ConfigProperty(name = "broker.request-timeout")
    Duration requestTimeout;

    @Test
    void stalledConnectionsAreClosedWithinFifteenSecondsByDefault() {
        assertThat(idleTimeout).isEqualTo(Duration.ofSeconds(15)).isGreaterThan(requestTimeout);
    }
}
