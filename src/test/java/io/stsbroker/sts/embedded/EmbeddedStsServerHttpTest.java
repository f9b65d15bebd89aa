package io.stsbroker.sts.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.stsbroker.sts.RpcSignature;
import io.stsbroker.sts.SignedRequests;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The embedded STS over real HTTP: methods, parameter sources, replay, limits and counters. */
@QuarkusTest
class EmbeddedStsServerHttpTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROLE = "acs:ram::1234567890123456:role/search-reader";

    @Inject
    EmbeddedStsServer server;

    @Inject

    StsCounters counters;
    @Inject
    EmbeddedStsKeys keys;
    @Inject
    Clock clock;

    private Map<String, String> params() {
        return SignedRequests.assumeRole(keys.accessKeyId(), clock, ROLE, "http-test");
    }

    @Test
    void the_server_listens_on_loopback_on_a_free_port_in_tests() {
        assertThat(server.isRunning()).isTrue();
        assertThat(server.actualPort()).isPositive();
        assertThat(server.baseUrl()).isEqualTo("http://127.0.0.1:" + server.actualPort());
    }

    @Test
    void a_signed_get_is_answered_with_credentials() throws Exception {
        HttpResponse<String> response = SignedRequests.send("GET", server.baseUrl(),
                SignedRequests.signedQuery("GET", params(), keys.accessKeySecret()));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(JSON.readTree(response.body()).at("/Credentials/AccessKeyId").asText()).startsWith("STS.");
    }

    @Test
    void a_post_with_a_form_body_is_answered_with_credentials() throws Exception {
        Map<String, String> p = params();
        p.put("Signature", RpcSignature.sign("POST", p, keys.accessKeySecret()));
        String form = RpcSignature.canonicalQuery(p) + "&Signature=" + RpcSignature.percentEncode(p.get("Signature"));
        HttpResponse<String> response = SignedRequests.postForm(server.baseUrl(), form);
        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void the_same_signed_request_sent_twice_is_refused_as_a_replay() throws Exception {
        String query = SignedRequests.signedQuery("POST", params(), keys.accessKeySecret());
        assertThat(SignedRequests.send("POST", server.baseUrl(), query).statusCode()).isEqualTo(200);
        HttpResponse<String> replay = SignedRequests.send("POST", server.baseUrl(), query);
        assertThat(replay.statusCode()).isEqualTo(400);
        JsonNode body = JSON.readTree(replay.body());
        assertThat(body.get("Code").asText()).isEqualTo("SignatureNonceUsed");
        assertThat(replay.headers().firstValue("x-acs-request-id")).contains(body.get("RequestId").asText());
    }

    @Test
    void a_maximal_policy_fits_in_the_request_line() throws Exception {
        Map<String, String> p = params();
        // 2048 characters that all need percent-encoding: about 6 KB on the request line.
        String policy = "{\"a\":\"" + "é".repeat(2048 - 8) + "\"}";
        p.put("Policy", policy);
        HttpResponse<String> response = SignedRequests.send("POST", server.baseUrl(),
                SignedRequests.signedQuery("POST", p, keys.accessKeySecret()));
        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void a_badly_encoded_query_is_a_400_sts_error() throws Exception {
        long calls = counters.callCount();
        assertThat(SignedRequests.sendRaw(server.actualPort(), "GET /?Action=%zz HTTP/1.1")).isEqualTo(400);
        assertThat(counters.callCount()).isEqualTo(calls + 1);
    }

    @Test
    void other_methods_are_refused_with_405() throws Exception {
        HttpResponse<String> response = SignedRequests.send("PUT", server.baseUrl(),
                SignedRequests.signedQuery("PUT", params(), keys.accessKeySecret()));
        assertThat(response.statusCode()).isEqualTo(405);
    }

    @Test
    void every_answer_is_counted_and_only_successes_are_issued() throws Exception {
        long calls = counters.callCount();
        long issued = counters.issuedCount();
        SignedRequests.send("POST", server.baseUrl(), SignedRequests.signedQuery("POST", params(), keys.accessKeySecret()));
        SignedRequests.send("POST", server.baseUrl(), SignedRequests.signedQuery("POST", params(), "wrong"));
        assertThat(counters.callCount()).isEqualTo(calls + 2);
        assertThat(counters.issuedCount()).isEqualTo(issued + 1);
    }

    @Test
    void the_query_wins_over_the_form_body() throws Exception {
        Map<String, String> p = new HashMap<>(params());
        String query = SignedRequests.signedQuery("POST", p, keys.accessKeySecret());
        // The same names in the body with other values must not change what was verified.
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.baseUrl() + "/?" + query))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("RoleArn=bad&DurationSeconds=1"))
                .build();
        HttpResponse<String> response = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
    }
}
