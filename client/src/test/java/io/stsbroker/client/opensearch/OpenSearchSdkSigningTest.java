package io.stsbroker.client.opensearch;

import io.stsbroker.testsupport.OpenSearchSignatureVerifier;
import com.aliyun.opensearch.OpenSearchClient;
import io.stsbroker.client.TemporaryCredentials;
import io.stsbroker.testsupport.OpenSearchSignatureVerifier.KnownKey;
import io.stsbroker.testsupport.OpenSearchSignatureVerifier.SignedRequest;
import io.stsbroker.testsupport.OpenSearchSignatureVerifier.Verdict;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official SDK, built by {@link OpenSearchClients}, sends real requests to a loopback server;
 * the captured headers must satisfy the verifier with the secret the client was given.
 */
class OpenSearchSdkSigningTest {
    private static final TemporaryCredentials CREDENTIALS = new TemporaryCredentials(
            "STS.sdkid", "sdk-secret/with+chars=", "CAIS+sdk/token=with~chars*", Instant.parse("2030-01-01T00:00:00Z"));

    private CapturingHttpServer server;
    private OpenSearchClient client;

    @BeforeEach
    void start() throws Exception {
        server = new CapturingHttpServer();
        client = OpenSearchClients.create(CREDENTIALS, OpenSearchEndpoint.of(server.endpoint()));
    }

    @AfterEach
    void stop() {
        RetiredClients.release(client);
        server.close();
    }

    @Test
    void sdkSearchRequest_isSignedTheWayTheVerifierExpects() throws Exception {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("query", "config=start:0,hit:10&&query=default:'open search'");
        params.put("fetch_fields", "id;title");
        params.put("empty", "");

        client.call("/apps/my_app/search", params, "GET");

        SignedRequest request = server.requests().get(0);
        assertThat(request.rawPath()).isEqualTo("/v3/openapi/apps/my_app/search");
        assertThat(request.header("Authorization")).hasValueSatisfying(a -> a.startsWith("OPENSEARCH STS.sdkid:"));
        assertThat(request.header("X-Opensearch-Security-Token")).contains(CREDENTIALS.securityToken());
        assertThat(verifierKnowing(CREDENTIALS.accessKeySecret()).verify(request)).isEqualTo(new Verdict(true, "STS.sdkid", "ok"));
    }

    @Test
    void sdkPostRequest_isSignedOverItsBodyMd5() throws Exception {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("_POST_BODY", "[{\"cmd\":\"add\",\"fields\":{\"id\":\"1\",\"title\":\"héllo\"}}]");

        client.call("/apps/my_app/my_table/actions/bulk", params, "POST");

        SignedRequest request = server.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.header("Content-Md5")).contains(OpenSearchSignatureVerifier.md5Hex(request.body()));
        assertThat(verifierKnowing(CREDENTIALS.accessKeySecret()).verify(request).valid()).isTrue();
    }

    @Test
    void sdkRequest_failsVerificationAgainstAnyOtherSecret() throws Exception {
        client.call("/apps/my_app/search", Map.of("query", "query=default:'x'"), "GET");

        assertThat(verifierKnowing("another-secret").verify(server.requests().get(0)).reason())
                .isEqualTo("signature does not match");
    }

    private static OpenSearchSignatureVerifier verifierKnowing(String secret) {
        return new OpenSearchSignatureVerifier(
                id -> id.equals(CREDENTIALS.accessKeyId())
                        ? Optional.of(new KnownKey(secret, CREDENTIALS.securityToken()))
                        : Optional.empty(),
                Clock.systemUTC(), Duration.ofMinutes(15));
    }
}
