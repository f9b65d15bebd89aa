package io.stsbroker.api;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.stsbroker.testing.TestKeys;
import io.stsbroker.testing.TestTokens;
import io.stsbroker.testing.WarmRouteOff;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** With {@code broker.http.warm-route=false} every request takes the full path, and still gets its credential. */
@QuarkusTest
@TestProfile(WarmRouteOff.class)
class WarmRouteSwitchedOffTest {

    private static double cacheHits() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("broker_vend_warm_total 0.0");
        return metrics.lines().filter(l -> l.startsWith("broker_cache_requests_total{result=\"hit\"}"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void repeatedRequestsAreServedByTheFullPathOnly() {
        String token = TestKeys.bearer(TestTokens.rs256("system:serviceaccount:warm:switched-off"));
        String first = given().header("Authorization", token).get("/v1/credentials/warm-lab")
                .then().statusCode(200).extract().path("accessKeyId");
        // Other classes share this profile's application: count this test's hits only.
        double hits = cacheHits();
        for (int i = 0; i < 3; i++) {
            given().header("Authorization", token).get("/v1/credentials/warm-lab")
                    .then().statusCode(200).body("accessKeyId", equalTo(first));
        }
        assertThat(cacheHits()).isEqualTo(hits + 3);
    }
}
