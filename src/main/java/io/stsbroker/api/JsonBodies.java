package io.stsbroker.api;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.stsbroker.error.BrokerException;
import io.stsbroker.error.ErrorCode;

/**
 * Reads the JSON request bodies of {@code POST /v1/credentials} and {@code POST /v1/admin/invalidate}
 * strictly: a body with a duplicate key ({@code {"role":"a","role":"b"}}) or anything after the
 * document ({@code {"role":"a"} {"x":1}}) is refused, because two readers of the same bytes (a
 * proxy or an audit tool that keeps the first key, Jackson that keeps the last) must never see two
 * different requests. Malformed UTF-8 is refused too, since the bytes go to Jackson undecoded.
 */
final class JsonBodies {

    static final String NOT_JSON = "The request body is not valid JSON of the expected shape.";

    private static final ObjectReader STRICT = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build()
            .reader();

    private JsonBodies() {
    }

    /**
     * The body as a tree, or null for an empty body.
     *
     * @throws BrokerException {@code InvalidParameter} when the body is not one well-formed JSON
     *                         document without duplicate keys; the message never quotes the input
     */
    static JsonNode read(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            return STRICT.readTree(body);
        } catch (Exception e) {
            // Jackson's message can quote the input, which may be a secret pasted in the wrong field.
            throw new BrokerException(ErrorCode.INVALID_PARAMETER, NOT_JSON);
        }
    }
}
