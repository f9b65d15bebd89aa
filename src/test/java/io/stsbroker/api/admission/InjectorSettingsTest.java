package io.stsbroker.api.admission;

import io.stsbroker.config.BrokerConfig;
import io.stsbroker.testing.TestConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The CA file's start-up check ({@code broker.injector.*}'s values and the injector-only mode's promise are
 * checked in config.BrokerConfigValidatorTest).
 */
class InjectorSettingsTest {

    private static final String[] ENABLED = {"broker.injector.enabled", "true",
            "broker.injector.broker-url", "https://sts-broker.sts-broker.svc",
            "broker.injector.sidecar-image", "registry.example/sidecar:1"};

    private static BrokerConfig config(String... more) {
        String[] all = new String[ENABLED.length + more.length];
        System.arraycopy(ENABLED, 0, all, 0, ENABLED.length);
        System.arraycopy(more, 0, all, ENABLED.length, more.length);
        return TestConfigs.broker(all);
    }

    @Test
    void caFileWithoutACertificateOrMissingStopsStartUpNamingIt(@TempDir Path dir) throws Exception {
        Path key = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        Path missing = dir.resolve("absent.pem");

        assertThatThrownBy(() -> new InjectorSettings(config("broker.injector.broker-ca-file", key.toString())))
                .hasMessageContaining("broker.injector.broker-ca-file=" + key).hasMessageContaining("PEM certificates")
                .hasMessageNotContaining("AAAA");
        assertThatThrownBy(() -> new InjectorSettings(config("broker.injector.broker-ca-file", missing.toString())))
                .hasMessageContaining("broker.injector.broker-ca-file=" + missing).hasMessageContaining("cannot be read");
    }
}
