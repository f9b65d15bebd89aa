package io.stsbroker.client;

import io.stsbroker.client.internal.Json;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link BrokerClient#fetch(CredentialsRequest)} asks for: a role, and optionally a shorter
 * session than the role's own and a session policy narrowing it ({@code POST /v1/credentials}).
 *
 * <p>The broker judges both options (the duration must exceed its refresh-ahead, 30 minutes by
 * default, and be at most the role's; the policy is at most 2048 characters and refused on a role
 * that has one): a refusal comes back as a {@link BrokerException} with HTTP status 400 and code
 * {@code InvalidParameter}. Here only the shape is checked.
 *
 * @param role     the broker role name, 1-128 printable characters
 * @param duration the session duration in whole seconds, or empty for the role's own
 * @param policy   a session policy document (JSON text), or empty for none
 */
public record CredentialsRequest(String role, Optional<Duration> duration, Optional<String> policy) {

    public CredentialsRequest {
        BrokerClient.checkRole(role);
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(policy, "policy");
        duration.ifPresent(d -> {
            if (d.isNegative() || d.isZero() || d.getNano() != 0) {
                throw new IllegalArgumentException("duration must be a positive whole number of seconds: " + d);
            }
        });
        policy.ifPresent(p -> {
            if (p.isBlank()) {
                throw new IllegalArgumentException("policy must not be blank");
            }
        });
    }

    /** The role's own duration and no session policy: the same as {@code GET /v1/credentials/{role}}. */
    public static CredentialsRequest of(String role) {
        return new CredentialsRequest(role, Optional.empty(), Optional.empty());
    }

    /** This request with a session of {@code duration} (whole seconds). */
    public CredentialsRequest withDuration(Duration duration) {
        return new CredentialsRequest(role, Optional.of(duration), policy);
    }

    /** This request narrowed by the session policy {@code policy} (a JSON policy document). */
    public CredentialsRequest withPolicy(String policy) {
        return new CredentialsRequest(role, duration, Optional.of(policy));
    }

    /** Whether it asks for more than the role's defaults, so it must be sent as a {@code POST}. */
    public boolean hasOptions() {
        return duration.isPresent() || policy.isPresent();
    }

    /** The {@code POST /v1/credentials} body, as openapi.yaml's {@code CredentialsRequest} schema. */
    String toJson() {
        StringBuilder json = new StringBuilder("{\"role\":").append(Json.quote(role));
        duration.ifPresent(d -> json.append(",\"durationSeconds\":").append(d.toSeconds()));
        policy.ifPresent(p -> json.append(",\"policy\":").append(Json.quote(p)));
        return json.append('}').toString();
    }
}
