package io.stsbroker.cluster;

import io.stsbroker.config.BrokerConfig;
import io.stsbroker.testing.TestConfigs;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

import static io.stsbroker.cluster.SharedCredentialsTest.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterSettingsTest {

    static final String KEY = Base64.getEncoder().encodeToString(random(32));
    static final String SECRET = Base64.getEncoder().encodeToString(random(32));
    static final Optional<String> HOSTS = Optional.of("redis://127.0.0.1:6379");

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
        ClusterSettings s = ClusterSettings.of(cluster(), HOSTS, Duration.ofSeconds(8));
        assertThat(s.maxCallsPerSecond()).isEqualTo(50);
        assertThat(s.maxReplicas()).isEqualTo(7);
        assertThat(s.degradedCallsPerSecond()).isEqualTo(7);
        assertThat(s.encryptionKey()).hasSize(32);
    }

    @Test
    void missingRedisHostsStopsStartUpNamingTheSetting() {
        assertThatThrownBy(() -> ClusterSettings.of(cluster(), Optional.empty(), Duration.ofSeconds(8)))
                .hasMessageContaining("quarkus.redis.hosts");
    }

    @Test
    void missingEncryptionKeyStopsStartUpNamingTheSetting() {
        BrokerConfig.Cluster c = TestConfigs.broker("broker.cluster.enabled", "true",
                "broker.cluster.key-secret", SECRET).cluster();
        assertThatThrownBy(() -> ClusterSettings.of(c, HOSTS, Duration.ofSeconds(8)))
                .hasMessageContaining("broker.cluster.encryption-key");
    }

    @Test
    void shortEncryptionKeyIsRefusedWithoutPrintingIt() {
        String shortKey = Base64.getEncoder().encodeToString(random(16));
        assertThatThrownBy(() -> ClusterSettings.of(cluster("broker.cluster.encryption-key", shortKey), HOSTS,
                Duration.ofSeconds(8)))
                .hasMessageContaining("broker.cluster.encryption-key").hasMessageContaining("16 bytes")
                .message().doesNotContain(shortKey);
    }

    @Test
    void keySecretThatIsNotBase64IsRefusedWithoutPrintingIt() {
        assertThatThrownBy(() -> ClusterSettings.of(cluster("broker.cluster.key-secret", "hunter2!!not-base64"), HOSTS,
                Duration.ofSeconds(8)))
                .hasMessageContaining("broker.cluster.key-secret").message().doesNotContain("hunter2");
    }

    @Test
    void keySecretEqualToTheEncryptionKeyIsContradictory() {
        assertThatThrownBy(() -> ClusterSettings.of(cluster("broker.cluster.key-secret", KEY), HOSTS, Duration.ofSeconds(8)))
                .hasMessageContaining("broker.cluster.key-secret").message().doesNotContain(KEY);
    }

    @Test
    void currentKeyListedAsPreviousIsContradictory() {
        assertThatThrownBy(() -> ClusterSettings.of(cluster("broker.cluster.previous-encryption-keys", KEY), HOSTS,
                Duration.ofSeconds(8)))
                .hasMessageContaining("broker.cluster.previous-encryption-keys").message().doesNotContain(KEY);
    }

    @Test
    void lockShorterThanTheRequestTimeoutIsRefused() {
        assertThatThrownBy(() -> ClusterSettings.of(cluster("broker.cluster.lock-ttl", "5s"), HOSTS, Duration.ofSeconds(8)))
                .hasMessageContaining("broker.cluster.lock-ttl='PT5S'");
    }

    @Test
    void budgetAndReplicasMustBePositive() {
        assertThatThrownBy(() -> ClusterSettings.of(cluster("broker.cluster.max-calls-per-second", "0"), HOSTS,
                Duration.ofSeconds(8))).hasMessageContaining("broker.cluster.max-calls-per-second='0'");
        assertThatThrownBy(() -> ClusterSettings.of(cluster("broker.cluster.max-replicas", "0"), HOSTS,
                Duration.ofSeconds(8))).hasMessageContaining("broker.cluster.max-replicas='0'");
    }
}
