package io.stsbroker.cluster;

import io.stsbroker.config.BrokerConfig;
import io.stsbroker.testing.TestConfigs;
import org.junit.jupiter.api.Test;

import java.util.Base64;

import static io.stsbroker.cluster.SharedCredentialsTest.random;
import static org.assertj.core.api.Assertions.assertThat;

/** Decoding {@code broker.cluster.*} for use (the refusals are in config.BrokerConfigValidatorTest). */
class ClusterSettingsTest {

    static final String KEY = Base64.getEncoder().encodeToString(random(32));
    static final String SECRET = Base64.getEncoder().encodeToString(random(32));

    static BrokerConfig.Cluster cluster(String... props) {
        String[] all = new String[props.length + 6];
        all[0] = "broker.cluster.enabled";
        all[1] = "true";
        all[2] = "broker.cluster.encryption-key";
        all[3] = KEY;
        all[4] = "broker.cluster.key-secret";
        all[5] = SECRET;
        System.arraycopy(props, 0, all, 6, props.length);
        return TestConfigs.broker(all).cluster();
    }

    @Test
    void clusterModeIsOffByDefault() {
        assertThat(TestConfigs.broker().cluster().enabled()).isFalse();
    }

    @Test
    void validSettingsDecodeWithTheirDefaults() {
        ClusterSettings s = ClusterSettings.of(cluster());
        assertThat(s.maxCallsPerSecond()).isEqualTo(50);
        assertThat(s.maxReplicas()).isEqualTo(7);
        assertThat(s.degradedCallsPerSecond()).isEqualTo(7);
        assertThat(s.encryptionKey()).hasSize(32);
    }
}
