package io.stsbroker.cluster;

import io.stsbroker.config.BrokerConfig;

import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * {@code broker.cluster.*} decoded for use. The values were checked at start-up by
 * {@code config.BrokerConfigValidator} (required keys, their lengths, contradictions, bounds), which
 * names the property and never prints a key.
 *
 * @param encryptionKey     the AES-256 key new entries are written under
 * @param previousKeys      keys still read during a rotation, never written
 * @param keySecret         the HMAC key for every name derived from an identity
 */
record ClusterSettings(byte[] encryptionKey, List<byte[]> previousKeys, byte[] keySecret, String keyPrefix,
                       int maxCallsPerSecond, int maxReplicas, Duration lockTtl, Duration syncInterval,
                       Duration commandTimeout) {

    /** The settings when cluster mode is on; {@code c} has passed the start-up validation. */
    static ClusterSettings of(BrokerConfig.Cluster c) {
        List<byte[]> previous = c.previousEncryptionKeys().orElse(List.of()).stream().map(ClusterSettings::decode).toList();
        return new ClusterSettings(decode(c.encryptionKey().orElseThrow()), previous, decode(c.keySecret().orElseThrow()),
                c.keyPrefix(), c.maxCallsPerSecond(), c.maxReplicas(), c.lockTtl(), c.syncInterval(), c.commandTimeout());
    }

    /** Calls per second one replica allows itself while Redis is unreachable; at least 1. */
    int degradedCallsPerSecond() {
        return Math.max(1, maxCallsPerSecond / maxReplicas);
    }

    private static byte[] decode(String base64) {
        return Base64.getDecoder().decode(base64.trim());
    }
}
