package io.stsbroker.api.admission;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static io.restassured.RestAssured.given;
import static io.stsbroker.api.admission.Reviews.object;
import static io.stsbroker.api.admission.Reviews.podReview;
import static io.stsbroker.api.admission.Reviews.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code broker.injector.only=true}: the same application serves the webhook and health, and the
 * credential, role, status and admin APIs are absent (404 {@code NotFound}) before any
 * authentication, with the warm route on (its default) as well. It starts without an STS
 * identity or API keys. The absent paths are asked with the JDK's client, outside the contract
 * filter: openapi.yaml describes what a broker serves.
 */
@QuarkusTest
@TestProfile(InjectorOnly.class)
class InjectorOnlyModeTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TestHTTPResource("/")
    URI base;

    @Test
    void webhookAndHealthAreServed() {
        JsonNode response = send(podReview("only-1", "search", object("pod-labelled.json")));

        assertThat(response.path("allowed").asBoolean()).isTrue();
        assertThat(response.has("patch")).isTrue();
        assertThat(response.has("warnings")).as("search-reader is granted to search's service accounts").isFalse();
        given().when().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void credentialRoleStatusAndAdminApisAreAbsent() throws Exception {
        for (String path : List.of("v1/credentials/search-reader", "v1/roles", "api/v1/status", "q/openapi",
                "q/health/../../v1/roles", "v1/admission/mutate/../../credentials/search-reader")) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(base.resolve(path))
                    .header("Authorization", "Bearer test-key-reporting").build(), HttpResponse.BodyHandlers.ofString());

            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.body()).as(path).contains("\"code\":\"NotFound\"");
        }
        for (String path : List.of("v1/credentials", "v1/admin/invalidate")) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"role\":\"search-reader\"}")).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(r.statusCode()).as(path).isEqualTo(404);
        }
    }
}
