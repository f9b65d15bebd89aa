package io.stsbroker.vending;

import io.stsbroker.sts.AssumeRoleRequest;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * An authorized request for credentials: the {@link CredentialKey} it shares a cached credential
 * by (which holds the role ARN, caller identity, duration, session policy and external id), plus
 * what only a mint needs (the session name) and what only the audit records need (the role's
 * catalogue name and the HTTP request id). Nothing here is checked again.
 *
 * @param key         the cache key; also the parameters of the STS call, see {@link #assumeRole()}
 * @param roleName    the catalogue name, echoed in the response
 * @param sessionName the RoleSessionName derived from the identity
 * @param requestId   the HTTP request id, for the audit record of a mint
 */
public record VendRequest(CredentialKey key, String roleName, String sessionName, String requestId) {

    public VendRequest {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(roleName, "roleName");
        Objects.requireNonNull(sessionName, "sessionName");
    }

    /**
     * @param roleArn       the role to assume
     * @param identity      the full caller identity; part of the cache key, so callers never share
     * @param duration      session duration asked of STS
     * @param sessionPolicy the session policy to send, if any
     * @param externalId    the ExternalId to send, if any
     */
    public VendRequest(String roleName, String roleArn, String identity, String sessionName, Duration duration,
                       Optional<String> sessionPolicy, Optional<String> externalId, String requestId) {
        // Neither a canonical policy nor a valid ExternalId (2+ characters) is ever empty: "" means none.
        this(new CredentialKey(Objects.requireNonNull(roleArn, "roleArn"), Objects.requireNonNull(identity, "identity"),
                duration.toSeconds(), sessionPolicy.orElse(""), externalId.orElse("")), roleName, sessionName, requestId);
    }

    public String roleArn() {
        return key.roleArn();
    }

    public String identity() {
        return key.identity();
    }

    /** The STS call that mints a credential for this request (made only on a mint, never per hand-out). */
    AssumeRoleRequest assumeRole() {
        return new AssumeRoleRequest(key.roleArn(), sessionName, Duration.ofSeconds(key.durationSeconds()),
                optional(key.policy()), optional(key.externalId()));
    }

    private static Optional<String> optional(String s) {
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }
}
