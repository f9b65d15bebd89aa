package io.stsbroker.api;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.stsbroker.testing.TestKeys;
import io.stsbroker.testing.TestTokens;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** With {@code broker.http.warm-route=false} every request takes the full path, and still gets its credential. */
@QuarkusTest
@TestProfile(WarmRouteSwitchedOffTest.WarmRouteOff.class)
class WarmRouteSwitchedOffTest {

    public static class WarmRouteOff implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("broker.http.warm-route", "false");
        }
    }

    @Test
    void repeatedRequestsAreServedByTheFullPathOnly() {
        String token = TestKeys.bearer(TestTokens.rs256("system:serviceaccount:warm:switched-off"));
        String first = given().header("Authorization", token).get("/v1/credentials/warm-lab")
                .then().statusCode(200).extract().path("accessKeyId");
        for (int i = 0; i < 3; i++) {
            given().header("Authorization", token).get("/v1/credentials/warm-lab")
                    .then().statusCode(200).body("accessKeyId", equalTo(first));
        }
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("broker_vend_warm_total 0.0");
        assertThat(metrics).containsPattern("broker_cache_requests_total\\{result=\"hit\"} 3\\.0");
    }
}
