package io.stsbroker.api;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.stsbroker.testing.TestKeys;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

/**
 * JSON bodies are read strictly on both POST endpoints: a duplicate key or data after the document
 * is 400 {@code InvalidParameter}, never "last key wins" or "first document wins". The same body
 * without the duplicate or the trailer is accepted, so the refusal is about exactly that. Runs with
 * {@code broker.http.warm-route} on, and off in {@link StrictJsonBodiesWarmRouteOffTest}.
 */
@QuarkusTest
class StrictJsonBodiesTest {

    private static final String REPORTING = TestKeys.bearer(TestKeys.REPORTING);
    private static final String ADMIN = TestKeys.bearer("hardening-admin-key");

    private static Response post(String path, String auth, String body) {
        return given().header("Authorization", auth).contentType("application/json").body(body).post(path);
    }

    private static void refused(Response r) {
        r.then().statusCode(400).body("code", equalTo("InvalidParameter"))
                .body("message", equalTo(JsonBodies.NOT_JSON));
    }

    @Test
    void credentialsBodyWithADuplicateKeyIsRefused() {
        post("/v1/credentials", REPORTING, "{\"role\":\"search-reader\"}").then().statusCode(200);
        refused(post("/v1/credentials", REPORTING, "{\"role\":\"no-such-role\",\"role\":\"search-reader\"}"));
        refused(post("/v1/credentials", REPORTING, "{\"role\":\"search-reader\",\"role\":\"search-reader\"}"));
        refused(post("/v1/credentials", REPORTING,
                "{\"role\":\"search-reader\",\"durationSeconds\":3600,\"durationSeconds\":1900}"));
    }

    @Test
    void credentialsBodyWithTrailingDataIsRefused() {
        refused(post("/v1/credentials", REPORTING, "{\"role\":\"search-reader\"} {\"x\":1}"));
        refused(post("/v1/credentials", REPORTING, "{\"role\":\"search-reader\"}]"));
        refused(post("/v1/credentials", REPORTING, "{\"role\":\"search-reader\"} 1"));
        // Whitespace after the document is not data.
        post("/v1/credentials", REPORTING, "{\"role\":\"search-reader\"} \r\n\t ").then().statusCode(200);
    }

    @Test
    void invalidateBodyWithADuplicateKeyIsRefused() {
        post("/v1/admin/invalidate", ADMIN, "{\"role\":\"strict-json-nothing-cached\"}").then().statusCode(200);
        refused(post("/v1/admin/invalidate", ADMIN, "{\"role\":\"search-reader\",\"role\":\"strict-json-nothing\"}"));
        refused(post("/v1/admin/invalidate", ADMIN,
                "{\"caller\":\"apikey:nobody\",\"caller\":\"apikey:strict-json-nothing\"}"));
    }

    @Test
    void invalidateBodyWithTrailingDataIsRefused() {
        refused(post("/v1/admin/invalidate", ADMIN, "{\"role\":\"strict-json-nothing\"} {\"caller\":\"x\"}"));
        refused(post("/v1/admin/invalidate", ADMIN, "{\"role\":\"strict-json-nothing\"}}"));
    }

}
