package io.stsbroker.sts.embedded;

import io.quarkus.test.junit.QuarkusTest;
import io.stsbroker.config.BrokerConfig;
import io.vertx.core.Vertx;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Binding, failing to bind, and releasing the port (what a dev-mode reload relies on). */
@QuarkusTest
class EmbeddedStsServerLifecycleTest {

    @Inject
    EmbeddedStsServer running;
    @Inject
    Vertx vertx;
    @Inject
    BrokerConfig config;
    @Inject
    Instance<EmbeddedStsKeys> keys;
    @Inject
    Clock clock;

    private final EmbeddedStsServer second = new EmbeddedStsServer();

    @AfterEach
    void stopSecond() {
        second.stop();
    }

    private EmbeddedStsServer wired(EmbeddedStsServer server) {
        server.vertx = vertx;
        server.config = config;
        server.keys = keys;
        server.clock = clock;
        return server;
    }

    @Test
    void aTakenPortFailsStartUpNamingThePortProperty() {
        int taken = running.actualPort();
        assertThatThrownBy(() -> wired(second).start(taken))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("broker.embedded-sts.port")
                .hasMessageContaining("127.0.0.1:" + taken);
        assertThat(second.isRunning()).isFalse();
    }

    @Test
    void stopReleasesThePortSoAReloadCanBindItAgain() throws Exception {
        wired(second).start(0);
        int port = second.actualPort();
        second.stop();
        assertThat(second.isRunning()).isFalse();
        try (ServerSocket rebind = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThat(rebind.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void aStoppedServerHasNoPort() {
        assertThatThrownBy(wired(second)::actualPort).isInstanceOf(IllegalStateException.class);
    }
}
