package io.stsbroker.sts;

import java.time.Instant;
import java.util.Objects;

/**
 * Temporary credentials returned by STS; immutable, and {@link #toString()} shows only the key id
 * and expiration, never the secret or the token.
 *
 * @param accessKeyId     {@code STS.}-prefixed temporary key id
 * @param accessKeySecret the secret that signs requests
 * @param securityToken   the token sent beside every signed request
 * @param expiration      when STS stops honouring them (whole seconds, UTC)
 * @param requestId       the STS RequestId that minted them, for audit
 */
public record StsCredentials(String accessKeyId, String accessKeySecret, String securityToken,
                             Instant expiration, String requestId) {
    public StsCredentials {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(accessKeySecret, "accessKeySecret");
        Objects.requireNonNull(securityToken, "securityToken");
        Objects.requireNonNull(expiration, "expiration");
    }

    @Override
    public String toString() {
        return "StsCredentials[accessKeyId=" + accessKeyId + ", expiration=" + expiration
                + ", accessKeySecret=<hidden>, securityToken=<hidden>]";
    }
}
