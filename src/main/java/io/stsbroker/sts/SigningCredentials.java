package io.stsbroker.sts;

import java.util.Objects;
import java.util.Optional;

/**
 * The broker's own identity for one signed request: a consistent snapshot of key id, secret and
 * (for STS-issued identities such as RRSA or an ECS RAM role) security token. Mixing the fields of
 * two snapshots would produce {@code InvalidSecurityToken.MismatchWithAccessKey}, hence one value.
 *
 * <p>{@link #toString()} shows the key id only, never the secret or the token.
 *
 * @param accessKeyId     the AccessKeyId sent in the request
 * @param accessKeySecret the secret the request is signed with
 * @param securityToken   the {@code SecurityToken} parameter, present only for temporary credentials
 */
public record SigningCredentials(String accessKeyId, String accessKeySecret, Optional<String> securityToken) {

    public SigningCredentials {
        if (accessKeyId == null || accessKeyId.isBlank()) {
            throw new IllegalArgumentException("accessKeyId must not be blank");
        }
        if (accessKeySecret == null || accessKeySecret.isEmpty()) {
            throw new IllegalArgumentException("accessKeySecret must not be empty (key id " + accessKeyId + ")");
        }
        Objects.requireNonNull(securityToken, "securityToken");
        // An empty token is the same as none: it would be dropped from the signature anyway.
        securityToken = securityToken.filter(t -> !t.isEmpty());
    }

    /** Long-term AccessKey credentials, without a security token. */
    public static SigningCredentials of(String accessKeyId, String accessKeySecret) {
        return new SigningCredentials(accessKeyId, accessKeySecret, Optional.empty());
    }

    @Override
    public String toString() {
        return "SigningCredentials[accessKeyId=" + accessKeyId + ", accessKeySecret=<hidden>, securityToken="
                + (securityToken.isPresent() ? "<hidden>" : "<none>") + "]";
    }
}
