package io.stsbroker.policy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One entry of the role catalogue, validated: who may use it and what the broker asks of STS.
 *
 * @param name       the name callers ask for
 * @param arn        {@code acs:ram::<account-id>:role/<role-name>}
 * @param duration   the session duration asked of STS, and the longest a caller may ask for
 * @param policy     session policy sent with every AssumeRole for this role, if any
 * @param externalId ExternalId sent when the role's trust policy asks for one
 * @param allow      identity patterns granted the role; empty means nobody
 */
public record Role(String name, String arn, Duration duration, Optional<String> policy,
                   Optional<String> externalId, List<IdentityPattern> allow) {

    public Role {
        allow = List.copyOf(allow);
    }

    /** Whether {@code identity} matches one of the role's {@code allow} patterns. */
    public boolean grants(String identity) {
        for (IdentityPattern p : allow) {
            if (p.matches(identity)) {
                return true;
            }
        }
        return false;
    }
}
