package io.stsbroker.injection;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Optional;

/**
 * Whether a pod has the shape the patch relies on: the API server decodes every pod before
 * admission, so only a forged review fails this, and it is refused rather than patched blindly.
 */
final class PodShape {

    private PodShape() {
    }

    /** What is wrong with {@code pod}'s shape, or empty. */
    static Optional<String> problem(JsonNode pod) {
        JsonNode spec = pod.path("spec");
        if (!pod.path("metadata").path("labels").isObject() || !spec.isObject()) {
            return bad("metadata.labels and spec must be objects");
        }
        JsonNode annotations = pod.path("metadata").path("annotations");
        if (!annotations.isMissingNode() && !annotations.isObject()) {
            return bad("metadata.annotations must be an object");
        }
        if (!spec.path("containers").isArray() || spec.path("containers").isEmpty()) {
            return bad("spec.containers must be a non-empty array");
        }
        for (String field : new String[] {"initContainers", "volumes"}) {
            if (!spec.path(field).isMissingNode() && !spec.path(field).isArray()) {
                return bad("spec." + field + " must be an array");
            }
        }
        for (String field : new String[] {"containers", "initContainers"}) {
            for (JsonNode c : spec.path(field)) {
                if (!c.isObject() || !c.path("name").isTextual()
                        || !(c.path("env").isMissingNode() || c.path("env").isArray())) {
                    return bad("each of spec." + field + " must be an object with a name and an env array if any");
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> bad(String what) {
        return Optional.of(Warnings.PREFIX + "not a valid Pod: " + what);
    }
}
