package io.stsbroker.cluster;

import io.stsbroker.config.BrokerConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * {@code broker.cluster.*} checked and decoded: a missing or contradictory setting stops start-up
 * with a message naming the property; the value of a secret is never part of a message.
 *
 * @param encryptionKey     the AES-256 key new entries are written under
 * @param previousKeys      keys still read during a rotation, never written
 * @param keySecret         the HMAC key for every name derived from an identity
 */
record ClusterSettings(byte[] encryptionKey, List<byte[]> previousKeys, byte[] keySecret, String keyPrefix,
                       int maxCallsPerSecond, int maxReplicas, Duration lockTtl, Duration syncInterval,
                       Duration commandTimeout) {

    /**
     * The settings when cluster mode is on.
     *
     * @param redisHosts     {@code quarkus.redis.hosts}, required in cluster mode
     * @param requestTimeout {@code broker.request-timeout}, which the lock TTL must exceed
     * @throws IllegalArgumentException naming the first bad property
     */
    static ClusterSettings of(BrokerConfig.Cluster c, Optional<String> redisHosts, Duration requestTimeout) {
        if (redisHosts.isEmpty() || redisHosts.get().isBlank()) {
            throw new IllegalArgumentException("Invalid configuration quarkus.redis.hosts: required when"
                    + " broker.cluster.enabled=true (for example redis://redis:6379)");
        }
        byte[] key = decodeKey("broker.cluster.encryption-key", c.encryptionKey());
        List<byte[]> previous = new ArrayList<>();
        for (String p : c.previousEncryptionKeys().orElse(List.of())) {
            byte[] k = decodeKey("broker.cluster.previous-encryption-keys", Optional.of(p));
            if (Arrays.equals(k, key)) {
                throw new IllegalArgumentException("Invalid configuration broker.cluster.previous-encryption-keys:"
                        + " holds the current broker.cluster.encryption-key; list only keys replaced by it");
            }
            previous.add(k);
        }
        byte[] secret = decodeSecret(c.keySecret());
        if (Arrays.equals(secret, key) || previous.stream().anyMatch(p -> Arrays.equals(p, secret))) {
            throw new IllegalArgumentException("Invalid configuration broker.cluster.key-secret: must differ from"
                    + " the encryption keys (it is not rotated with them)");
        }
        if (c.keyPrefix().isBlank()) {
            throw new IllegalArgumentException("Invalid configuration broker.cluster.key-prefix='': must not be blank");
        }
        if (c.maxCallsPerSecond() < 1) {
            throw new IllegalArgumentException("Invalid configuration broker.cluster.max-calls-per-second='"
                    + c.maxCallsPerSecond() + "': must be at least 1");
        }
        if (c.maxReplicas() < 1) {
            throw new IllegalArgumentException("Invalid configuration broker.cluster.max-replicas='"
                    + c.maxReplicas() + "': must be at least 1");
        }
        if (c.lockTtl().compareTo(requestTimeout) <= 0) {
            throw new IllegalArgumentException("Invalid configuration broker.cluster.lock-ttl='" + c.lockTtl()
                    + "': must exceed broker.request-timeout (" + requestTimeout + "), or a slow mint loses its lock");
        }
        positive("broker.cluster.sync-interval", c.syncInterval());
        positive("broker.cluster.command-timeout", c.commandTimeout());
        return new ClusterSettings(key, List.copyOf(previous), secret, c.keyPrefix(), c.maxCallsPerSecond(),
                c.maxReplicas(), c.lockTtl(), c.syncInterval(), c.commandTimeout());
    }

    /** Calls per second one replica allows itself while Redis is unreachable; at least 1. */
    int degradedCallsPerSecond() {
        return Math.max(1, maxCallsPerSecond / maxReplicas);
    }

    private static void positive(String name, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("Invalid configuration " + name + "='" + d + "': must be positive");
        }
    }

    private static byte[] decodeKey(String name, Optional<String> value) {
        byte[] k = decode(name, value, "a base64 AES-256 key (32 bytes, e.g. `openssl rand -base64 32`)");
        if (k.length != 32) {
            throw new IllegalArgumentException("Invalid configuration " + name + ": decodes to " + k.length
                    + " bytes, must be 32 (AES-256)");
        }
        return k;
    }

    private static byte[] decodeSecret(Optional<String> value) {
        byte[] k = decode("broker.cluster.key-secret", value, "base64 of at least 32 random bytes");
        if (k.length < 32) {
            throw new IllegalArgumentException("Invalid configuration broker.cluster.key-secret: decodes to "
                    + k.length + " bytes, must be at least 32");
        }
        return k;
    }

    private static byte[] decode(String name, Optional<String> value, String expected) {
        if (value.isEmpty() || value.get().isBlank()) {
            throw new IllegalArgumentException("Invalid configuration " + name + ": required when"
                    + " broker.cluster.enabled=true (" + expected + ")");
        }
        try {
            return Base64.getDecoder().decode(value.get().trim());
        } catch (IllegalArgumentException e) {
            // The value is a secret: the message names the property only.
            throw new IllegalArgumentException("Invalid configuration " + name + ": not valid base64 (" + expected + ")");
        }
    }
}
