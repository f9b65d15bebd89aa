package io.stsbroker.sts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Reads STS response bodies. Messages of the exceptions thrown here name the missing field only:
 * a success body holds a secret and a token, so no part of a body is ever copied into a message.
 */
final class StsResponses {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The fields of an STS error body that the broker acts on. */
    record ErrorBody(String code, String requestId) {
    }

    /** A body that is not the JSON STS promised. */
    static final class MalformedResponseException extends Exception {
        MalformedResponseException(String message) {
            super(message, null, false, false);
        }
    }

    private StsResponses() {
    }

    /** The credentials of an AssumeRole success body. */
    static StsCredentials credentials(byte[] body) throws MalformedResponseException {
        JsonNode root = read(body).orElseThrow(() -> new MalformedResponseException("success body is not a JSON object"));
        JsonNode creds = root.path("Credentials");
        String expiration = text(creds, "Expiration");
        return new StsCredentials(text(creds, "AccessKeyId"), text(creds, "AccessKeySecret"),
                text(creds, "SecurityToken"), instant(expiration), root.path("RequestId").asText(null));
    }

    /** The {@code Code} and {@code RequestId} of an STS error body, or empty when the body has no {@code Code}. */
    static Optional<ErrorBody> error(byte[] body) {
        return read(body)
                .filter(root -> root.path("Code").isTextual() && !root.path("Code").asText().isBlank())
                .map(root -> new ErrorBody(root.path("Code").asText(), root.path("RequestId").asText(null)));
    }

    private static Optional<JsonNode> read(byte[] body) {
        try {
            JsonNode node = MAPPER.readTree(body);
            return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String text(JsonNode parent, String field) throws MalformedResponseException {
        JsonNode node = parent.path(field);
        if (!node.isTextual() || node.asText().isEmpty()) {
            throw new MalformedResponseException("success body lacks Credentials." + field);
        }
        return node.asText();
    }

    private static Instant instant(String value) throws MalformedResponseException {
        Optional<Instant> strict = RpcTimestamps.parse(value);
        if (strict.isPresent()) {
            return strict.get();
        }
        try {
            // Tolerate fractional seconds or offsets should STS ever send them; still an instant.
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new MalformedResponseException("Credentials.Expiration is not a timestamp");
        }
    }
}
