package io.stsbroker.auth;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** A bearer token that is not JWT-shaped, to be checked against the configured API-key digests. */
final class ApiKeyAuthenticationRequest extends BaseAuthenticationRequest {

    private final String key;

    ApiKeyAuthenticationRequest(String key) {
        this.key = key;
    }

    String key() {
        return key;
    }

    @Override
    public String toString() {
        return "ApiKeyAuthenticationRequest[key=<hidden>]";
    }
}
