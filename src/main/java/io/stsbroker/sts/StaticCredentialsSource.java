package io.stsbroker.sts;

import io.smallrye.mutiny.Uni;

import java.util.Objects;

/**
 * A fixed identity that never changes, such as the embedded STS's own key pair.
 */
public final class StaticCredentialsSource implements SigningCredentialsSource {

    private final SigningCredentials credentials;

    public StaticCredentialsSource(SigningCredentials credentials) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
    }

    @Override
    public Uni<SigningCredentials> current() {
        return Uni.createFrom().item(credentials);
    }

    @Override
    public String toString() {
        return "StaticCredentialsSource[" + credentials + "]";
    }
}
