package io.stsbroker.e2e;

import com.aliyun.opensearch.OpenSearchClient;
import com.aliyun.opensearch.SearcherClient;
import com.aliyun.opensearch.sdk.generated.commons.OpenSearchClientException;
import com.aliyun.opensearch.sdk.generated.commons.OpenSearchException;
import com.aliyun.opensearch.sdk.generated.search.Config;
import com.aliyun.opensearch.sdk.generated.search.SearchParams;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.stsbroker.client.BrokerCredentials;
import io.stsbroker.client.TemporaryCredentials;
import io.stsbroker.client.opensearch.OpenSearchClientHolder;
import io.stsbroker.client.opensearch.OpenSearchEndpoint;
import io.stsbroker.e2e.OpenSearchApiDouble.Received;
import io.stsbroker.sts.embedded.EmbeddedStsKeys;
import io.stsbroker.testsupport.MutableClock;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URL;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.stsbroker.e2e.E2e.jwt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The Alibaba OpenSearch SDK, built by the client library's holder from credentials the broker
 * vended, signs real requests that an OpenSearch stand-in authenticates with the vended secret and
 * the embedded STS's self-verifying token. Refusals must reach the SDK's caller with their code.
 */
@QuarkusTest
@TestProfile(E2eProfile.class)
class OpenSearchEndToEndTest {

    static final String APP = "e2e_app";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URL base;

    @Inject
    MutableClock clock;

    @Inject
    EmbeddedStsKeys stsKeys;

    private OpenSearchApiDouble openSearch;

    @BeforeEach
    void startOpenSearch() throws IOException {
        openSearch = new OpenSearchApiDouble(clock, stsKeys.tokenKey());
    }

    @AfterEach
    void stopOpenSearch() throws IOException {
        openSearch.close();
    }

    /** A search as a caller writes it; returns the body the SDK hands back (it does not throw on 4xx). */
    static String search(OpenSearchClient client) throws OpenSearchException, OpenSearchClientException {
        Config config = new Config(List.of(APP)).setStart(0).setHits(10);
        SearchParams params = new SearchParams(config).setQuery("default:'opensearch'");
        return new SearcherClient(client).execute(params).getResult();
    }

    /** {@code status} of a v3 body, {@code OK} or {@code FAIL}. */
    static String status(String body) throws IOException {
        return JSON.readTree(body).path("status").asText();
    }

    private BrokerCredentials credentialsFor(String name) {
        return E2e.client(base, jwt("system:serviceaccount:search:" + name), clock).credentials("search-reader");
    }

    private OpenSearchEndpoint endpoint() {
        return OpenSearchEndpoint.of(openSearch.endpoint());
    }

    /** A holder whose source always hands out {@code pinned}: a caller that kept one credential. */
    private OpenSearchClientHolder pinnedTo(TemporaryCredentials pinned) {
        return new OpenSearchClientHolder(() -> pinned, endpoint());
    }

    /**
     * Asserts that the double refused {@code client}'s request with {@code code} and that the code
     * reaches the caller both ways the SDK reports: in the body {@code SearcherClient} returns, and
     * in the {@link OpenSearchException} that {@code callAndDecodeResult} throws.
     */
    private static void assertRefused(OpenSearchClient client, String code) throws Exception {
        JsonNode body = JSON.readTree(search(client));
        assertThat(body.path("status").asText()).isEqualTo("FAIL");
        assertThat(body.path("errors").path(0).path("message").asText()).startsWith(code + ":");

        Map<String, String> params = new HashMap<>(Map.of("query", "config=start:0,hit:10"));
        Throwable thrown = catchThrowable(() -> client.callAndDecodeResult("/apps/" + APP + "/search", params, "GET"));
        assertThat(thrown).as("callAndDecodeResult on a 403").isInstanceOf(OpenSearchException.class)
                .hasMessageStartingWith(code + ":");
    }

    @Test
    void sdkRequestSignedWithVendedCredentialsIsAccepted() throws Exception {
        try (BrokerCredentials credentials = credentialsFor("e2e-os-valid");
             OpenSearchClientHolder holder = new OpenSearchClientHolder(credentials, endpoint())) {
            TemporaryCredentials vended = credentials.credentials();
            openSearch.register(vended);

            assertThat(status(search(holder.client()))).isEqualTo("OK");
            assertThat(openSearch.received()).containsExactly(
                    new Received(vended.accessKeyId(), "/v3/openapi/apps/" + APP + "/search", 200, null));
        }
    }

    @Test
    void expiredSecurityTokenIsRefusedWithInvalidSecurityTokenExpired() throws Exception {
        TemporaryCredentials vended;
        try (BrokerCredentials credentials = credentialsFor("e2e-os-expired")) {
            vended = credentials.credentials();
        }
        openSearch.register(vended);
        try (OpenSearchClientHolder holder = pinnedTo(vended)) {
            OpenSearchClient kept = holder.client();
            assertThat(status(search(kept))).isEqualTo("OK");

            clock.advance(Duration.between(clock.instant(), vended.expiration()).plusSeconds(1));

            assertRefused(kept, "InvalidSecurityToken.Expired");
        }
    }

    @Test
    void securityTokenIssuedWithAnotherAccessKeyIsRefusedAsMismatch() throws Exception {
        TemporaryCredentials mine;
        TemporaryCredentials theirs;
        try (BrokerCredentials a = credentialsFor("e2e-os-mine"); BrokerCredentials b = credentialsFor("e2e-os-theirs")) {
            mine = a.credentials();
            theirs = b.credentials();
        }
        openSearch.register(mine).register(theirs);
        TemporaryCredentials borrowedToken = new TemporaryCredentials(mine.accessKeyId(), mine.accessKeySecret(),
                theirs.securityToken(), mine.expiration());

        try (OpenSearchClientHolder holder = pinnedTo(borrowedToken)) {
            assertRefused(holder.client(), "InvalidSecurityToken.MismatchWithAccessKey");
        }
        assertThat(openSearch.receivedFor(mine.accessKeyId())).extracting(Received::status).containsOnly(403);
    }

    @Test
    void unknownAccessKeyIsRefusedWithInvalidAccessKeyId() throws Exception {
        TemporaryCredentials vended;
        try (BrokerCredentials credentials = credentialsFor("e2e-os-unknown")) {
            vended = credentials.credentials();
        }
        // Not registered: this OpenSearch never learnt of the key, as with a key from another account's STS.
        try (OpenSearchClientHolder holder = pinnedTo(vended)) {
            assertRefused(holder.client(), "InvalidAccessKeyId.NotFound");
        }
    }

    @Test
    void requestSignedWithAnotherSecretIsRefusedWithSignatureDoesNotMatch() throws Exception {
        TemporaryCredentials vended;
        try (BrokerCredentials credentials = credentialsFor("e2e-os-wrong-secret")) {
            vended = credentials.credentials();
        }
        openSearch.register(vended);
        TemporaryCredentials wrongSecret = new TemporaryCredentials(vended.accessKeyId(), vended.accessKeySecret() + "x",
                vended.securityToken(), vended.expiration());

        try (OpenSearchClientHolder holder = pinnedTo(wrongSecret)) {
            assertRefused(holder.client(), "SignatureDoesNotMatch");
        }
    }
}
