package io.stsbroker.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one canonical text of a session policy, so that equal policies share one cache entry and STS
 * receives the same text whichever way the caller wrote it.
 *
 * <p>Canonical means: parsed with Jackson and written back compact (no whitespace between tokens),
 * object keys sorted by their UTF-16 code units at every depth, array order kept (it is the
 * caller's), strings written with Jackson's minimal escaping (non-ASCII as UTF-8 characters, not
 * {@code \\u} escapes), integers as they are, and other numbers as plain decimals without trailing
 * zeros ({@code 1.50} and {@code 1.5e0} become {@code 1.5}), with no loss of precision.
 *
 * <p>A document STS would read differently than we do is refused rather than canonicalised: a
 * duplicate key (which of the two would STS keep?) or anything after the closing brace.
 */
public final class SessionPolicy {

    /** STS's limit on a session policy, applied to the text as given and to the canonical text (what is sent). */
    public static final int MAX_CHARS = 2048;

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonNodeFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .enable(JsonNodeFeature.WRITE_PROPERTIES_SORTED)
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .disable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private SessionPolicy() {
    }

    /**
     * The canonical text of {@code policy}.
     *
     * @throws IllegalArgumentException saying why STS would refuse it (never quoting it)
     */
    public static String canonical(String policy) {
        if (policy.isBlank() || policy.length() > MAX_CHARS) {
            throw new IllegalArgumentException("a session policy is 1.." + MAX_CHARS + " characters of JSON");
        }
        JsonNode node;
        try {
            node = JSON.readTree(policy);
        } catch (JsonProcessingException e) {
            // The message is not used: Jackson quotes the input.
            throw new IllegalArgumentException("a session policy must be one JSON object without duplicate keys");
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("a session policy must be a JSON object");
        }
        String canonical;
        try {
            canonical = JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed JSON tree always serialises");
        }
        if (canonical.length() > MAX_CHARS) {
            // Possible only through numbers written short (1e300 becomes 301 digits).
            throw new IllegalArgumentException("a session policy is 1.." + MAX_CHARS + " characters, also once canonical");
        }
        return canonical;
    }
}
