package io.stsbroker.api.admission;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stsbroker.injection.Decision;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The AdmissionReview answered for a {@link Decision}: the request's {@code uid}, {@code allowed},
 * the JSON Patch base64-encoded with {@code patchType: JSONPatch} when there is one, the warnings,
 * and for a refusal a {@code status} with code 400 and the reason (which {@code kubectl} prints).
 */
final class ReviewResponses {

    private ReviewResponses() {
    }

    static ObjectNode of(ObjectMapper json, String uid, Decision decision) {
        ObjectNode review = json.createObjectNode().put("apiVersion", ReviewRequest.API_VERSION).put("kind", ReviewRequest.KIND);
        ObjectNode response = review.putObject("response").put("uid", uid).put("allowed", decision.denial().isEmpty());
        decision.denial().ifPresent(why -> response.putObject("status").put("code", 400).put("message", why));
        if (!decision.patch().isEmpty()) {
            ArrayNode ops = json.createArrayNode();
            decision.patch().forEach(ops::add);
            response.put("patchType", "JSONPatch").put("patch", Base64.getEncoder().encodeToString(bytes(json, ops)));
        }
        if (!decision.warnings().isEmpty()) {
            ArrayNode warnings = response.putArray("warnings");
            decision.warnings().forEach(warnings::add);
        }
        return review;
    }

    static byte[] bytes(ObjectMapper json, Object value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    static String text(ObjectMapper json, Object value) {
        return new String(bytes(json, value), StandardCharsets.UTF_8);
    }
}
