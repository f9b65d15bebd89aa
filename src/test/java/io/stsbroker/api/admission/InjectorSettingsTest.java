package io.stsbroker.api.admission;

import io.stsbroker.config.BrokerConfig;
import io.stsbroker.testing.TestConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Start-up checks of {@code broker.injector.*} and of the injector-only mode's promise (no STS identity, no API keys). */
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
    void defaultsNeedNothing() {
        assertThat(InjectorSettings.problem(TestConfigs.broker())).isNull();
        assertThat(TestConfigs.broker().injector().enabled()).isFalse();
        assertThat(TestConfigs.broker().injector().only()).isFalse();
    }

    @Test
    void injectorOnlyWithProviderNoneAndNoApiKeysIsAccepted() {
        assertThat(InjectorSettings.problem(config("broker.injector.only", "true", "broker.sts.provider", "none"))).isNull();
    }

    @Test
    void injectorOnlyWithAnStsProviderIsRefusedNamingIt() {
        assertThat(InjectorSettings.problem(config("broker.injector.only", "true", "broker.sts.provider", "alibaba")))
                .contains("broker.sts.provider=alibaba").contains("broker.sts.provider=none");
    }

    @Test
    void providerNoneWithoutInjectorOnlyIsRefused() {
        assertThat(InjectorSettings.problem(TestConfigs.broker("broker.sts.provider", "none")))
                .contains("broker.sts.provider=none").contains("broker.injector.only=true");
    }

    @Test
    void injectorOnlyWithApiKeysIsRefusedWithoutPrintingThem() {
        String digest = "9".repeat(64);
        String problem = InjectorSettings.problem(config("broker.injector.only", "true", "broker.sts.provider", "none",
                "broker.api-keys.ci", digest));

        assertThat(problem).contains("broker.api-keys").contains("1 name(s)").doesNotContain(digest);
    }

    @Test
    void injectorOnlyWithoutEnabledIsRefused() {
        assertThat(InjectorSettings.problem(TestConfigs.broker("broker.injector.only", "true", "broker.sts.provider", "none")))
                .contains("broker.injector.only=true").contains("broker.injector.enabled=true");
    }

    @Test
    void enabledWithoutBrokerUrlOrImageOrWithBadValuesIsRefusedNamingTheProperty() {
        assertThat(InjectorSettings.problem(TestConfigs.broker("broker.injector.enabled", "true",
                "broker.injector.sidecar-image", "i:1"))).contains("broker.injector.broker-url=");
        assertThat(InjectorSettings.problem(TestConfigs.broker("broker.injector.enabled", "true",
                "broker.injector.broker-url", "https://b"))).contains("broker.injector.sidecar-image=");
        assertThat(InjectorSettings.problem(config("broker.injector.broker-url", "ftp://b"))).contains("broker.injector.broker-url=ftp://b");
        assertThat(InjectorSettings.problem(config("broker.injector.sidecar-port", "80"))).contains("broker.injector.sidecar-port=80");
        assertThat(InjectorSettings.problem(config("broker.injector.max-body-size", "1024"))).contains("broker.injector.max-body-size=1024");
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
