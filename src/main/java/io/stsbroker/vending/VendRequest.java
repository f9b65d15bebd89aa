package io.stsbroker.vending;

import io.stsbroker.sts.AssumeRoleRequest;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * An authorized request for credentials: everything the vending layer needs, nothing it must
 * check again.
 *
 * @param roleName      the catalogue name, echoed in the response
 * @param roleArn       the role to assume
 * @param identity      the full caller identity; part of the cache key, so callers never share
 * @param sessionName   the RoleSessionName derived from the identity
 * @param duration      session duration asked of STS
 * @param sessionPolicy the session policy to send, if any
 * @param externalId    the ExternalId to send, if any
 * @param requestId     the HTTP request id, for the audit line of a mint
 */
public record VendRequest(String roleName, String roleArn, String identity, String sessionName, Duration duration,
                          Optional<String> sessionPolicy, Optional<String> externalId, String requestId) {
    public VendRequest {
        Objects.requireNonNull(roleName, "roleName");
        Objects.requireNonNull(roleArn, "roleArn");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(sessionName, "sessionName");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(sessionPolicy, "sessionPolicy");
        Objects.requireNonNull(externalId, "externalId");
    }

    /** What this request shares a cached credential by. */
    CredentialKey key() {
        return new CredentialKey(roleArn, identity, duration.toSeconds(), sessionPolicy.orElse(""), externalId.orElse(""));
    }

    /** The STS call that mints a credential for this request. */
    AssumeRoleRequest assumeRole() {
        return new AssumeRoleRequest(roleArn, sessionName, duration, sessionPolicy, externalId);
    }
}
