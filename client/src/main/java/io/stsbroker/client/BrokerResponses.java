package io.stsbroker.client;

import io.stsbroker.client.internal.Json;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the bodies of successful broker responses into value types; failures to do so are
 * reported without quoting the body, which holds secrets.
 */
final class BrokerResponses {
    /** STS access key ids: "STS." and letters and digits. */
    private static final Pattern ACCESS_KEY_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    /** Secrets: letters, digits and base64 punctuation. */
    private static final Pattern ACCESS_KEY_SECRET = Pattern.compile("[A-Za-z0-9+/=._-]{1,256}");
    /** Security tokens: base64 (with + / =) of a few KiB. */
    private static final Pattern SECURITY_TOKEN = Pattern.compile("[A-Za-z0-9+/=._*~-]{1,16384}");
    private static final Pattern LABEL = Pattern.compile("[\\x20-\\x7e]{1,256}");
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
                shaped(json, "accessKeyId", ACCESS_KEY_ID, response),
                shaped(json, "accessKeySecret", ACCESS_KEY_SECRET, response),
                shaped(json, "securityToken", SECURITY_TOKEN, response),
                expiresAt,
                label(json, "role", response),
                label(json, "roleArn", response),
                label(json, "sessionName", response));
    }

    /** Reads a {@code GET /api/v1/status} 200 body. */
    static BrokerStatus status(BrokerResponse response) {
        Map<String, Object> json = object(response, "status");
        return new BrokerStatus(optional(json, "status"), optional(json, "caller"),
                optional(json, "provider"), optional(json, "version"));
    }

    /**
     * A credential field in its expected character set, else the whole answer is refused: these
     * values are handed to SDKs, put into headers and served by the sidecar, so a control
     * character or quote in them is a broken or hostile broker, never a credential.
     */
    private static String shaped(Map<String, Object> json, String field, Pattern shape, BrokerResponse response) {
        String value = required(json, field, response);
        if (!shape.matcher(value).matches()) {
            // Names the field only: the value may be a secret.
            throw malformed("its field '" + field + "' is not in the expected character set or length", response);
        }
        return value;
    }

    /** Metadata (role, ARN, session name): absent, or printable ASCII of bounded length. */
    private static String label(Map<String, Object> json, String field, BrokerResponse response) {
        String value = optional(json, field);
        if (value != null && !LABEL.matcher(value).matches()) {
            throw malformed("its field '" + field + "' is not printable text of at most 256 characters", response);
        }
        return value;
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
