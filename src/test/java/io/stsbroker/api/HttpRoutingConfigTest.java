package io.stsbroker.api;

import io.quarkus.runtime.configuration.MemorySize;
import io.stsbroker.config.BrokerConfig;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The broker's header limit must sit below Vert.x's hard cap, or the JSON 431 could never be sent. */
class HttpRoutingConfigTest {

    private static BrokerConfig config(String maxHeaderSize) {
        return io.stsbroker.testing.TestConfigs.broker("broker.http.max-header-size", maxHeaderSize);
    }

    private static final Duration IDLE = Duration.ofSeconds(15);

    private static MemorySize kib(int k) {
        return new MemorySize(BigInteger.valueOf(k * 1024L));
    }

    @Test
    void headerLimitAtOrAboveTheVertxCapStopsStartUpNamingBothProperties() {
        assertThatThrownBy(() -> new HttpRouting(config("32768"), kib(32), Optional.empty(), IDLE))
                .hasMessageContaining("broker.http.max-header-size=32768")
                .hasMessageContaining("quarkus.http.limits.max-header-size");
        assertThatThrownBy(() -> new HttpRouting(config("0"), kib(32), Optional.empty(), IDLE))
                .hasMessageContaining("broker.http.max-header-size=0");
        assertThatCode(() -> new HttpRouting(config("16384"), kib(32), Optional.of(kib(16)), IDLE)).doesNotThrowAnyException();
    }

    @Test
    void idleTimeoutNotAboveTheRequestTimeoutStopsStartUpNamingBothProperties() {
        assertThatThrownBy(() -> new HttpRouting(config("16384"), kib(32), Optional.empty(), Duration.ofSeconds(8)))
                .hasMessageContaining("quarkus.http.idle-timeout=PT8S")
                .hasMessageContaining("broker.request-timeout (PT8S)");
    }
}
