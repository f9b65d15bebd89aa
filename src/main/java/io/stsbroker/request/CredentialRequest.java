package io.stsbroker.request;

import java.util.Objects;
import java.util.Optional;

/**
 * One request for credentials as the HTTP adapters read it, before any check: the role name, the
 * raw {@code ?format=} value (judged by {@link CredentialRequests} after the grant check), the
 * caller's optional parameters and the request id.
 */
public record CredentialRequest(String roleName, String format, Parameters parameters, String requestId) {

    public CredentialRequest {
        Objects.requireNonNull(roleName, "roleName");
        Objects.requireNonNull(parameters, "parameters");
    }

    /**
     * The caller's optional session parameters (a POST body's {@code durationSeconds} and
     * {@code policy}); read only after the grant check, so a caller without the grant learns nothing
     * from a 400. Either method may throw a 400 {@link io.stsbroker.error.BrokerException}.
     */
    public interface Parameters {

        /** No parameters: the role's own duration and policy (a GET). */
        Parameters NONE = new Parameters() {
            @Override
            public Optional<Long> durationSeconds() {
                return Optional.empty();
            }

            @Override
            public Optional<String> policy() {
                return Optional.empty();
            }
        };

        Optional<Long> durationSeconds();

        Optional<String> policy();
    }
}
