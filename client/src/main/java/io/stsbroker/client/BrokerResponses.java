package io.stsbroker.client;

import io.stsbroker.client.internal.Json;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * Reads the bodies of successful broker responses into value types; failures to do so are
 * reported without quoting the body, which holds secrets.
 */
final class BrokerResponses {
    private BrokerResponses() {
    }

    /** Reads a {@code GET /v1/credentials/{role}} 200 body. */
    static TemporaryCredentials credentials(BrokerResponse response) {
        Map<String, Object> json = object(response, "credentials");
        String expiration = required(json, "expiration", response);
        Instant expiresAt;
        try {
            expiresAt = Instant.parse(expiration);
        } catch (DateTimeParseException e) {
            throw malformed("its expiration is not an ISO-8601 instant", response);
        }
        return new TemporaryCredentials(
                required(json, "accessKeyId", response),
                required(json, "accessKeySecret", response),
                required(json, "securityToken", response),
                expiresAt,
                optional(json, "role"),
                optional(json, "roleArn"),
                optional(json, "sessionName"));
    }

    /** Reads a {@code GET /api/v1/status} 200 body. */
    static BrokerStatus status(BrokerResponse response) {
        Map<String, Object> json = object(response, "status");
        return new BrokerStatus(optional(json, "status"), optional(json, "caller"),
                optional(json, "provider"), optional(json, "version"));
    }

    private static Map<String, Object> object(BrokerResponse response, String what) {
        try {
            return Json.parseObject(response.body());
        } catch (IllegalArgumentException e) {
            throw malformed("the " + what + " response is " + e.getMessage(), response);
        }
    }

    private static String required(Map<String, Object> json, String field, BrokerResponse response) {
        if (json.get(field) instanceof String value && !value.isBlank()) {
            return value;
        }
        throw malformed("the credentials response has no string field '" + field + "'", response);
    }

    private static String optional(Map<String, Object> json, String field) {
        return json.get(field) instanceof String value ? value : null;
    }

    private static BrokerException malformed(String problem, BrokerResponse response) {
        String requestId = response.header("X-Request-Id").orElse(null);
        String message = "The broker's answer could not be used: " + problem
                + (requestId == null ? "" : " (requestId=" + requestId + ")")
                + ". Check that STS_BROKER_URL points at sts-broker and that client and broker versions match.";
        return new BrokerException(message, new BrokerError(response.status(),
                BrokerError.CLIENT_MALFORMED_RESPONSE, problem, requestId, null));
    }
}
