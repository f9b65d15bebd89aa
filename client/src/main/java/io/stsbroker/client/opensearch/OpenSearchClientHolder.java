package io.stsbroker.client.opensearch;

import com.aliyun.opensearch.OpenSearchClient;
import com.aliyun.opensearch.sdk.generated.OpenSearch;
import io.stsbroker.client.CredentialsSource;
import io.stsbroker.client.TemporaryCredentials;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Hands out an {@link OpenSearchClient} signing with the source's current credentials, building a
 * new client whenever they rotate (the SDK binds credentials at construction).
 *
 * <p>Call {@link #client()} per request or per batch and do not keep the result: that is what keeps
 * a long-running service from signing with an expired token. A replaced client is released (pool
 * and monitor thread) at the rotation after next, so requests still running on it can finish.
 * Thread-safe.
 */
public final class OpenSearchClientHolder implements AutoCloseable {

    private record Bound(TemporaryCredentials credentials, OpenSearchClient client) {
    }

    private final CredentialsSource source;
    private final OpenSearchEndpoint endpoint;
    private final Consumer<OpenSearch> settings;

    private volatile Bound current;
    /** The client replaced at the last rotation; released at the next one. Guarded by {@code this}. */
    private OpenSearchClient retired;
    private volatile boolean closed;

    public OpenSearchClientHolder(CredentialsSource source, OpenSearchEndpoint endpoint) {
        this(source, endpoint, openSearch -> { });
    }

    /** As the two-argument constructor, with {@code settings} applied to every {@link OpenSearch} config. */
    public OpenSearchClientHolder(CredentialsSource source, OpenSearchEndpoint endpoint, Consumer<OpenSearch> settings) {
        this.source = Objects.requireNonNull(source, "source");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** A holder for {@code regionId}'s public endpoint. */
    public static OpenSearchClientHolder forRegion(CredentialsSource source, String regionId) {
        return new OpenSearchClientHolder(source, OpenSearchEndpoint.forRegion(regionId));
    }

    /**
     * A client signing with the source's current credentials.
     *
     * @throws io.stsbroker.client.BrokerException if new credentials were needed and could not be fetched
     */
    public OpenSearchClient client() {
        if (closed) {
            throw new IllegalStateException("OpenSearchClientHolder is closed");
        }
        TemporaryCredentials credentials = source.credentials();
        Bound bound = current;
        if (bound != null && bound.credentials().equals(credentials)) {
            return bound.client();
        }
        return rebind(credentials);
    }

    private synchronized OpenSearchClient rebind(TemporaryCredentials credentials) {
        if (closed) {
            throw new IllegalStateException("OpenSearchClientHolder is closed");
        }
        Bound bound = current;
        if (bound != null && (bound.credentials().equals(credentials)
                || credentials.expiration().isBefore(bound.credentials().expiration()))) {
            // Already bound, or a slower caller is holding credentials older than the bound ones.
            return bound.client();
        }
        OpenSearchClient client = OpenSearchClients.create(credentials, endpoint, settings);
        if (retired != null) {
            RetiredClients.release(retired);
        }
        retired = bound == null ? null : bound.client();
        current = new Bound(credentials, client);
        return client;
    }

    /** Releases every client this holder built; later {@link #client()} calls fail. */
    @Override
    public synchronized void close() {
        closed = true;
        if (retired != null) {
            RetiredClients.release(retired);
            retired = null;
        }
        Bound bound = current;
        if (bound != null) {
            RetiredClients.release(bound.client());
            current = null;
        }
    }
}
