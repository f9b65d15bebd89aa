package io.stsbroker.e2e;

import com.aliyun.opensearch.OpenSearchClient;
import com.aliyun.opensearch.sdk.generated.commons.OpenSearchClientException;
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
import org.junit.jupiter.api.Test;

import java.net.URL;

import static io.stsbroker.e2e.E2e.CLIENT_REFRESHING;
import static io.stsbroker.e2e.E2e.advanceToLeft;
import static io.stsbroker.e2e.E2e.awaitRotation;
import static io.stsbroker.e2e.E2e.jwt;
import static io.stsbroker.e2e.OpenSearchEndToEndTest.search;
import static io.stsbroker.e2e.OpenSearchEndToEndTest.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The OpenSearch holder follows the broker's rotations: a new SDK client for new credentials, the
 * replaced one still signing (its credentials are still valid) until the rotation after, when the
 * holder releases it.
 */
@QuarkusTest
@TestProfile(E2eProfile.class)
class OpenSearchHolderRotationTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    MutableClock clock;

    @Inject
    EmbeddedStsKeys stsKeys;

    /** Rotates by moving the clock into the client's refresh window and waiting for the new credential. */
    private TemporaryCredentials rotate(BrokerCredentials credentials, TemporaryCredentials current) {
        advanceToLeft(clock, current.expiration(), CLIENT_REFRESHING);
        return awaitRotation(credentials::credentials, current);
    }

    @Test
    void holderHandsOutANewClientAfterRotationAndTheOldOneSignsUntilRetired() throws Exception {
        String sub = "system:serviceaccount:search:e2e-holder-rotation";
        try (OpenSearchApiDouble openSearch = new OpenSearchApiDouble(clock, stsKeys.tokenKey());
             BrokerCredentials credentials = E2e.client(base, jwt(sub), clock).credentials("search-reader");
             OpenSearchClientHolder holder = new OpenSearchClientHolder(credentials,
                     OpenSearchEndpoint.of(openSearch.endpoint()))) {
            TemporaryCredentials first = credentials.credentials();
            openSearch.register(first);
            OpenSearchClient c1 = holder.client();
            assertThat(status(search(c1))).isEqualTo("OK");
            assertThat(holder.client()).as("same credentials, same client").isSameAs(c1);

            TemporaryCredentials second = rotate(credentials, first);
            openSearch.register(second);
            OpenSearchClient c2 = holder.client();

            assertThat(c2).isNotSameAs(c1);
            assertThat(status(search(c2))).isEqualTo("OK");
            assertThat(status(search(c1))).as("the replaced client signs on: its credentials are valid").isEqualTo("OK");
            assertThat(openSearch.receivedFor(second.accessKeyId())).extracting(Received::status).containsExactly(200);
            assertThat(openSearch.receivedFor(first.accessKeyId())).extracting(Received::status).containsExactly(200, 200);

            TemporaryCredentials third = rotate(credentials, second);
            openSearch.register(third);
            OpenSearchClient c3 = holder.client();

            assertThat(c3).isNotSameAs(c2).isNotSameAs(c1);
            assertThat(status(search(c3))).isEqualTo("OK");
            assertThat(status(search(c2))).as("replaced at this rotation, still in service").isEqualTo("OK");
            assertThatThrownBy(() -> search(c1)).as("retired at the rotation after its replacement: released")
                    .isInstanceOf(OpenSearchClientException.class)
                    .hasRootCauseInstanceOf(IllegalStateException.class).hasRootCauseMessage("Connection pool shut down");
            assertThat(openSearch.receivedFor(first.accessKeyId())).as("the retired client sent nothing more").hasSize(2);
        }
    }
}
