package io.stsbroker.client.opensearch;

import com.aliyun.opensearch.OpenSearchClient;
import com.aliyun.opensearch.sdk.generated.OpenSearch;
import io.stsbroker.client.TemporaryCredentials;

import java.util.function.Consumer;

/**
 * Builds OpenSearch SDK clients from temporary credentials exactly as the SDK documents it:
 * {@code new OpenSearch(id, secret, endpoint)}, {@code setSecurityToken(token)},
 * {@code new OpenSearchClient(openSearch)}.
 *
 * <p><b>Note:</b> the SDK binds the credentials when the client is constructed; a client built
 * here signs with these credentials until they expire. Long-running code should use
 * {@link OpenSearchClientHolder}, which rebuilds the client when the credentials rotate.
 */
public final class OpenSearchClients {
    private OpenSearchClients() {
    }

    /** A client for {@code regionId}'s public endpoint (see {@link OpenSearchEndpoint#forRegion}). */
    public static OpenSearchClient forRegion(TemporaryCredentials credentials, String regionId) {
        return create(credentials, OpenSearchEndpoint.forRegion(regionId));
    }

    /** A client for {@code endpoint} signing with {@code credentials}. */
    public static OpenSearchClient create(TemporaryCredentials credentials, OpenSearchEndpoint endpoint) {
        return create(credentials, endpoint, openSearch -> { });
    }

    /**
     * As {@link #create(TemporaryCredentials, OpenSearchEndpoint)}, letting {@code settings} adjust
     * the {@link OpenSearch} config (timeouts, gzip) before the client is built from it.
     */
    public static OpenSearchClient create(TemporaryCredentials credentials, OpenSearchEndpoint endpoint,
                                          Consumer<OpenSearch> settings) {
        OpenSearch openSearch = new OpenSearch(credentials.accessKeyId(), credentials.accessKeySecret(), endpoint.url());
        openSearch.setSecurityToken(credentials.securityToken());
        settings.accept(openSearch);
        return new OpenSearchClient(openSearch);
    }
}
