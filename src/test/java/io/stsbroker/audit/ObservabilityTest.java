package io.stsbroker.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.stsbroker.testing.TestKeys;
import io.stsbroker.testing.TestTokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** Every mint and every denial leaves one JSON audit line, and the broker's metrics are exported. */
@QuarkusTest
class ObservabilityTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            lines.add(r.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void capture() {
        Logger.getLogger("broker.audit").addHandler(capture);
    }

    @AfterEach
    void release() {
        Logger.getLogger("broker.audit").removeHandler(capture);
    }

    private List<JsonNode> audit(String event) throws Exception {
        List<JsonNode> found = new java.util.ArrayList<>();
        for (String l : lines) {
            JsonNode n = JSON.readTree(l);
            if (n.path("event").asText().equals(event)) {
                found.add(n);
            }
        }
        return found;
    }

    @Test
    void mintIsAuditedWithCallerSessionKeyIdAndNoSecret() throws Exception {
        String sub = "system:serviceaccount:cache:audited";
        Response r = given().header("Authorization", TestKeys.bearer(TestTokens.rs256(sub)))
                .header("X-Request-Id", "audit-mint-1").get("/v1/credentials/cache-lab");
        r.then().statusCode(200);
        List<JsonNode> mints = audit("mint");
        assertThat(mints).hasSize(1);
        JsonNode m = mints.get(0);
        assertThat(m.path("outcome").asText()).isEqualTo("Success");
        assertThat(m.path("requestId").asText()).isEqualTo("audit-mint-1");
        assertThat(m.path("caller").asText()).isEqualTo(sub);
        assertThat(m.path("role").asText()).isEqualTo("cache-lab");
        assertThat(m.path("sessionName").asText()).isEqualTo(r.path("sessionName"));
        assertThat(m.path("accessKeyId").asText()).isEqualTo(r.path("accessKeyId"));
        assertThat(m.path("expiration").asText()).isEqualTo(r.path("expiration"));
        assertThat(m.path("time").asText()).isNotEmpty();
        String all = String.join("\n", lines);
        assertThat(all).doesNotContain(r.<String>path("accessKeySecret")).doesNotContain(r.<String>path("securityToken"));
    }

    @Test
    void cachedHandOutIsNotAuditedByDefault() throws Exception {
        String token = TestKeys.bearer(TestTokens.rs256("system:serviceaccount:cache:audited-twice"));
        given().header("Authorization", token).get("/v1/credentials/cache-lab").then().statusCode(200);
        given().header("Authorization", token).get("/v1/credentials/cache-lab").then().statusCode(200);
        assertThat(audit("mint")).hasSize(1);
        assertThat(audit("handout")).isEmpty();
    }

    @Test
    void denialIsAuditedWithTheRealReason() throws Exception {
        given().header("Authorization", TestKeys.bearer(TestKeys.NOBODY)).header("X-Request-Id", "audit-deny-1")
                .get("/v1/credentials/search-reader").then().statusCode(403);
        given().header("Authorization", TestKeys.bearer(TestKeys.NOBODY)).header("X-Request-Id", "audit-deny-2")
                .get("/v1/credentials/no-such-role").then().statusCode(403);
        List<JsonNode> denials = audit("deny");
        assertThat(denials).extracting(n -> n.path("requestId").asText()).containsExactly("audit-deny-1", "audit-deny-2");
        assertThat(denials).extracting(n -> n.path("reason").asText()).containsExactly("not granted", "unknown role");
        assertThat(denials).allSatisfy(n -> assertThat(n.path("caller").asText()).isEqualTo("apikey:nobody"));
    }

    @Test
    void brokerMetricsAreExported() {
        given().header("Authorization", TestKeys.bearer(TestKeys.REPORTING)).get("/v1/credentials/search-reader")
                .then().statusCode(200);
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics)
                .contains("broker_vend_requests_total{outcome=\"Success\"")
                .contains("broker_cache_requests_total{result=\"hit\"")
                .contains("broker_cache_requests_total{result=\"miss\"")
                .contains("broker_cache_refreshes_total")
                .contains("broker_upstream_calls_total{result=\"Success\"")
                .contains("broker_upstream_latency_seconds_bucket")
                .contains("broker_credentials_remaining_seconds_count")
                .contains("broker_cache_size");
    }
}
