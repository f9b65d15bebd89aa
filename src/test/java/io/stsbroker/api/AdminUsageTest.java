package io.stsbroker.api;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.stsbroker.testing.TestKeys;
import io.stsbroker.testing.TestTokens;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /v1/admin/usage}: admins only; per caller, requests served (by whichever path answered),
 * AssumeRole calls caused, 403s and 429s, and this replica's view said plainly. Responses are
 * validated against openapi.yaml (OpenApiContract). Runs with {@code broker.http.warm-route} on, and
 * off in {@link AdminUsageWarmRouteOffTest}.
 */
@QuarkusTest
class AdminUsageTest {

    private static final String ADMIN = TestKeys.bearer("hardening-admin-key");
    private static final String USAGE = "/v1/admin/usage";

    @Test
    void onlyAdminsMayReadUsage() {
        given().get(USAGE).then().statusCode(401);
        given().header("Authorization", TestKeys.bearer(TestKeys.REPORTING)).get(USAGE).then().statusCode(403)
                .body("code", org.hamcrest.Matchers.equalTo("Forbidden"));
        given().header("Authorization", ADMIN).get(USAGE).then().statusCode(200)
                .body("scope", org.hamcrest.Matchers.equalTo("replica"));
    }

    @Test
    void servedRequestsAssumeRoleCallsAndRefusalsAreCountedPerCaller() {
        String caller = "system:serviceaccount:cache:usage-" + UUID.randomUUID();
        String token = TestKeys.bearer(TestTokens.rs256(caller));
        for (int i = 0; i < 3; i++) { // one mint, then the cache (the warm route where it is on)
            given().header("Authorization", token).get("/v1/credentials/cache-lab").then().statusCode(200);
        }
        given().header("Authorization", token).get("/v1/credentials/iso-key").then().statusCode(403);

        await().untilAsserted(() -> assertThat(usageOf(caller))
                .containsEntry("served", 3).containsEntry("assumeRoleCalls", 1)
                .containsEntry("forbidden", 1).containsEntry("throttled", 0));
    }

    @Test
    void throttledRequestsAreCountedForTheirCaller() {
        // rate:slow may make one request per second (application.yml, test profile).
        String caller = "system:serviceaccount:rate:slow";
        String token = TestKeys.bearer(TestTokens.rs256(caller));
        Map<String, Object> before = usageOf(caller);
        int throttled = 0;
        for (int i = 0; i < 4; i++) {
            throttled += given().header("Authorization", token).get("/v1/credentials/upstream-lab").statusCode() == 429 ? 1 : 0;
        }
        int expected = throttled + count(before, "throttled");
        assertThat(throttled).isPositive();
        await().untilAsserted(() -> assertThat(count(usageOf(caller), "throttled")).isEqualTo(expected));
    }

    private static int count(Map<String, Object> usage, String field) {
        return usage.get(field) == null ? 0 : ((Number) usage.get(field)).intValue();
    }

    /** That caller's entry, or an empty map. */
    private static Map<String, Object> usageOf(String caller) {
        JsonPath body = given().header("Authorization", ADMIN).get(USAGE).then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> callers = body.getList("callers");
        return callers.stream().filter(c -> caller.equals(c.get("caller"))).findFirst().orElse(Map.of());
    }
}
