package io.stsbroker.sts;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The parameters of one STS {@code AssumeRole} call, already validated by the policy layer.
 *
 * @param roleArn         {@code acs:ram::<account>:role/<name>}
 * @param roleSessionName 2..32 characters of {@code [A-Za-z0-9.@_-]}
 * @param duration        whole seconds, 900..43200
 * @param policy          optional session policy JSON (scope-down), at most 2048 characters
 * @param externalId      optional ExternalId required by the role's trust policy
 */
public record AssumeRoleRequest(String roleArn, String roleSessionName, Duration duration,
                                Optional<String> policy, Optional<String> externalId) {
    public AssumeRoleRequest {
        Objects.requireNonNull(roleArn, "roleArn");
        Objects.requireNonNull(roleSessionName, "roleSessionName");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(externalId, "externalId");
    }
}
