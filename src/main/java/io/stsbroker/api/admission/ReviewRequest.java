package io.stsbroker.api.admission;

import com.fasterxml.jackson.databind.JsonNode;
import io.stsbroker.error.BrokerException;
import io.stsbroker.error.ErrorCode;

/**
 * The parts of an {@code admission.k8s.io/v1} AdmissionReview request the webhook reads. Anything
 * that is not such a review is refused with 400 {@code InvalidParameter} (the API server never
 * sends one; a forged or broken client does), so only well-formed reviews get a review back.
 *
 * @param uid       echoed in the response, as the API server requires
 * @param group     the object's API group ({@code ""} for the core group)
 * @param kind      the object's kind
 * @param operation {@code CREATE}, {@code UPDATE}, {@code DELETE} or {@code CONNECT}
 * @param namespace the namespace the object is created in (a pod's own metadata may not say yet)
 * @param object    the object; a missing node on {@code DELETE}
 */
record ReviewRequest(String uid, String group, String kind, String operation, String namespace, JsonNode object) {

    static final String API_VERSION = "admission.k8s.io/v1";
    static final String KIND = "AdmissionReview";

    static ReviewRequest of(JsonNode review) {
        if (!review.isObject()) {
            throw invalid("The body must be a JSON object, an " + API_VERSION + " " + KIND + ".");
        }
        if (!API_VERSION.equals(review.path("apiVersion").asText(null)) || !KIND.equals(review.path("kind").asText(null))) {
            throw invalid("Only apiVersion " + API_VERSION + ", kind " + KIND + " is accepted.");
        }
        JsonNode request = review.path("request");
        if (!request.isObject()) {
            throw invalid("The " + KIND + " has no request object.");
        }
        String uid = text(request, "uid");
        JsonNode kind = request.path("kind");
        String group = kind.path("group").isTextual() ? kind.path("group").asText() : "";
        return new ReviewRequest(uid, group, text(kind, "kind"), text(request, "operation"),
                request.path("namespace").asText(""), request.path("object"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        if (!v.isTextual() || v.asText().isBlank() || v.asText().length() > 256) {
            throw invalid("request field " + field + " must be a non-blank string of at most 256 characters.");
        }
        return v.asText();
    }

    private static BrokerException invalid(String message) {
        return new BrokerException(ErrorCode.INVALID_PARAMETER, message);
    }
}
