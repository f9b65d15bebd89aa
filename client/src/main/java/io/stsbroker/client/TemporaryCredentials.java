package io.stsbroker.client;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One set of temporary Alibaba Cloud STS credentials and the instant they stop working.
 *
 * <p>{@link #toString()} prints the access key id and expiration but never the secret or the
 * security token, so a credential can be logged or put in an exception message safely.
 *
 * @param accessKeyId     the temporary access key id, e.g. {@code STS.L4aBSCSJ...}
 * @param accessKeySecret the secret that signs requests
 * @param securityToken   the STS security token sent with every signed request
 * @param expiration      when STS stops accepting these credentials
 * @param role            the broker role name these were issued for, or {@code null} if unknown
 * @param roleArn         the RAM role ARN, or {@code null} if unknown
 * @param sessionName     the RoleSessionName the broker used, or {@code null} if unknown
 */
public record TemporaryCredentials(
        String accessKeyId,
        String accessKeySecret,
        String securityToken,
        Instant expiration,
        String role,
        String roleArn,
        String sessionName) {

    public TemporaryCredentials {
        requireText(accessKeyId, "accessKeyId");
        requireText(accessKeySecret, "accessKeySecret");
        requireText(securityToken, "securityToken");
        Objects.requireNonNull(expiration, "expiration");
    }

    /** Credentials without the broker's role metadata, e.g. as read from a credentials URI. */
    public TemporaryCredentials(String accessKeyId, String accessKeySecret, String securityToken, Instant expiration) {
        this(accessKeyId, accessKeySecret, securityToken, expiration, null, null, null);
    }

    /** Time left until {@link #expiration()} at {@code now}; negative once expired. */
    public Duration remaining(Instant now) {
        return Duration.between(now, expiration);
    }

    @Override
    public String toString() {
        return "TemporaryCredentials[accessKeyId=" + accessKeyId
                + ", accessKeySecret=<hidden>, securityToken=<hidden>"
                + ", expiration=" + expiration
                + ", role=" + role
                + ", roleArn=" + roleArn
                + ", sessionName=" + sessionName + "]";
    }

    private static void requireText(String value, String name) {
        // The message names the field only: the value may be a secret.
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }
}
