package io.stsbroker.api.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.zjsonpatch.JsonPatch;
import io.restassured.http.ContentType;
import io.stsbroker.deploy.Manifests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * AdmissionReview requests built around the objects in {@code src/test/resources/admission}, sent
 * over real HTTP, and their answers: every patch is applied with an RFC 6902 implementation and the
 * result bound strictly to fabric8's Pod model.
 */
final class Reviews {

    static final ObjectMapper JSON = new ObjectMapper();

    private Reviews() {
    }

    static JsonNode object(String file) {
        try {
            return JSON.readTree(Files.readString(Path.of("src/test/resources/admission", file)));
        } catch (IOException e) {
            throw new AssertionError(file + ": " + e.getMessage(), e);
        }
    }

    /** An {@code admission.k8s.io/v1} review of {@code object} being created in {@code namespace}. */
    static ObjectNode review(String uid, String group, String version, String kind, String namespace, JsonNode object) {
        ObjectNode review = JSON.createObjectNode().put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
        ObjectNode request = review.putObject("request").put("uid", uid).put("operation", "CREATE").put("namespace", namespace);
        request.putObject("kind").put("group", group).put("version", version).put("kind", kind);
        request.putObject("resource").put("group", group).put("version", version)
                .put("resource", kind.toLowerCase(java.util.Locale.ROOT) + "s");
        request.set("object", object);
        return review;
    }

    static ObjectNode podReview(String uid, String namespace, JsonNode pod) {
        return review(uid, "", "v1", "Pod", namespace, pod);
    }

    /** Posts {@code review} and returns the response part of the answer, checking the envelope and uid. */
    static JsonNode send(ObjectNode review) {
        String body = given().contentType(ContentType.JSON).body(review.toString())
                .when().post(AdmissionRoute.PATH)
                .then().statusCode(200).contentType(ContentType.JSON).extract().asString();
        JsonNode answer;
        try {
            answer = JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertThat(answer.path("apiVersion").asText()).isEqualTo("admission.k8s.io/v1");
        assertThat(answer.path("kind").asText()).isEqualTo("AdmissionReview");
        assertThat(answer.path("response").path("uid").asText()).isEqualTo(review.path("request").path("uid").asText());
        return answer.path("response");
    }

    /** {@code pod} with the response's patch applied (unchanged without one), bound strictly to the Pod model. */
    static Pod patched(JsonNode pod, JsonNode response) {
        JsonNode result = pod;
        if (response.has("patch")) {
            assertThat(response.path("patchType").asText()).isEqualTo("JSONPatch");
            JsonNode ops;
            try {
                ops = JSON.readTree(Base64.getDecoder().decode(response.path("patch").asText()));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            result = JsonPatch.apply(ops, pod);
        }
        return Manifests.strictly(result, Pod.class);
    }

    static JsonNode patchedTree(JsonNode pod, JsonNode response) {
        return JSON.valueToTree(patched(pod, response));
    }
}
