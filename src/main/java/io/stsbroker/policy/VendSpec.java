package io.stsbroker.policy;

import java.time.Duration;
import java.util.Optional;

/**
 * What a caller may be given for one request, after authorization and parameter checks: the role,
 * the session duration and the session policy (the role's own, or the caller's narrower one).
 */
public record VendSpec(Role role, Duration duration, Optional<String> sessionPolicy) {
}
